import t from 'tap';
import { connect } from 'nats';
import { readSettings } from '../../src/config/settings.js';
import { NatsTracer, type TraceRecord } from '../../src/queue/trace.js';
import { buildTestApp } from '../helpers/app.js';
import { startTestNats } from '../helpers/nats.js';
import { waitFor } from '../helpers/wait.js';

t.test('OMNIBOT_TRACE is off unless set, and must be a boolean', async (t) => {
  t.equal(readSettings({}).trace, false);
  t.equal(readSettings({ OMNIBOT_TRACE: 'true' }).trace, true);
  t.equal(readSettings({ OMNIBOT_TRACE: '0' }).trace, false);
  t.throws(() => readSettings({ OMNIBOT_TRACE: 'maybe' }), /OMNIBOT_TRACE: expected 1 or 0 \(or true or false\), got "maybe"/);
  const { app } = await buildTestApp(t, { roles: { http: true, worker: true } });
  t.equal(app.webhookTrace, null, 'production roles publish no trace');
});

t.test('records go out on omnibot_trace.<kind>, as JSON, and never throw', async (t) => {
  const nats = await startTestNats(t);
  const nc = await connect({ servers: nats.url });
  t.teardown(() => nc.close());
  const seen: Array<{ subject: string; record: TraceRecord }> = [];
  nc.subscribe('omnibot_trace.>', { callback: (_error, message) => seen.push({ subject: message.subject, record: message.json<TraceRecord>() }) });
  await nc.flush();

  const tracer = new NatsTracer(nc);
  tracer.stored('Ev1', 'event', { stream: 'OMNIBOT', seq: 7, duplicate: false });
  const trace = tracer.forMessage('Ev1', 7, 1);
  trace.received('event');
  trace.callback({ module: 'm', matched: { match_type: 'command', match: 'help' }, ms: 1, answer: { big: 1n } });
  trace.slackCall({ method: 'chat.postMessage', params: { channel: 'C1' }, ms: 2, ok: true });
  trace.done({ ok: true });
  await waitFor(() => seen.length === 5);
  t.same(seen.map((entry) => entry.subject), ['omnibot_trace.stored', 'omnibot_trace.received', 'omnibot_trace.callback', 'omnibot_trace.slack', 'omnibot_trace.done']);
  t.match(seen[0]?.record, { id: 'Ev1', kind: 'stored', seq: 7, duplicate: false, stream: 'OMNIBOT' });
  t.match(seen[2]?.record, { id: 'Ev1', kind: 'callback', unserializable: true }, 'an answer JSON cannot hold is reported as such');
  t.match(seen[3]?.record, { id: 'Ev1', kind: 'slack', seq: 7, delivery: 1, method: 'chat.postMessage', ok: true });
  t.match(seen[4]?.record, { kind: 'done', ok: true, ms: Number });

  await nc.close();
  t.doesNotThrow(() => tracer.forMessage('Ev2', 8, 1).done({ ok: false, error: 'x' }), 'a closed connection is no error');
});
