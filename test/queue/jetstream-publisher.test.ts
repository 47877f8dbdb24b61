import t, { type Test } from 'tap';
import { connect, headers as natsHeaders, type MsgHdrs, type NatsConnection } from 'nats';
import { JetStreamPublishError, JetStreamPublisher, MessageTooLargeError } from '../../src/queue/jetstream-publisher.js';
import { ensureWebhookStream } from '../../src/queue/stream.js';
import { startTestNats, type TestNats } from '../helpers/nats.js';
import { streamReader } from '../helpers/stream.js';

const SUBJECT = 'omnibot.event.team.bot';
const body = (n: number) => Buffer.from(JSON.stringify({ event: { n } }));

function idHeaders(msgId: string, extra: Record<string, string> = {}): MsgHdrs {
  const h = natsHeaders();
  h.set('Nats-Msg-Id', msgId);
  for (const [key, value] of Object.entries(extra)) h.set(key, value);
  return h;
}

async function setup(t: Test, timeoutMs = 2_000): Promise<{ nats: TestNats; nc: NatsConnection; publisher: JetStreamPublisher }> {
  const nats = await startTestNats(t);
  const nc = await connect({ servers: nats.url, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
  t.teardown(() => nc.close());
  await ensureWebhookStream(await nc.jetstreamManager());
  return { nats, nc, publisher: new JetStreamPublisher(nc, timeoutMs) };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

t.test('resolves with the stream and sequence once stored, headers and body as given', async (t) => {
  const { nats, publisher } = await setup(t);
  const first = await publisher.publish(SUBJECT, body(1), idHeaders('a', { 'Omnibot-Type': 'event' }));
  const second = await publisher.publish(SUBJECT, body(2), idHeaders('b'));
  t.same(first, { stream: 'OMNIBOT', seq: 1, duplicate: false });
  t.same(second, { stream: 'OMNIBOT', seq: 2, duplicate: false });
  const stored = await (await streamReader(t, nats.url)).messages();
  t.same(stored.map((m) => [m.subject, m.headers['Nats-Msg-Id'], m.body]), [
    [SUBJECT, 'a', { event: { n: 1 } }],
    [SUBJECT, 'b', { event: { n: 2 } }],
  ]);
  t.equal(stored[0]?.headers['Omnibot-Type'], 'event');
});

t.test('the same message id within the window is stored once and reported as a duplicate', async (t) => {
  const { nats, publisher } = await setup(t);
  const first = await publisher.publish(SUBJECT, body(1), idHeaders('same'));
  const again = await publisher.publish(SUBJECT, body(1), idHeaders('same'));
  t.equal(first.duplicate, false);
  t.equal(again.duplicate, true);
  t.equal(again.seq, first.seq, 'the ack names the message already stored');
  t.equal((await (await streamReader(t, nats.url)).messages()).length, 1);
});

t.test('publishes made in one turn of the event loop are handed to NATS together, and each gets its own ack', async (t) => {
  const { nc, publisher } = await setup(t);
  const before = nc.stats().outMsgs;
  const acks = Array.from({ length: 500 }, (_, i) => publisher.publish(SUBJECT, body(i), idHeaders(`m${i}`)));
  t.equal(nc.stats().outMsgs, before, 'nothing is sent while the turn is still running');
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(nc.stats().outMsgs - before, 500, 'all of them are sent at the end of the turn');
  const seqs = (await Promise.all(acks)).map((ack) => ack.seq);
  t.equal(new Set(seqs).size, 500, 'every publish resolved with its own sequence');
  t.same([...seqs].sort((a, b) => a - b), Array.from({ length: 500 }, (_, i) => i + 1));
});

t.test('no responders (no stream takes the subject, as while a stream elects a leader): tried again until a stream stores it', async (t) => {
  const { nc, publisher } = await setup(t, 10_000);
  const started = Date.now();
  const stored = publisher.publish('later.subject', body(1), idHeaders('later-1'));
  await new Promise((resolve) => setTimeout(resolve, 300));
  await (await nc.jetstreamManager()).streams.add({ name: 'LATER', subjects: ['later.>'] });
  const ack = await stored;
  t.same(ack, { stream: 'LATER', seq: 1, duplicate: false }, 'stored by the stream that appeared');
  t.ok(Date.now() - started >= 300, 'after it appeared');
});

t.test('no responders until the deadline: rejected then, saying why', async (t) => {
  const { publisher } = await setup(t, 400);
  const started = Date.now();
  const error = await rejection(publisher.publish('nobody.listens.here', body(1), idHeaders('x')));
  const elapsed = Date.now() - started;
  t.type(error, JetStreamPublishError);
  t.match(error.message, /no ack from JetStream within 400 ms \(\d+ attempts; last: no JetStream stream stored the message \(503/);
  t.ok(elapsed >= 395 && elapsed < 5_000, `at the deadline (${elapsed} ms)`);
});

t.test('an attempt not answered in time is sent again with the same message id, and its answer counts', async (t) => {
  const nats = await startTestNats(t);
  const nc = await connect({ servers: nats.url });
  t.teardown(() => nc.close());
  const publisher = new JetStreamPublisher(nc, 5_000, { attemptTimeoutMs: 200 });
  const seen: string[] = [];
  // Answers only the second copy, as a stream leader would that took over after the first was lost.
  const subscription = nc.subscribe('flaky.subject', {
    callback: (_error, msg) => {
      seen.push(msg.headers?.get('Nats-Msg-Id') ?? '');
      if (seen.length === 2) msg.respond(JSON.stringify({ stream: 'FLAKY', seq: 7 }));
    },
  });
  t.teardown(() => subscription.unsubscribe());
  await nc.flush();
  const ack = await publisher.publish('flaky.subject', body(1), idHeaders('same-id'));
  t.same(ack, { stream: 'FLAKY', seq: 7, duplicate: false });
  t.same(seen, ['same-id', 'same-id'], 'sent twice, with one id');
});

t.test("JetStream's refusal is the rejection's reason", async (t) => {
  const { publisher } = await setup(t);
  const error = await rejection(publisher.publish(SUBJECT, body(1), idHeaders('y', { 'Nats-Expected-Stream': 'ANOTHER' })));
  t.type(error, JetStreamPublishError);
  t.match(error.message, /JetStream refused the message: .*stream.*\(400\)/i);
});

t.test('a message larger than the server takes fails at once as too large, and the next one is stored', async (t) => {
  const { nc, publisher } = await setup(t, 10_000);
  const maxPayload = nc.info?.max_payload ?? 0;
  t.ok(maxPayload > 0, `the server says what it takes (${maxPayload} bytes)`);
  const error = await rejection(publisher.publish(SUBJECT, Buffer.alloc(maxPayload + 1, 'a'), idHeaders('big')));
  t.type(error, MessageTooLargeError);
  t.match(error.message, new RegExp(`larger than the NATS server takes \\(${maxPayload} bytes\\)`));
  t.equal((await publisher.publish(SUBJECT, body(1), idHeaders('small'))).stream, 'OMNIBOT');
});

/** A subject with a plain subscriber that never answers: a publish there waits for an ack that never comes. */
const SILENT = 'silent.subject';
function silence(t: Test, nc: NatsConnection): void {
  const subscription = nc.subscribe(SILENT);
  t.teardown(() => subscription.unsubscribe());
}

t.test('no ack within the timeout rejects at the deadline', async (t) => {
  const { nc, publisher } = await setup(t, 400);
  silence(t, nc);
  await nc.flush();
  const started = Date.now();
  const lost = await Promise.all([1, 2, 3].map((n) => rejection(publisher.publish(SILENT, body(n), idHeaders(`lost${n}`)))));
  const elapsed = Date.now() - started;
  for (const error of lost) t.match(error.message, /no ack from JetStream within 400 ms/);
  t.ok(elapsed >= 395 && elapsed < 3_000, `rejected at the deadline (${elapsed} ms)`);
  t.equal((await publisher.publish(SUBJECT, body(4), idHeaders('next'))).stream, 'OMNIBOT', 'and the next publish is stored');
});

t.test('a later deadline is not cut short by an earlier one', async (t) => {
  const { nc, publisher } = await setup(t, 600);
  silence(t, nc);
  await nc.flush();
  const first = rejection(publisher.publish(SILENT, body(1), idHeaders('early')));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const secondPublishedAt = Date.now();
  let secondAt: number | undefined;
  const second = rejection(publisher.publish(SILENT, body(2), idHeaders('late'))).then((error) => {
    secondAt = Date.now();
    return error;
  });
  await first;
  t.equal(secondAt, undefined, 'the second is still waiting when the first expires');
  t.match((await second).message, /within 600 ms/);
  t.ok(secondAt! - secondPublishedAt >= 595, `and it expires at its own deadline (${secondAt! - secondPublishedAt} ms)`);
});

t.test('NATS down: what waits and what is published meanwhile is sent after the reconnect, within its deadline', async (t) => {
  const { nats, nc, publisher } = await setup(t, 30_000);
  silence(t, nc);
  await nc.flush();
  const before = publisher.publish(SUBJECT, body(1), idHeaders('before'));
  t.equal((await before).stream, 'OMNIBOT');
  const unanswered = rejection(publisher.publish(SILENT, body(2), idHeaders('silent'), 3_000));
  await new Promise((resolve) => setTimeout(resolve, 50));
  await nats.stop();
  const outNow = nc.stats().outMsgs;
  const waiting = publisher.publish(SUBJECT, body(3), idHeaders('during'));
  const tooLate = rejection(publisher.publish(SUBJECT, body(4), idHeaders('too-late'), 300));
  const late = await tooLate;
  t.match(late.message, /no ack from JetStream within 300 ms \(0 attempts; last: NATS was disconnected/, 'past its deadline while down: rejected, saying why');
  t.equal(nc.stats().outMsgs, outNow, 'nothing handed to nats.js while disconnected');
  await nats.start();
  const ack = await waiting;
  t.equal(ack.stream, 'OMNIBOT', 'stored once NATS is back, with no new publisher');
  t.match((await unanswered).message, /within 3000 ms/, 'one that no stream answers still ends at its deadline');
});

t.test('close() fails what is waiting and everything after', async (t) => {
  const { nc, publisher } = await setup(t, 5_000);
  silence(t, nc);
  await nc.flush();
  const waiting = rejection(publisher.publish(SILENT, body(1), idHeaders('w')));
  await new Promise((resolve) => setTimeout(resolve, 50));
  publisher.close();
  t.match((await waiting).message, /closed before JetStream acknowledged/);
  t.match((await rejection(publisher.publish(SUBJECT, body(2), idHeaders('z')))).message, /connection is closed/);
});

t.test('a connection that closes fails what is waiting', async (t) => {
  const { nc, publisher } = await setup(t, 5_000);
  silence(t, nc);
  await nc.flush();
  const waiting = rejection(publisher.publish(SILENT, body(1), idHeaders('w')));
  await new Promise((resolve) => setTimeout(resolve, 50));
  await nc.close();
  t.type(await waiting, JetStreamPublishError);
  t.match((await rejection(publisher.publish(SUBJECT, body(2), idHeaders('z')))).message, /closed/);
});
