import t, { type Test } from 'tap';
import { createServer, connect as tcpConnect, type AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { AckPolicy, connect, nanos, type NatsConnection } from 'nats';
import { Puller, type PulledMessage } from '../../src/queue/puller.js';
import { startTestNats } from '../helpers/nats.js';
import { waitFor } from '../helpers/wait.js';

const STREAM = 'PULLED';
const CONSUMER = 'puller-test';

/** A stream and a durable consumer with a long ack wait: a stranded message would stay stranded for the whole test. */
async function setup(t: Test) {
  const nats = await startTestNats(t);
  const nc: NatsConnection = await connect({ servers: nats.url });
  t.teardown(() => nc.close());
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: STREAM, subjects: ['pulled.>'] });
  await jsm.consumers.add(STREAM, { durable_name: CONSUMER, ack_policy: AckPolicy.Explicit, ack_wait: nanos(60_000) });
  const js = nc.jetstream();
  let n = 0;
  const publish = async (count = 1) => {
    for (let i = 0; i < count; i += 1) await js.publish('pulled.x', JSON.stringify({ n: (n += 1) }));
  };
  const info = () => jsm.consumers.info(STREAM, CONSUMER);
  return { nats, nc, publish, info };
}

function startPuller(t: Test, nc: NatsConnection, capacity: () => number, received: PulledMessage[], options: { expiresMs?: number; heartbeatMs?: number } = {}) {
  const puller = new Puller(nc, { stream: STREAM, consumer: CONSUMER, capacity, onMessage: (message) => void received.push(message), ...options });
  t.teardown(() => puller.close());
  return puller;
}

t.test('asks only for what the caller can start now, and for more as it says it can', async (t) => {
  const { nc, publish, info } = await setup(t);
  const received: PulledMessage[] = [];
  const acked = new Set<PulledMessage>();
  const ack = (message: PulledMessage) => {
    message.ack();
    acked.add(message);
  };
  let free = 3;
  const puller = startPuller(t, nc, () => free - received.filter((m) => !acked.has(m)).length, received);
  await publish(10);
  await waitFor(() => received.length === 3);
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.equal(received.length, 3, 'three, while three slots are busy');
  t.equal((await info()).num_ack_pending, 3, 'and JetStream has delivered no more than that');
  for (const message of received) ack(message);
  puller.topUp();
  await waitFor(() => received.length === 6);
  free = 10;
  for (const message of received) if (!acked.has(message)) ack(message);
  puller.topUp();
  await waitFor(() => received.length === 10);
  t.same(received.map((m) => (m.json() as { n: number }).n), Array.from({ length: 10 }, (_, i) => i + 1), 'every message once, in order');
});

t.test('while idle, expired requests are followed by new ones: a message published after many expiries arrives at once', async (t) => {
  const { nc, publish, info } = await setup(t);
  const received: PulledMessage[] = [];
  startPuller(t, nc, () => 1 - received.length, received, { expiresMs: 1_000, heartbeatMs: 300 });
  await new Promise((resolve) => setTimeout(resolve, 3_500));
  const publishedAt = Date.now();
  await publish();
  await waitFor(() => received.length === 1);
  t.ok(Date.now() - publishedAt < 1_500, `received ${Date.now() - publishedAt} ms after it was published`);
  t.equal((await info()).num_redelivered, 0, 'on its first delivery: none went to a request nobody listened to');
});

t.test('a message beyond what the caller said it can take is handed over, never dropped', async (t) => {
  const { nc, publish, info } = await setup(t);
  const received: PulledMessage[] = [];
  let capacity = 5;
  startPuller(t, nc, () => capacity, received);
  // The request for five is open; the caller then finds itself busy.
  await new Promise((resolve) => setTimeout(resolve, 200));
  capacity = 0;
  await publish(5);
  await waitFor(() => received.length === 5);
  t.equal((await info()).num_ack_pending, 5, 'all five delivered and handed over');
});

t.test('after stop(), what the open request brings is still handed over; after close(), nothing is delivered to it', async (t) => {
  const { nc, publish, info } = await setup(t);
  const received: PulledMessage[] = [];
  const puller = startPuller(t, nc, () => 2, received);
  await new Promise((resolve) => setTimeout(resolve, 200));
  puller.stop();
  await publish();
  await waitFor(() => received.length === 1);
  await puller.close();
  await publish();
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.equal(received.length, 1, 'the second never reached the closed puller');
  const state = await info();
  t.equal(state.num_ack_pending, 1, 'only the first is out');
  t.equal(state.num_pending, 1, 'the second waits in the stream for the next consumer, not for an ack wait');
});

/**
 * Synchronous work in I/O callbacks (a loaded machine, a handler's own work) delays reading the
 * socket past a timer's due time; Node then runs the timer first. nats.js's fetch() ends a batch by
 * its own timer and unsubscribes, and a message the server sent just before is then read for a
 * subscription that is gone: JetStream waits out the ack wait before sending it again (measured
 * with the worker's old fetch loop: 23 of 1,074 messages in 40 s). The puller's subscription
 * outlives every request.
 */
t.test('on a busy event loop, every message is received on its first delivery: none waits out the ack wait', async (t) => {
  const { nats, nc, info } = await setup(t);
  // 150 ms of CPU at random intervals, in an I/O callback.
  const burner = createServer((socket) => socket.on('data', () => {
    const until = Date.now() + 150;
    while (Date.now() < until);
  }));
  await new Promise<void>((resolve) => burner.listen(0, '127.0.0.1', resolve));
  const poker = tcpConnect((burner.address() as AddressInfo).port, '127.0.0.1');
  let poking: NodeJS.Timeout | undefined;
  const poke = (): void => {
    poker.write('x');
    poking = setTimeout(poke, 100 + Math.random() * 300);
  };
  t.teardown(() => {
    clearTimeout(poking);
    poker.destroy();
    burner.close();
  });
  // The publisher runs on its own event loop, so that messages arrive while this one is busy.
  const publisher = new Worker(
    `const { connect } = require('nats');
     const { workerData, parentPort } = require('node:worker_threads');
     (async () => {
       const nc = await connect({ servers: workerData.url });
       const js = nc.jetstream();
       let n = 0;
       const until = Date.now() + workerData.ms;
       while (Date.now() < until) {
         await js.publish('pulled.x', JSON.stringify({ n: (n += 1) }));
         await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 30));
       }
       await nc.close();
       parentPort.postMessage(n);
     })();`,
    { eval: true, workerData: { url: nats.url, ms: 8_000 } },
  );
  const published = new Promise<number>((resolve) => publisher.once('message', resolve));
  const received = new Map<number, number>();
  let redelivered = 0;
  let inFlight = 0;
  const puller = new Puller(nc, {
    stream: STREAM,
    consumer: CONSUMER,
    expiresMs: 1_000,
    capacity: () => 100 - inFlight,
    onMessage: (message) => {
      if (message.info.deliveryCount > 1) redelivered += 1;
      const n = (message.json() as { n: number }).n;
      received.set(n, (received.get(n) ?? 0) + 1);
      inFlight += 1;
      setImmediate(() => {
        message.ack();
        inFlight -= 1;
        puller.topUp();
      });
    },
  });
  t.teardown(() => puller.close());
  poke();
  const count = await published;
  await waitFor(() => received.size === count, 20_000);
  clearTimeout(poking);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.ok(count > 100, `${count} messages published`);
  t.equal(redelivered, 0, 'none delivered a second time');
  t.ok([...received.values()].every((times) => times === 1), 'each received once');
  const state = await info();
  t.equal(state.num_ack_pending, 0, 'none left waiting for an ack wait');
  t.equal(state.num_redelivered, 0);
});
