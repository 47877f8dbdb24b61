import t from 'tap';
import { runFaults } from './faults/harness.js';

// A 3-node cluster, serve and a worker of the built CLI, a stream leader killed under load. About
// 40 s on a quiet machine; a loaded one takes longer. `npm run faults` runs every fault at 300/s.
t.setTimeout(240_000);

t.test('kill -9 of the stream leader under load: no acknowledged webhook is lost', async (t) => {
  const report = await runFaults(t, {
    faults: ['leader-kill'],
    rate: 50,
    loadMs: 8_000,
    faultAtMs: 2_000,
    nodeDownMs: 5_000,
    workerDownMs: 2_000,
    retryDelaysMs: [1_000, 4_000, 10_000],
    workers: 1,
    concurrency: 20,
    callbackDelayMs: 10,
    quietMs: 2_000,
  });
  const figures = report.faults[0];
  if (!figures) throw new Error('no figures');
  t.comment(JSON.stringify(figures));
  t.ok(figures.stream_leaderless_ms !== undefined, `the stream lost its leader (a new one after ${figures.stream_leaderless_ms} ms)`);
  t.ok(figures.sent >= 300, `webhooks were sent throughout (${figures.sent})`);
  t.ok(figures.acknowledged > 0 && figures.delivered > 0, 'and answered and delivered');
  t.equal(figures.lost, 0, 'every webhook answered 200 reached the callback service');
  t.equal(figures.lost_from_stream, 0, 'and is in stream OMNIBOT');
  t.ok(figures.stored >= figures.acknowledged, 'the stream holds at least what was acknowledged');
});
