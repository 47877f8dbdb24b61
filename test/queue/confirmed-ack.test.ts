import t, { type Test } from 'tap';
import { AckPolicy, connect, nanos, type NatsConnection } from 'nats';
import { ackConfirmed } from '../../src/queue/confirmed-ack.js';
import { Puller, type PulledMessage } from '../../src/queue/puller.js';
import { startTestNats } from '../helpers/nats.js';
import { waitFor } from '../helpers/wait.js';

/** One message delivered (not yet acked) from a durable consumer with a long ack wait. */
async function delivered(t: Test) {
  const nats = await startTestNats(t);
  const nc: NatsConnection = await connect({ servers: nats.url, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
  t.teardown(() => nc.close());
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: 'ACKED', subjects: ['acked.>'] });
  await jsm.consumers.add('ACKED', { durable_name: 'c', ack_policy: AckPolicy.Explicit, ack_wait: nanos(60_000) });
  await nc.jetstream().publish('acked.x', 'hello');
  const received: PulledMessage[] = [];
  const puller = new Puller(nc, { stream: 'ACKED', consumer: 'c', capacity: () => 1 - received.length, onMessage: (m) => void received.push(m) });
  t.teardown(() => puller.close());
  await waitFor(() => received.length === 1);
  const info = () => jsm.consumers.info('ACKED', 'c');
  return { nats, nc, message: received[0] as PulledMessage, info };
}

t.test('resolves true once the server has the ack', async (t) => {
  const { nc, message, info } = await delivered(t);
  t.equal((await info()).num_ack_pending, 1);
  t.equal(await ackConfirmed(nc, message), true);
  t.equal((await info()).num_ack_pending, 0, 'acknowledged when it says so');
});

t.test('an ack that the server never read (it died first) is sent again and lands after its restart', async (t) => {
  const { nats, nc, message, info } = await delivered(t);
  // The server hangs, then dies with the ack unread in its socket, as a node killed mid-stream does.
  nats.pause();
  const confirmed = ackConfirmed(nc, message, { attemptTimeoutMs: 300 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  await nats.crash();
  await nats.start();
  t.equal(await confirmed, true, 'confirmed by the restarted server');
  const state = await info();
  t.equal(state.num_ack_pending, 0, 'the message is acknowledged');
  t.equal(state.num_redelivered, 0, 'and was never delivered again');
});

t.test('(what a plain ack does in the same case: it is lost, and the message waits to be delivered again)', async (t) => {
  const { nats, message, info } = await delivered(t);
  nats.pause();
  message.ack();
  await new Promise((resolve) => setTimeout(resolve, 300));
  await nats.crash();
  await nats.start();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const state = await info();
  t.equal(state.num_ack_pending + state.num_pending, 1, 'still unacknowledged after the restart');
});

t.test('gives up after giveUpAfterMs, or when told to stop', async (t) => {
  const { nats, nc, message } = await delivered(t);
  await nats.stop();
  const started = Date.now();
  t.equal(await ackConfirmed(nc, message, { attemptTimeoutMs: 100, giveUpAfterMs: 600 }), false);
  t.ok(Date.now() - started < 5_000, `within its time (${Date.now() - started} ms)`);
  const stop = new AbortController();
  const stopped = ackConfirmed(nc, message, { attemptTimeoutMs: 100 });
  const aborted = ackConfirmed(nc, message, { attemptTimeoutMs: 100, signal: stop.signal });
  stop.abort();
  t.equal(await aborted, false, 'an aborted one gives up at once');
  await nats.start();
  t.equal(await stopped, true, 'the other one is still trying, and gets there');
});
