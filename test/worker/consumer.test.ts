import t, { type Test } from 'tap';
import { connect, headers as natsHeaders, type ConnectionOptions, type NatsConnection } from 'nats';
import { JetStreamPublisher } from '../../src/queue/jetstream-publisher.js';
import { publishWebhook } from '../../src/queue/publish.js';
import { ensureWebhookStream } from '../../src/queue/stream.js';
import { DLQ_HEADERS, DLQ_STREAM } from '../../src/worker/dead-letter.js';
import { WebhookWorker, type WebhookHandler, type WorkerOptions } from '../../src/worker/consumer.js';
import { startTestNats } from '../helpers/nats.js';
import { streamReader } from '../helpers/stream.js';
import { eventually, waitFor } from '../helpers/wait.js';

const quiet = { info() {}, warn() {}, error() {} };
const FAST: WorkerOptions = { concurrency: 4, maxDeliver: 3, ackWaitMs: 1_000, retryBaseMs: 50, retryMaxMs: 200, drainTimeoutMs: 2_000 };

/** Each case gets its own server: the consumer is durable, and cases must not share its state. */
async function setup(t: Test, handler: WebhookHandler, options: Partial<WorkerOptions> = {}, connection: Partial<ConnectionOptions> = {}) {
  const nats = await startTestNats(t);
  const nc: NatsConnection = await connect({ servers: nats.url, ...connection });
  t.teardown(() => nc.close());
  await ensureWebhookStream(await nc.jetstreamManager());
  const workers: WebhookWorker[] = [];
  const startWorker = async (h: WebhookHandler = handler, o: Partial<WorkerOptions> = {}) => {
    const worker = await WebhookWorker.start(nc, h, { ...FAST, ...options, ...o }, quiet);
    workers.push(worker);
    return worker;
  };
  t.teardown(async () => {
    for (const worker of workers) await worker.stop();
  });
  const js = nc.jetstream();
  const publisher = new JetStreamPublisher(nc, 2_000);
  let n = 0;
  const publish = (payload: Record<string, unknown> = {}) =>
    publishWebhook(publisher, { type: 'event', teamName: 'testteam', botName: 'echobot', payload: { n: (n += 1), ...payload }, msgId: `m${n}-${Date.now()}` });
  return { nats, nc, js, startWorker, publish, reader: await streamReader(t, nats.url) };
}


async function consumerInfo(nc: NatsConnection) {
  return (await nc.jetstreamManager()).consumers.info('OMNIBOT', 'omnibot-worker');
}

t.test('messages are handled and acked; concurrency is bounded', async (t) => {
  let running = 0;
  let most = 0;
  const seen: number[] = [];
  const { startWorker, publish, nc } = await setup(t, async (type, payload) => {
    t.equal(type, 'event');
    running += 1;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, 30));
    seen.push(payload.n as number);
    running -= 1;
  });
  await startWorker();
  for (let i = 0; i < 20; i += 1) await publish();
  await waitFor(() => seen.length === 20);
  t.same([...seen].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1), 'every message once');
  t.ok(most <= FAST.concurrency, `at most ${FAST.concurrency} in flight (saw ${most})`);
  t.ok(most > 1, 'and more than one at a time');
  await new Promise((resolve) => setTimeout(resolve, 100));
  const info = await consumerInfo(nc);
  t.equal(info.num_ack_pending, 0, 'all acked');
  t.equal(info.num_pending, 0);
});

t.test('a failing message is delivered again with a growing delay, then dead-lettered with why', async (t) => {
  const attempts: number[] = [];
  const { startWorker, publish, reader } = await setup(t, async (_type, payload, message) => {
    if (payload.bad) {
      attempts.push(Date.now());
      throw new Error(`callback failed on delivery ${message.info.deliveryCount}`);
    }
  });
  await startWorker();
  const good = [];
  await publish({ bad: true });
  for (let i = 0; i < 5; i += 1) good.push(await publish());
  await waitFor(() => attempts.length === FAST.maxDeliver);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(attempts.length, FAST.maxDeliver, 'delivered maxDeliver times, no more');
  const gaps = attempts.slice(1).map((at, i) => at - (attempts[i] ?? 0));
  t.ok((gaps[0] ?? 0) >= FAST.retryBaseMs * 0.8, `first retry after about ${FAST.retryBaseMs} ms (${gaps[0]})`);
  t.ok((gaps[1] ?? 0) >= FAST.retryBaseMs * 2 * 0.8, `then about twice that (${gaps[1]})`);
  const dead = await reader.messages(DLQ_STREAM);
  t.equal(dead.length, 1);
  t.equal(dead[0]?.subject, 'omnibot_dlq.omnibot.event.testteam.echobot');
  t.equal(dead[0]?.headers[DLQ_HEADERS.originalSubject], 'omnibot.event.testteam.echobot');
  t.equal(dead[0]?.headers[DLQ_HEADERS.deliveryCount], String(FAST.maxDeliver));
  t.match(dead[0]?.headers[DLQ_HEADERS.lastError], /callback failed on delivery 3/);
  t.equal(dead[0]?.headers['Omnibot-Type'], 'event', 'the original headers are kept');
  t.match(dead[0]?.body, { event: { bad: true } });
});

t.test('one bad message does not hold up the others', async (t) => {
  const done: number[] = [];
  let release: (() => void) | undefined;
  const stuck = new Promise<void>((resolve) => (release = resolve));
  const { startWorker, publish } = await setup(t, async (_type, payload) => {
    if (payload.slow) await stuck;
    done.push(payload.n as number);
  }, { concurrency: 2 });
  await startWorker();
  await publish({ slow: true });
  for (let i = 0; i < 6; i += 1) await publish();
  await waitFor(() => done.length === 6);
  t.notOk(done.includes(1), 'the slow one is still running');
  release?.();
  await waitFor(() => done.length === 7);
  t.ok(done.includes(1));
});

t.test('an unknown type or version goes to the dead-letter stream at once', async (t) => {
  const handled: unknown[] = [];
  const { startWorker, js, reader } = await setup(t, async (_type, payload) => void handled.push(payload));
  await startWorker();
  const h = natsHeaders();
  h.set('Omnibot-Type', 'carrier_pigeon');
  h.set('Omnibot-Version', '2');
  await js.publish('omnibot.carrier_pigeon.testteam.echobot', JSON.stringify({ event: {} }), { headers: h });
  const v = natsHeaders();
  v.set('Omnibot-Type', 'event');
  v.set('Omnibot-Version', '3');
  await js.publish('omnibot.event.testteam.echobot', JSON.stringify({ event: {} }), { headers: v });
  const bad = natsHeaders();
  bad.set('Omnibot-Type', 'event');
  bad.set('Omnibot-Version', '2');
  await js.publish('omnibot.event.testteam.echobot', 'not json', { headers: bad });
  await waitFor(() => false, 1_000).catch(() => undefined);
  const dead = await reader.messages(DLQ_STREAM);
  t.equal(dead.length, 3);
  t.same(dead.map((d) => d.headers[DLQ_HEADERS.deliveryCount]), ['1', '1', '1'], 'on the first delivery');
  t.match(dead.map((d) => d.headers[DLQ_HEADERS.lastError]).join('\n'), /carrier_pigeon[\s\S]*Omnibot-Version "3"[\s\S]*not JSON/);
  t.equal(handled.length, 0);
});

t.test('JSON nested 5,000 levels deep goes to the dead-letter stream at once, not after failing every delivery', async (t) => {
  const handled: unknown[] = [];
  const { startWorker, js, reader } = await setup(t, async (_type, payload) => void handled.push(payload));
  await startWorker();
  const h = natsHeaders();
  h.set('Omnibot-Type', 'event');
  h.set('Omnibot-Version', '2');
  const deep = `{"event":{"type":"message","blocks":${'['.repeat(5_000)}${']'.repeat(5_000)}}}`;
  await js.publish('omnibot.event.testteam.echobot', deep, { headers: h });
  await waitFor(() => false, 1_000).catch(() => undefined);
  const dead = await reader.messages(DLQ_STREAM);
  t.equal(dead.length, 1);
  t.equal(dead[0]?.headers[DLQ_HEADERS.deliveryCount], '1', 'on the first delivery');
  t.match(dead[0]?.headers[DLQ_HEADERS.lastError], /nested deeper than 128 levels/);
  t.equal(handled.length, 0, 'never handed to a handler');
});

t.test('a poison message close to max_payload: its dead letter holds what fits, and the original is acked', async (t) => {
  const { startWorker, js, nc, reader } = await setup(t, async () => undefined);
  await startWorker();
  const h = natsHeaders();
  h.set('Omnibot-Type', 'event');
  h.set('Omnibot-Version', '3');
  const maxPayload = nc.info?.max_payload ?? 1024 * 1024;
  // Fits with its own headers; not with the dead-letter headers added.
  const body = `{"event":{"padding":"${'a'.repeat(maxPayload - 200 - 22)}"}}`;
  const stored = await js.publish('omnibot.event.testteam.echobot', body, { headers: h });
  await waitFor(() => false, 1_000).catch(() => undefined);
  const dead = await reader.messages(DLQ_STREAM);
  t.equal(dead.length, 1, 'dead-lettered, once');
  t.match(dead[0]?.headers, {
    [DLQ_HEADERS.originalSubject]: 'omnibot.event.testteam.echobot',
    [DLQ_HEADERS.originalSequence]: String(stored.seq),
    [DLQ_HEADERS.deliveryCount]: '1',
    [DLQ_HEADERS.lastError]: /Omnibot-Version "3"/,
    [DLQ_HEADERS.bodyOmitted]: String(body.length),
    'Omnibot-Type': 'event',
  });
  const info = await consumerInfo(nc);
  t.equal(info.num_ack_pending, 0, 'the original is acked');
  t.equal(info.num_redelivered, 0, 'and never delivered again');
  const original = await (await nc.jetstreamManager()).streams.getMessage('OMNIBOT', { seq: stored.seq });
  t.equal(original.data.length, body.length, 'its body is still in stream OMNIBOT at that sequence');
});

t.test('a long handler keeps its message (the ack deadline is extended)', async (t) => {
  const deliveries: number[] = [];
  const { startWorker, publish } = await setup(t, async (_type, _payload, message) => {
    deliveries.push(message.info.deliveryCount);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
  }, { ackWaitMs: 1_000 });
  await startWorker();
  await publish();
  await waitFor(() => deliveries.length >= 1);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  t.same(deliveries, [1], 'not delivered again while it worked, though it took 2.5 ack waits');
});

t.test('stop drains: in-flight messages finish, nothing new is pulled', async (t) => {
  const finished: number[] = [];
  const started: number[] = [];
  const { startWorker, publish, nc } = await setup(t, async (_type, payload) => {
    started.push(payload.n as number);
    await new Promise((resolve) => setTimeout(resolve, 300));
    finished.push(payload.n as number);
  }, { concurrency: 2 });
  const worker = await startWorker();
  for (let i = 0; i < 6; i += 1) await publish();
  await waitFor(() => started.length >= 2);
  await worker.stop();
  t.same([...finished].sort(), [...started].sort(), 'everything started has finished');
  const count = started.length;
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.equal(started.length, count, 'nothing pulled after stop');
  const info = await consumerInfo(nc);
  t.equal(info.num_pending + info.num_ack_pending, 6 - count, 'the rest wait in the stream');
});

t.test('a worker that dies mid-message: the next worker gets it', async (t) => {
  const handledBy: string[] = [];
  const { nats, startWorker, publish } = await setup(t, async () => undefined, { ackWaitMs: 1_000 });
  // The doomed worker has its own connection, as a separate process would.
  const doomedConnection = await connect({ servers: nats.url });
  await WebhookWorker.start(
    doomedConnection,
    async () => {
      handledBy.push('first');
      await new Promise(() => undefined);
    },
    { ...FAST, ackWaitMs: 1_000 },
    quiet,
  );
  await publish();
  await waitFor(() => handledBy.length === 1);
  // Killed: the connection drops with the message unacknowledged and no more progress reports.
  await doomedConnection.close();
  await startWorker(async (_type, _payload, message) => {
    handledBy.push(`second (redelivered: ${message.redelivered})`);
  });
  await waitFor(() => handledBy.length === 2, 10_000);
  t.same(handledBy, ['first', 'second (redelivered: true)']);
});

t.test('an ack the server never read (it died first) is sent again: the message is not delivered a second time', async (t) => {
  const handled: number[] = [];
  let paused: (() => void) | undefined;
  const { nats, startWorker, publish, nc } = await setup(
    t,
    async (_type, _payload, message) => {
      handled.push(message.info.deliveryCount);
      // The server hangs while the handler runs, and the ack goes to it unread.
      paused?.();
    },
    // Longer than a loaded machine takes to restart the server: a redelivery then would be
    // JetStream's due after the ack wait, not the lost ack's.
    { ackWaitMs: 20_000 },
    { reconnectTimeWait: 100, maxReconnectAttempts: -1 },
  );
  paused = () => nats.pause();
  await startWorker();
  await publish();
  await waitFor(() => handled.length === 1);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await nats.crash();
  await nats.start();
  // Without the ack sent again, the message stays pending until the ack wait and comes back.
  const info = await eventually(async () => {
    const current = await consumerInfo(nc).catch(() => undefined);
    return current && current.num_ack_pending === 0 ? current : undefined;
  }, 10_000);
  t.equal(info.num_redelivered, 0, 'nothing was delivered again');
  t.same(handled, [1], 'handled once: the ack reached the restarted server');
});
