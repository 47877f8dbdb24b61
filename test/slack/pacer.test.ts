import t from 'tap';
import { SlackClientError } from '../../src/slack/errors.js';
import {
  PacedSlackClient,
  SLACK_METHOD_TIERS,
  type PacedSlackClientOptions,
  type SlackCaller,
} from '../../src/slack/pacer.js';
import { SlackWebClient, type SlackResponse, type SlackWebClientOptions } from '../../src/slack/web-api.js';
import { startFakeSlack, type FakeSlackCall } from '../helpers/fake-slack.js';
import { failure } from '../helpers/failure.js';

const TOKEN = 'xoxb-1111-2222-PacerToken';
const OTHER_TOKEN = 'xoxb-3333-4444-OtherToken';

const fake = await startFakeSlack();
t.teardown(() => fake.close());
t.beforeEach(() => fake.reset());

type Teardown = { teardown(fn: () => unknown): void };

/** A pacer over a real SlackWebClient on the fake, both closed after the test. */
function paced(t: Teardown, options: PacedSlackClientOptions, clientOptions: Partial<SlackWebClientOptions> = {}): PacedSlackClient {
  const client = new SlackWebClient({ baseUrl: fake.url, retryBaseDelayMs: 5, timeoutMs: 2_000, ...clientOptions });
  const pacer = new PacedSlackClient(client, options);
  t.teardown(async () => {
    await pacer.close();
    await client.close();
  });
  return pacer;
}

interface Delivery {
  /** When the fake answered it: after Slack (the fake) received it, before the caller saw the answer. */
  readonly at: number;
  readonly call: FakeSlackCall;
}

/** Answers `method` with ok, echoing `text`, and records each call the fake accepted (not the ones it refused). */
function deliveries(method: string): Delivery[] {
  const seen: Delivery[] = [];
  fake.on(method, (call) => {
    seen.push({ at: performance.now(), call });
    return { ok: true, channel: call.params['channel'], text: call.params['text'], ts: `${seen.length}.000100` };
  });
  return seen;
}

function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((time, i) => time - (times[i] as number));
}


const texts = (n: number, prefix = 'm'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

t.test('a burst of 20 posts to one channel: all delivered, in order, one interval apart at Slack', async (t) => {
  const intervalMs = 40;
  const seen = deliveries('chat.postMessage');
  // Slack's own rule, a little looser than ours: a 429 here means the pacer let two through too close.
  fake.rateLimit('chat.postMessage', intervalMs * 0.9, (call) => call.params['channel'] ?? '');
  const pacer = paced(t, { perChannelPerSecond: 1000 / intervalMs });

  const sent = texts(20);
  const answers = await Promise.all(sent.map((text) => pacer.call('chat.postMessage', { channel: 'C1', text }, TOKEN)));

  t.same(answers.map((answer) => answer['text']), sent, 'each caller got the answer to its own post');
  t.same(seen.map((d) => d.call.params['text']), sent, 'all 20 reached Slack, in the order they were made');
  t.equal(fake.rateLimited.length, 0, 'Slack never had to refuse one');
  t.equal(fake.callsTo('chat.postMessage').length, 20, 'no retries were needed');
  const spacing = gaps(seen.map((d) => d.at));
  t.ok(Math.min(...spacing) >= intervalMs * 0.9, `consecutive posts at least ~${intervalMs} ms apart (closest: ${Math.min(...spacing).toFixed(1)} ms)`);
  const span = (seen.at(-1)?.at ?? 0) - (seen[0]?.at ?? 0);
  t.ok(span >= 19 * intervalMs * 0.9, `the burst took at least 19 intervals (${span.toFixed(0)} ms)`);
});

t.test('two channels are paced independently: neither waits for the other queue', async (t) => {
  const intervalMs = 100;
  const seen = deliveries('chat.postMessage');
  const pacer = paced(t, { perChannelPerSecond: 1000 / intervalMs });

  // All of C1's posts are queued before any of C2's: one shared queue would deliver C2 last.
  const c1 = texts(8, 'one-').map((text) => pacer.call('chat.postMessage', { channel: 'C1', text }, TOKEN));
  const c2 = texts(8, 'two-').map((text) => pacer.call('chat.postMessage', { channel: 'C2', text }, TOKEN));
  t.equal(pacer.size, 2, 'one key per channel');
  await Promise.all([...c1, ...c2]);

  const order = seen.map((d) => d.call.params['text'] ?? '');
  t.same(order.filter((text) => text.startsWith('one-')), texts(8, 'one-'), "C1's posts in order");
  t.same(order.filter((text) => text.startsWith('two-')), texts(8, 'two-'), "C2's posts in order");
  t.ok(order.indexOf('two-0') < order.indexOf('one-1'), "C2's first post went before C1's second: it did not wait behind C1");
  const beforeLastOfC1 = order.slice(0, order.indexOf('one-7')).filter((text) => text.startsWith('two-')).length;
  t.ok(beforeLastOfC1 >= 6, `the channels interleave (${beforeLastOfC1} of C2's 8 posts before C1's last)`);
  for (const channel of ['C1', 'C2']) {
    const spacing = gaps(seen.filter((d) => d.call.params['channel'] === channel).map((d) => d.at));
    t.ok(Math.min(...spacing) >= intervalMs * 0.9, `${channel} still paced (closest: ${Math.min(...spacing).toFixed(1)} ms)`);
  }
});

t.test('a method that is not a post is paced by its tier, per token and method', async (t) => {
  const intervalMs = 60;
  const users = deliveries('users.info');
  const conversations = deliveries('conversations.info');
  // Tier 4 (users.info) and Tier 3 (conversations.info) at 1000 a minute: one call per 60 ms, no burst.
  const pacer = paced(t, { tiers: { 3: 60_000 / intervalMs, 4: 60_000 / intervalMs }, tierBurst: { 3: 1, 4: 1 } });
  t.equal(pacer.rateClassOf('users.info'), 4);
  t.equal(pacer.rateClassOf('conversations.info'), 3);

  const ids = texts(5, 'U');
  const lookups = ids.map((user) => pacer.call('users.info', { user }, TOKEN));
  // Queued after all of them: a different method, and the same method with another token.
  const channel = pacer.call('conversations.info', { channel: 'C1' }, TOKEN);
  const otherApp = pacer.call('users.info', { user: 'UOTHER' }, OTHER_TOKEN);
  await Promise.all([...lookups, channel, otherApp]);

  const mine = users.filter((d) => d.call.token === TOKEN);
  t.same(mine.map((d) => d.call.params['user']), ids, 'the calls of one key arrive in order');
  const spacing = gaps(mine.map((d) => d.at));
  t.ok(Math.min(...spacing) >= intervalMs * 0.9, `users.info one interval apart (closest: ${Math.min(...spacing).toFixed(1)} ms)`);
  const second = mine[1]?.at ?? 0;
  t.ok((conversations[0]?.at ?? Infinity) < second, 'conversations.info did not wait behind the users.info queue');
  const other = users.find((d) => d.call.token === OTHER_TOKEN);
  t.ok((other?.at ?? Infinity) < second, "another token's users.info did not wait behind it either");
  t.equal(pacer.size, 3, 'three keys: users.info and conversations.info for one token, users.info for the other');
});

t.test('first in first out under concurrency: calls made from many tasks arrive in the order they were made', async (t) => {
  const seen = deliveries('chat.postMessage');
  const pacer = paced(t, { perChannelPerSecond: 100 });
  const made: string[] = [];
  const calls: Promise<SlackResponse>[] = [];

  // Five tasks take turns making calls while the queue is already waiting, with uneven pauses.
  await Promise.all(
    Array.from({ length: 5 }, async (_, task) => {
      for (let i = 0; i < 6; i++) {
        await delay((task * 7 + i * 3) % 11);
        const text = `task${task}-${i}`;
        made.push(text);
        calls.push(pacer.call('chat.postMessage', { channel: 'C1', text }, TOKEN));
      }
    }),
  );
  t.ok(pacer.pending > 0, 'calls were still waiting for their turn when the last was made');
  const answers = await Promise.all(calls);

  t.equal(seen.length, 30, 'none dropped');
  t.same(
    seen.map((d) => d.call.params['text']),
    made,
    'Slack received them in the order they were made',
  );
  t.same(answers.map((answer) => answer['text']), made, 'each caller got its own answer');
  t.equal(pacer.pending, 0);
});

t.test('a 429 with Retry-After: the call is retried and the key waits behind it, so all arrive in order', async (t) => {
  const seen = deliveries('chat.postMessage');
  fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
  // Fast and bursty: without the hold, m1…m4 would reach Slack during m0's Retry-After.
  const pacer = paced(t, { perChannelPerSecond: 50, perChannelBurst: 5 });
  const started = performance.now();

  const sent = texts(5);
  const answers = await Promise.all(sent.map((text) => pacer.call('chat.postMessage', { channel: 'C1', text }, TOKEN)));

  t.ok(answers.every((answer) => answer.ok), 'every call succeeded');
  t.same(seen.map((d) => d.call.params['text']), sent, 'delivered in order');
  t.same(
    fake.callsTo('chat.postMessage').map((call) => call.params['text']),
    ['m0', 'm0', 'm1', 'm2', 'm3', 'm4'],
    'the refused post was sent again before anything behind it',
  );
  const m1 = seen[1]?.at ?? 0;
  t.ok(m1 - started >= 900, `m1 waited out the Retry-After (${(m1 - started).toFixed(0)} ms)`);
});

t.test('when the client gives up on a 429, the pacer holds that key for the Retry-After, and only that key', async (t) => {
  const seen = deliveries('chat.postMessage');
  fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
  const warnings: object[] = [];
  const pacer = paced(
    t,
    { perChannelPerSecond: 50, perChannelBurst: 5, logger: { warn: (obj) => warnings.push(obj) } },
    { maxRetries: 0 },
  );
  const started = performance.now();

  const refused = failure(pacer.call('chat.postMessage', { channel: 'C1', text: 'm0' }, TOKEN));
  const next = pacer.call('chat.postMessage', { channel: 'C1', text: 'm1' }, TOKEN);
  const elsewhere = pacer.call('chat.postMessage', { channel: 'C2', text: 'elsewhere' }, TOKEN);

  const error = await refused;
  t.ok(error instanceof SlackClientError && error.code === 'rate_limited', 'the caller sees the rate_limited error');
  t.equal((error as SlackClientError).retryAfterSeconds, 1);
  await elsewhere;
  const otherAt = seen.find((d) => d.call.params['text'] === 'elsewhere')?.at ?? Infinity;
  t.ok(otherAt - started < 800, `another channel was not held (${(otherAt - started).toFixed(0)} ms)`);
  await next;
  const nextAt = seen.find((d) => d.call.params['text'] === 'm1')?.at ?? 0;
  t.ok(nextAt - started >= 900, `the next post on the refused channel waited the Retry-After (${(nextAt - started).toFixed(0)} ms)`);
  t.same(warnings, [{ method: 'chat.postMessage', holdMs: 1000 }], 'the hold was reported, without a token');
});

t.test('an ok:false "ratelimited" answer holds the key for defaultHoldMs', async (t) => {
  const seen = deliveries('chat.postMessage');
  fake.failNext('chat.postMessage', { body: { ok: false, error: 'ratelimited' } });
  const pacer = paced(t, { perChannelPerSecond: 100, perChannelBurst: 5, defaultHoldMs: 300 });
  const started = performance.now();

  const [first, second] = await Promise.all([
    pacer.call('chat.postMessage', { channel: 'C1', text: 'm0' }, TOKEN),
    pacer.call('chat.postMessage', { channel: 'C1', text: 'm1' }, TOKEN),
  ]);
  t.same(first, { ok: false, error: 'ratelimited' }, "the caller gets Slack's answer");
  t.ok(second.ok);
  const at = seen[0]?.at ?? 0;
  t.ok(at - started >= 270, `the next call waited the hold (${(at - started).toFixed(0)} ms)`);
});

t.test('idle keys are forgotten once their bucket is full again; a refilling key is kept', async (t) => {
  const seen = deliveries('chat.postMessage');
  const pacer = paced(t, { perChannelPerSecond: 100, idleSweepMs: 20 });

  const posts = Array.from({ length: 50 }, (_, i) => pacer.call('chat.postMessage', { channel: `C${i}`, text: 'hi' }, TOKEN));
  t.equal(pacer.size, 50, 'one key per channel while in use');
  await Promise.all(posts);
  const deadline = performance.now() + 3_000;
  while (pacer.size > 0 && performance.now() < deadline) await delay(10);
  t.equal(pacer.size, 0, 'every idle key was dropped');
  t.equal(seen.length, 50);

  // A key is not forgotten while its bucket refills: forgetting it would let the next call through early.
  const slow = paced(t, { perChannelPerSecond: 4, idleSweepMs: 10 });
  await slow.call('chat.postMessage', { channel: 'CSLOW', text: 'first' }, TOKEN);
  await delay(60);
  t.equal(slow.size, 1, 'the refilling key survived several sweeps');
  await slow.call('chat.postMessage', { channel: 'CSLOW', text: 'second' }, TOKEN);
  const [a, b] = seen.filter((d) => d.call.params['channel'] === 'CSLOW').map((d) => d.at);
  t.ok((b ?? 0) - (a ?? 0) >= 250 * 0.9, `and still paced the next call (${((b ?? 0) - (a ?? 0)).toFixed(0)} ms)`);
});

t.test('close(): waiting calls reject with client_closed, the call in flight completes, later calls are refused', async (t) => {
  const seen = deliveries('chat.postMessage');
  fake.failNext('chat.postMessage', { delayMs: 100 });
  const pacer = paced(t, { perChannelPerSecond: 2 });

  const inFlight = pacer.call('chat.postMessage', { channel: 'C1', text: 'm0' }, TOKEN);
  const waiting = [1, 2].map((i) => failure(pacer.call('chat.postMessage', { channel: 'C1', text: `m${i}` }, TOKEN)));
  await delay(20);
  t.equal(pacer.pending, 2);

  let closed = false;
  const closing = pacer.close().then(() => {
    closed = true;
  });
  for (const error of await Promise.all(waiting)) {
    t.ok(error instanceof SlackClientError && error.code === 'client_closed', 'a waiting call is rejected');
    t.match((error as Error).message, /pacer closed before the call was sent/);
  }
  t.notOk(closed, 'close() waits for the call in flight');
  t.ok((await inFlight).ok, 'the call in flight completed');
  await closing;
  t.equal(pacer.pending, 0);
  const late = await failure(pacer.call('chat.postMessage', { channel: 'C1', text: 'late' }, TOKEN));
  t.ok(late instanceof SlackClientError && late.code === 'client_closed', 'a call after close() is refused');
  t.same(seen.map((d) => d.call.params['text']), ['m0'], 'only the call in flight reached Slack');
});

t.test('a caller that aborts while waiting leaves the queue; the others keep their order', async (t) => {
  const seen = deliveries('chat.postMessage');
  const pacer = paced(t, { perChannelPerSecond: 20 });
  const controller = new AbortController();

  const first = pacer.call('chat.postMessage', { channel: 'C1', text: 'm0' }, TOKEN);
  const aborted = failure(pacer.call('chat.postMessage', { channel: 'C1', text: 'm1' }, TOKEN, { signal: controller.signal }));
  const third = pacer.call('chat.postMessage', { channel: 'C1', text: 'm2' }, TOKEN);
  controller.abort();
  const error = await aborted;
  t.ok(error instanceof SlackClientError && error.code === 'aborted', 'the waiting call rejects as aborted');
  t.equal(pacer.pending, 1, 'only m2 still waits');
  await Promise.all([first, third]);
  t.same(seen.map((d) => d.call.params['text']), ['m0', 'm2'], 'the aborted call never reached Slack');

  const already = await failure(pacer.call('chat.postMessage', { channel: 'C1', text: 'x' }, TOKEN, { signal: AbortSignal.abort() }));
  t.ok(already instanceof SlackClientError && already.code === 'aborted', 'an already aborted signal is refused at once');
});

t.test('the tier table covers the methods omnibot-ts and its callbacks call', async (t) => {
  const expected: Record<string, 1 | 2 | 3 | 4 | 'post'> = {
    'chat.postMessage': 'post',
    'chat.meMessage': 'post',
    'chat.postEphemeral': 4,
    'chat.update': 3,
    'chat.delete': 3,
    'chat.scheduleMessage': 3,
    'chat.getPermalink': 4,
    'conversations.list': 2,
    'conversations.info': 3,
    'conversations.open': 3,
    'conversations.history': 3,
    'conversations.members': 4,
    'users.info': 4,
    'users.list': 2,
    'users.lookupByEmail': 3,
    'users.profile.get': 4,
    'reactions.add': 3,
    'reactions.remove': 2,
    'dialog.open': 4,
    'views.open': 4,
    'views.update': 4,
    'views.push': 4,
    'views.publish': 4,
    'auth.test': 4,
    'bots.info': 3,
    'emoji.list': 2,
    'files.upload': 2,
    'files.info': 4,
    'files.getUploadURLExternal': 4,
    'files.completeUploadExternal': 4,
    'pins.add': 2,
    'pins.list': 2,
    'pins.remove': 2,
  };
  for (const [method, rateClass] of Object.entries(expected)) {
    t.equal(SLACK_METHOD_TIERS[method], rateClass, `${method} is ${rateClass === 'post' ? 'paced per channel' : `Tier ${rateClass}`}`);
  }
  for (const family of ['chat.', 'conversations.', 'users.', 'reactions.', 'views.', 'files.', 'pins.']) {
    t.ok(Object.keys(SLACK_METHOD_TIERS).filter((method) => method.startsWith(family)).length >= 3, `several ${family}* methods`);
  }
  t.ok(Object.isFrozen(SLACK_METHOD_TIERS), 'the table cannot be changed at run time');

  const slack: SlackCaller = { call: async () => ({ ok: true }) as never };
  const defaults = new PacedSlackClient(slack);
  t.equal(defaults.rateClassOf('made.up'), 3, 'an unknown method is Tier 3');
  const custom = new PacedSlackClient(slack, { methodTiers: { 'conversations.history': 1, 'chat.update': 'post' }, defaultTier: 2 });
  t.equal(custom.rateClassOf('conversations.history'), 1, 'methodTiers overrides the table');
  t.equal(custom.rateClassOf('chat.update'), 'post');
  t.equal(custom.rateClassOf('made.up'), 2, 'defaultTier applies to unknown methods');
  t.throws(() => new PacedSlackClient(slack, { perChannelPerSecond: 0 }), RangeError);
  t.throws(() => new PacedSlackClient(slack, { perChannelBurst: 1.5 }), RangeError);
  t.throws(() => new PacedSlackClient(slack, { methodTiers: { 'a.b': 5 as never } }), RangeError);
});

t.test("the default pace, on an injected clock: Slack's rates, bursts, and a hold that resumes one call at a time", async (t) => {
  let clock = 0;
  const starts: Array<[string, number]> = [];
  let refuse = false;
  const slack: SlackCaller = {
    call: async (method: string) => {
      starts.push([method, clock]);
      if (refuse) {
        refuse = false;
        throw new SlackClientError('rate_limited', method, 'rate limited', { status: 429, retryAfterSeconds: 30 });
      }
      return { ok: true } as never;
    },
  };
  const pacer = new PacedSlackClient(slack, {
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
  });
  t.teardown(() => pacer.close());
  const run = async (method: string, n: number, params: Record<string, unknown> = {}): Promise<number[]> => {
    starts.length = 0;
    const from = clock;
    await Promise.allSettled(Array.from({ length: n }, () => pacer.call(method, params, TOKEN)));
    return starts.map(([, at]) => at - from);
  };

  t.same(await run('chat.postMessage', 3, { channel: 'C1' }), [0, 1000, 2000], 'posts: one per second per channel, no burst');
  t.same(await run('conversations.list', 5), [0, 0, 0, 3000, 6000], 'Tier 2: 20 a minute after a burst of 3');
  t.same(await run('users.info', 12), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 600, 1200], 'Tier 4: 100 a minute after a burst of 10');

  refuse = true;
  t.same(
    await run('reactions.add', 3, { channel: 'C1', name: 'x', timestamp: '1.2' }),
    [0, 30_000, 31_200],
    'after a refusal: nothing for the Retry-After, then one Tier 3 interval at a time, not a burst',
  );
});
