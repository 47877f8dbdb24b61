import t from 'tap';
import { AckPolicy, connect } from 'nats';
import { ensureWebhookStream } from '../../src/queue/stream.js';
import { STREAM_NAME } from '../../src/queue/subjects.js';
import { CONSUMER_NAME } from '../../src/worker/consumer.js';
import { readQueueLag } from '../../src/worker/lag.js';
import { startTestNats } from '../helpers/nats.js';

t.test('the queue lag: none before the consumer exists; the oldest unacked message, even when the next one is gone', async (t) => {
  const nats = await startTestNats(t);
  const nc = await connect({ servers: nats.url });
  t.teardown(() => nc.close());
  const jsm = await nc.jetstreamManager();
  await ensureWebhookStream(jsm);
  t.equal(await readQueueLag(jsm), undefined, 'no consumer yet: nothing to report');

  await jsm.consumers.add(STREAM_NAME, { durable_name: CONSUMER_NAME, ack_policy: AckPolicy.Explicit });
  const js = nc.jetstream();
  for (const n of [1, 2, 3]) await js.publish('omnibot.event.team.bot', `{"event":${n}}`);
  const second = await jsm.streams.getMessage(STREAM_NAME, { seq: 2 });
  // The message above the ack floor is gone (an operator's `nats stream rmm`, or max_bytes discarding
  // it): the oldest one left counts.
  await jsm.streams.deleteMessage(STREAM_NAME, 1);
  const now = second.time.getTime() + 5_000;
  const lag = await readQueueLag(jsm, now);
  t.match(lag, { pending: 2, ackPending: 0, redelivered: 0, deadLetters: undefined });
  t.equal(lag?.oldestUnackedAgeSeconds, 5, 'aged from the oldest message the stream still has');
});
