import t from 'tap';
import { inspect } from 'node:util';
import { SlackApiError, SlackClientError } from '../../src/slack/errors.js';
import { SlackWebClient, type SlackClientLogger, type SlackWebClientOptions } from '../../src/slack/web-api.js';
import { startFakeSlack } from '../helpers/fake-slack.js';
import { failure } from '../helpers/failure.js';

const TOKEN = 'xoxb-1111-2222-SeCrEtToKeN';

const fake = await startFakeSlack();
t.teardown(() => fake.close());
t.beforeEach(() => fake.reset());

interface LogLine {
  level: 'warn' | 'debug';
  obj: object;
  msg: string;
}

function arrayLogger(): SlackClientLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    debug: (obj, msg) => lines.push({ level: 'debug', obj, msg }),
  };
}

type Teardown = { teardown(fn: () => unknown): void };

/** A client on the fake with retries that cost milliseconds, closed after the test. */
function client(t: Teardown, options: Partial<SlackWebClientOptions> = {}): SlackWebClient {
  const slack = new SlackWebClient({ baseUrl: fake.url, retryBaseDelayMs: 5, timeoutMs: 2_000, ...options });
  t.teardown(() => slack.close());
  return slack;
}


async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

t.test('the request: POST to the base path + method, Bearer token, Slack-SDK form encoding', async (t) => {
  fake.on('chat.postMessage', { ok: true, ts: '1.2' });
  const slack = client(t);
  await slack.call(
    'chat.postMessage',
    {
      channel: 'C123',
      text: 'a&b=c + d é ✓\nnext',
      count: 42,
      ratio: 1.5,
      unfurl_links: false,
      as_user: true,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }],
      metadata: { event_type: 'x', event_payload: { n: 1 } },
      empty: '',
      skipped: undefined,
      nothing: null,
    },
    TOKEN,
  );
  t.equal(fake.calls.length, 1);
  const call = fake.calls[0];
  t.equal(call?.path, '/api/chat.postMessage', 'the base path is kept');
  t.equal(call?.method, 'chat.postMessage');
  t.equal(call?.headers['content-type'], 'application/x-www-form-urlencoded; charset=utf-8');
  t.equal(call?.headers.authorization, `Bearer ${TOKEN}`);
  t.equal(call?.token, TOKEN);
  t.same(call?.params, {
    channel: 'C123',
    text: 'a&b=c + d é ✓\nnext',
    count: '42',
    ratio: '1.5',
    unfurl_links: 'false',
    as_user: 'true',
    blocks: '[{"type":"section","text":{"type":"mrkdwn","text":"*hi*"}}]',
    metadata: '{"event_type":"x","event_payload":{"n":1}}',
    empty: '',
  });
  t.notOk(call?.rawBody.includes('skipped'), 'undefined is left out');
  t.notOk(call?.rawBody.includes('nothing'), 'null is left out');
});

t.test('a parameter that has no form encoding is refused before any I/O', async (t) => {
  const slack = client(t);
  await t.rejects(slack.call('chat.postMessage', { text: () => 'x' }, TOKEN), TypeError);
  await t.rejects(slack.call('chat.postMessage', { text: Symbol('x') }, TOKEN), TypeError);
  t.equal(fake.calls.length, 0);
});

t.test('a base URL without a trailing slash, or on a deeper path, keeps its path', async (t) => {
  fake.on('auth.test', { ok: true });
  await client(t, { baseUrl: fake.url.replace(/\/$/, '') }).call('auth.test', {}, TOKEN);
  t.equal(fake.calls.at(-1)?.path, '/api/auth.test');
  await client(t, { baseUrl: fake.url.replace('/api/', '/proxy/slack/api/') }).call('auth.test', {}, TOKEN);
  t.equal(fake.calls.at(-1)?.path, '/proxy/slack/api/auth.test');
});

t.test('the body comes back as Slack sent it, ok:true or ok:false, without an exception', async (t) => {
  const slack = client(t);
  const answer = { ok: true, channel: 'C1', ts: '1700000000.000100', message: { text: 'hi', blocks: [1, 2] }, warning: 'x' };
  fake.on('chat.postMessage', answer);
  t.same(await slack.call('chat.postMessage', {}, TOKEN), answer);

  const refusal = { ok: false, error: 'missing_scope', needed: 'chat:write', provided: 'users:read' };
  fake.failNext('chat.postMessage', { body: refusal });
  t.same(await slack.call('chat.postMessage', {}, TOKEN), refusal);
  t.equal(fake.callsTo('chat.postMessage').length, 2, 'ok:false is not retried');

  t.same(await slack.call('nobody.setThisUp', {}, TOKEN), { ok: false, error: 'unknown_method' });

  fake.failNext('chat.postMessage', { status: 404, body: { ok: false, error: 'channel_not_found' } });
  t.same(await slack.call('chat.postMessage', {}, TOKEN), { ok: false, error: 'channel_not_found' }, 'a 4xx with Slack JSON is an answer too');
});

t.test('429: waits Retry-After, then retries', async (t) => {
  fake.on('users.list', { ok: true, members: [] });
  fake.failNext('users.list', { status: 429, retryAfter: 1 });
  const started = performance.now();
  const response = await client(t).call('users.list', {}, TOKEN);
  const waited = performance.now() - started;
  t.equal(response.ok, true);
  t.equal(fake.callsTo('users.list').length, 2);
  t.ok(waited >= 990, `waited ${Math.round(waited)} ms for Retry-After: 1`);
  t.ok(waited < 2_500, 'and not much longer');
});

t.test('429: the wait is capped at maxRetryAfterMs', async (t) => {
  fake.on('users.list', { ok: true });
  fake.failNext('users.list', { status: 429, retryAfter: 3600 });
  const started = performance.now();
  await client(t, { maxRetryAfterMs: 50 }).call('users.list', {}, TOKEN);
  const waited = performance.now() - started;
  t.ok(waited >= 45 && waited < 1_000, `waited ${Math.round(waited)} ms, not an hour`);
  t.equal(fake.callsTo('users.list').length, 2);
});

t.test('429 without Retry-After: one second by default (here capped lower to stay fast)', async (t) => {
  fake.on('users.list', { ok: true });
  fake.failNext('users.list', { status: 429 });
  const logger = arrayLogger();
  await client(t, { logger, maxRetryAfterMs: 120 }).call('users.list', {}, TOKEN);
  const warning = logger.lines.find((line) => line.level === 'warn');
  t.match(warning?.obj, { method: 'users.list', code: 'rate_limited', status: 429, retryAfterSeconds: 1, delayMs: 120 });
});

t.test('429 with a Retry-After that is an HTTP date, or garbage', async (t) => {
  fake.on('users.list', { ok: true });
  const logger = arrayLogger();
  const slack = client(t, { logger, maxRetryAfterMs: 30 });
  fake.failNext('users.list', { status: 429, retryAfter: new Date(Date.now() + 5_000).toUTCString() });
  fake.failNext('users.list', { status: 429, retryAfter: 'soon' });
  await slack.call('users.list', {}, TOKEN);
  const asked = logger.lines.filter((line) => line.level === 'warn').map((line) => (line.obj as { retryAfterSeconds: number }).retryAfterSeconds);
  t.equal(asked.length, 2);
  t.ok(asked[0] !== undefined && asked[0] >= 4 && asked[0] <= 5, `the date meant ${asked[0]} s`);
  t.equal(asked[1], 1, 'garbage means the one-second default');
  t.equal(fake.callsTo('users.list').length, 3);
});

t.test('429 for ever: gives up after maxRetries with rate_limited', async (t) => {
  fake.failNext('users.list', { status: 429, retryAfter: 0 }, 10);
  const error = await failure(client(t, { maxRetries: 2 }).call('users.list', {}, TOKEN));
  t.type(error, SlackClientError);
  t.match(error, { code: 'rate_limited', method: 'users.list', status: 429, attempts: 3, retryAfterSeconds: 0 });
  t.match((error as Error).message, /users\.list/);
  t.equal(fake.callsTo('users.list').length, 3, 'maxRetries + 1 requests');
});

t.test('5xx: retried with backoff, then the answer', async (t) => {
  fake.on('conversations.info', { ok: true, channel: { id: 'C1' } });
  fake.failNext('conversations.info', { status: 503 });
  fake.failNext('conversations.info', { status: 502 });
  const logger = arrayLogger();
  const response = await client(t, { logger, maxRetries: 3 }).call('conversations.info', { channel: 'C1' }, TOKEN);
  t.same(response, { ok: true, channel: { id: 'C1' } });
  t.equal(fake.callsTo('conversations.info').length, 3);
  const warnings = logger.lines.filter((line) => line.level === 'warn').map((line) => line.obj);
  t.match(warnings, [
    { method: 'conversations.info', attempt: 1, code: 'http_error', status: 503 },
    { method: 'conversations.info', attempt: 2, code: 'http_error', status: 502 },
  ]);
  const [first, second] = warnings as Array<{ delayMs: number }>;
  // base 5 ms: the first retry waits 2.5–5 ms, the second 5–10 ms.
  t.ok(first && first.delayMs >= 2.5 && first.delayMs <= 5, `first backoff ${first?.delayMs}`);
  t.ok(second && second.delayMs >= 5 && second.delayMs <= 10, `second backoff ${second?.delayMs}`);
});

t.test('5xx for ever: exactly maxRetries + 1 requests, then http_error with the status', async (t) => {
  fake.failNext('conversations.info', { status: 500 }, 20);
  const error = await failure(client(t, { maxRetries: 2 }).call('conversations.info', {}, TOKEN));
  t.type(error, SlackClientError);
  t.match(error, { code: 'http_error', status: 500, method: 'conversations.info', attempts: 3 });
  t.match((error as Error).message, /conversations\.info.*HTTP 500/);
  t.equal(fake.callsTo('conversations.info').length, 3);

  fake.reset();
  fake.failNext('conversations.info', { status: 500 }, 20);
  await failure(client(t, { maxRetries: 0 }).call('conversations.info', {}, TOKEN));
  t.equal(fake.callsTo('conversations.info').length, 1, 'maxRetries: 0 means one attempt');
});

t.test('a 4xx or a 2xx that is not Slack JSON fails at once, without a retry', async (t) => {
  const slack = client(t);
  fake.failNext('chat.update', { text: '<html>gateway</html>' });
  const invalid = await failure(slack.call('chat.update', {}, TOKEN));
  t.match(invalid, { code: 'invalid_response', method: 'chat.update', status: 200 });
  t.equal(fake.callsTo('chat.update').length, 1);

  fake.failNext('chat.update', { text: '{"no_ok_field":true}', contentType: 'application/json' });
  t.match(await failure(slack.call('chat.update', {}, TOKEN)), { code: 'invalid_response' });

  fake.failNext('chat.update', { status: 403, text: 'Forbidden' });
  t.match(await failure(slack.call('chat.update', {}, TOKEN)), { code: 'http_error', status: 403 });
  t.equal(fake.callsTo('chat.update').length, 3);
});

t.test('a reset socket is retried; for ever, it is request_failed', async (t) => {
  fake.on('team.info', { ok: true, team: { id: 'T1' } });
  fake.failNext('team.info', { destroy: true });
  const slack = client(t, { maxRetries: 2 });
  t.same(await slack.call('team.info', {}, TOKEN), { ok: true, team: { id: 'T1' } });
  t.equal(fake.callsTo('team.info').length, 2);

  fake.reset();
  fake.failNext('team.info', { destroy: true }, 10);
  const error = await failure(slack.call('team.info', {}, TOKEN));
  t.match(error, { code: 'request_failed', method: 'team.info', attempts: 3 });
  t.equal(fake.callsTo('team.info').length, 3);
});

t.test('every attempt has its own timeout', async (t) => {
  fake.on('users.info', { ok: true });
  fake.failNext('users.info', { delayMs: 1_000 });
  const started = performance.now();
  const response = await client(t, { timeoutMs: 100 }).call('users.info', {}, TOKEN);
  const took = performance.now() - started;
  t.equal(response.ok, true);
  t.equal(fake.callsTo('users.info').length, 2, 'the slow attempt was abandoned and repeated');
  t.ok(took >= 95 && took < 900, `took ${Math.round(took)} ms, not the full second`);

  fake.reset();
  fake.failNext('users.info', { delayMs: 1_000 }, 5);
  const error = await failure(client(t, { timeoutMs: 50, maxRetries: 1 }).call('users.info', {}, TOKEN));
  t.match(error, { code: 'request_failed', attempts: 2 });
  t.match((error as Error).message, /users\.info: timed out after 50 ms after 2 attempts/);
  t.equal(fake.callsTo('users.info').length, 2);
});

t.test('the caller\'s AbortSignal ends a request in flight and a wait between attempts', async (t) => {
  const slack = client(t);
  fake.failNext('users.info', { delayMs: 1_000 });
  let started = performance.now();
  const inFlight = await failure(slack.call('users.info', {}, TOKEN, { signal: AbortSignal.timeout(50) }));
  t.match(inFlight, { code: 'aborted', method: 'users.info' });
  t.ok(performance.now() - started < 800, 'not the whole delay');
  t.equal(fake.callsTo('users.info').length, 1, 'and no retry');

  fake.reset();
  fake.failNext('users.info', { status: 429, retryAfter: 30 });
  started = performance.now();
  const waiting = await failure(slack.call('users.info', {}, TOKEN, { signal: AbortSignal.timeout(50) }));
  t.match(waiting, { code: 'aborted' });
  t.ok(performance.now() - started < 800, 'the 30 s Retry-After wait was cut short');
  t.equal(fake.callsTo('users.info').length, 1);

  fake.reset();
  const before = await failure(slack.call('users.info', {}, TOKEN, { signal: AbortSignal.abort() }));
  t.match(before, { code: 'aborted', attempts: 0 });
  t.equal(fake.calls.length, 0, 'an aborted signal sends nothing');
});

t.test('method names that are not dotted words are refused before any I/O', async (t) => {
  const slack = client(t);
  const names = [
    '',
    'chat',
    '.chat',
    'chat.',
    'chat..postMessage',
    '../admin',
    'chat/../../admin',
    'chat.postMessage?x=1',
    'chat.postMessage#x',
    'chat.postMessage/',
    'chat.postMessage\n',
    'chat.post Message',
    'http://evil',
    '//evil.example/api/chat.postMessage',
    '%2e%2e/admin',
    'chat.1postMessage',
    'сhat.postMessage', // Cyrillic с
  ];
  for (const name of names) {
    const error = await failure(slack.call(name, {}, TOKEN));
    t.type(error, SlackClientError, JSON.stringify(name));
    t.match(error, { code: 'invalid_method' }, JSON.stringify(name));
  }
  t.equal(fake.calls.length, 0, 'nothing reached the server');

  fake.on('admin.users.list', { ok: true });
  t.equal((await slack.call('admin.users.list', {}, TOKEN)).ok, true, 'three segments are fine');
});

t.test('a token a header cannot carry is refused before any I/O', async (t) => {
  const slack = client(t);
  for (const token of ['', 'xoxb-1\r\nX-Injected: 1', 'xoxb 1', 'xoxb-é']) {
    const error = await failure(slack.call('auth.test', {}, token));
    t.match(error, { code: 'invalid_token', method: 'auth.test' });
    if (token) t.notOk((error as Error).message.includes(token));
  }
  t.equal(fake.calls.length, 0);
});

t.test('pagination follows next_cursor and yields every item in order', async (t) => {
  const channels = Array.from({ length: 7 }, (_, i) => ({ id: `C${i}`, name: `channel-${i}` }));
  fake.setList('conversations.list', 'channels', channels, 3);
  const slack = client(t);

  const all = await collect(slack.paginate<{ id: string }>('conversations.list', { types: 'public_channel' }, TOKEN, 'channels'));
  t.same(all, channels);
  const calls = fake.callsTo('conversations.list');
  t.equal(calls.length, 3, 'pages of the server\'s size 3 under the default limit');
  t.same(
    calls.map((call) => [call.params.limit, call.params.types, call.token]),
    Array(3).fill(['200', 'public_channel', TOKEN]),
    'the same limit, parameters and token on every page',
  );
  t.equal(calls[0]?.params.cursor, undefined, 'no cursor on the first page');
  t.ok(calls[1]?.params.cursor && calls[2]?.params.cursor, 'the server\'s cursor on the next ones');

  fake.reset();
  fake.setList('conversations.list', 'channels', channels, 3);
  t.same(await collect(slack.paginate('conversations.list', {}, TOKEN, 'channels', { limit: 2 })), channels);
  t.same(
    fake.callsTo('conversations.list').map((call) => call.params.limit),
    ['2', '2', '2', '2'],
    'limit 2: four pages',
  );

  fake.reset();
  fake.setList('users.list', 'members', [], 3);
  t.same(await collect(slack.paginate('users.list', {}, TOKEN, 'members')), [], 'an empty list is one page');
  t.equal(fake.callsTo('users.list').length, 1);
});

t.test('breaking out of the loop stops asking for pages', async (t) => {
  fake.setList('users.list', 'members', Array.from({ length: 10 }, (_, i) => i), 2);
  const seen: number[] = [];
  for await (const item of client(t).paginate<number>('users.list', {}, TOKEN, 'members')) {
    seen.push(item);
    if (item === 2) break;
  }
  t.same(seen, [0, 1, 2]);
  t.equal(fake.callsTo('users.list').length, 2);
});

t.test('an ok:false page throws SlackApiError after the items before it', async (t) => {
  fake.setList('users.list', 'members', ['a', 'b', 'c', 'd'], 2);
  const slack = client(t);
  const seen: string[] = [];
  const pages = slack.paginate<string>('users.list', {}, TOKEN, 'members');
  const first = await pages.next();
  if (!first.done) seen.push(first.value);
  fake.failNext('users.list', { body: { ok: false, error: 'invalid_auth', response_metadata: { messages: ['[ERROR] nope'] } } });
  const error = await failure(
    (async () => {
      for await (const item of pages) seen.push(item);
    })(),
  );
  t.type(error, SlackApiError);
  t.match(error, { code: 'invalid_auth', method: 'users.list', messages: ['[ERROR] nope'] });
  t.match((error as Error).message, /users\.list.*invalid_auth/);
  t.same(seen, ['a', 'b'], 'the first page was yielded before the failing one');
});

t.test('a server that never stops paging is cut off at maxPages; a repeated cursor at once', async (t) => {
  let page = 0;
  fake.on('users.list', () => ({ ok: true, members: [page], response_metadata: { next_cursor: `c${++page}` } }));
  const slack = client(t);
  const error = await failure(collect(slack.paginate('users.list', {}, TOKEN, 'members', { maxPages: 4 })));
  t.match(error, { code: 'too_many_pages', method: 'users.list' });
  t.equal(fake.callsTo('users.list').length, 4, 'exactly maxPages requests');

  fake.reset();
  fake.on('users.list', { ok: true, members: [1], response_metadata: { next_cursor: 'same' } });
  t.match(await failure(collect(slack.paginate('users.list', {}, TOKEN, 'members'))), { code: 'invalid_response' });
  t.equal(fake.callsTo('users.list').length, 2);

  fake.reset();
  fake.on('users.list', { ok: true, users: [] });
  t.match(await failure(collect(slack.paginate('users.list', {}, TOKEN, 'members'))), { code: 'invalid_response' }, 'a page without the items key');
});

t.test('after close(), calls fail with client_closed', async (t) => {
  const slack = new SlackWebClient({ baseUrl: fake.url });
  await slack.close();
  await slack.close();
  t.match(await failure(slack.call('auth.test', {}, TOKEN)), { code: 'client_closed' });
  t.equal(fake.calls.length, 0);
});

t.test('bad options are refused at construction', async (t) => {
  t.throws(() => new SlackWebClient({ baseUrl: 'ftp://slack.com/api/' }), TypeError);
  t.throws(() => new SlackWebClient({ baseUrl: 'not a url' }));
  t.throws(() => new SlackWebClient({ baseUrl: fake.url, maxRetries: -1 }), RangeError);
  t.throws(() => new SlackWebClient({ baseUrl: fake.url, timeoutMs: Number.NaN }), RangeError);
});

t.test('the token never reaches an error or a log line, whatever fails', async (t) => {
  const logger = arrayLogger();
  const slack = client(t, { logger, maxRetries: 1, timeoutMs: 100, maxRetryAfterMs: 10 });
  const scenarios: Array<[string, () => Promise<unknown>]> = [
    ['rate limited', () => (fake.failNext('a.b', { status: 429, retryAfter: 0 }, 2), slack.call('a.b', {}, TOKEN))],
    ['5xx', () => (fake.failNext('a.b', { status: 502 }, 2), slack.call('a.b', {}, TOKEN))],
    ['socket reset', () => (fake.failNext('a.b', { destroy: true }, 2), slack.call('a.b', {}, TOKEN))],
    ['timeout', () => (fake.failNext('a.b', { delayMs: 500 }, 2), slack.call('a.b', {}, TOKEN))],
    ['not JSON', () => (fake.failNext('a.b', { text: 'oops' }), slack.call('a.b', {}, TOKEN))],
    ['4xx', () => (fake.failNext('a.b', { status: 401, text: 'no' }), slack.call('a.b', {}, TOKEN))],
    ['aborted', () => (fake.failNext('a.b', { delayMs: 500 }), slack.call('a.b', {}, TOKEN, { signal: AbortSignal.timeout(20) }))],
    ['token where the method goes', () => slack.call(TOKEN, {}, 'chat.postMessage')],
    ['token with a bad character', () => slack.call('a.b', {}, `${TOKEN}\n`)],
    ['ok:false page', () => (fake.failNext('a.b', { body: { ok: false, error: 'invalid_auth' } }), collect(slack.paginate('a.b', {}, TOKEN, 'items')))],
    ['server down', async () => {
      const gone = new SlackWebClient({ baseUrl: 'http://127.0.0.1:1/api/', logger, maxRetries: 1, retryBaseDelayMs: 1 });
      try {
        return await gone.call('a.b', {}, TOKEN);
      } finally {
        await gone.close();
      }
    }],
  ];
  const codes: string[] = [];
  for (const [name, run] of scenarios) {
    fake.reset();
    const error = await failure(run());
    t.type(error, Error, name);
    const err = error as Error & { code: string };
    codes.push(err.code);
    for (const [what, text] of [
      ['message', err.message],
      ['JSON', JSON.stringify(err)],
      ['String', String(err)],
      ['stack', err.stack ?? ''],
      ['inspect (with its cause)', inspect(err, { depth: 10 })],
    ] as const) {
      t.notOk(text.includes(TOKEN), `${name}: not in ${what}`);
    }
  }
  t.same(codes, [
    'rate_limited',
    'http_error',
    'request_failed',
    'request_failed',
    'invalid_response',
    'http_error',
    'aborted',
    'invalid_method',
    'invalid_token',
    'invalid_auth',
    'request_failed',
  ]);
  t.ok(logger.lines.some((line) => line.level === 'warn'), 'retries were logged');
  t.ok(logger.lines.some((line) => line.level === 'debug'), 'answers were logged');
  for (const line of logger.lines) {
    t.notOk(JSON.stringify(line.obj).includes(TOKEN) || line.msg.includes(TOKEN), `log line "${line.msg}" is clean`);
  }
});

t.test('arguments that cannot be JSON-encoded (nested 5,000 deep): invalid_arguments, and nothing is sent', async (t) => {
  const slack = client(t);
  let deep: unknown[] = [];
  for (let i = 0; i < 5_000; i += 1) deep = [deep];
  const error = await slack.call('chat.postMessage', { channel: 'C1', blocks: deep }, TOKEN).catch((e: unknown) => e);
  t.type(error, SlackClientError);
  t.equal((error as SlackClientError).code, 'invalid_arguments');
  t.match((error as Error).message, /blocks cannot be JSON-encoded/);
  t.equal(fake.calls.length, 0, 'Slack was not called');
});
