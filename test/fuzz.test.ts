import t from 'tap';
import { runFuzz } from './fuzz/harness.js';

// A fixed seed, so that the suite runs the same cases every time; `npm run fuzz` runs more, from a random one.
// A loaded machine may take several times the ~20 s this takes on a quiet one.
t.setTimeout(240_000);

const SEED = 20_111;
const RUNS = 2_000;

t.test(`${RUNS} hostile requests (seed ${SEED}): no 5xx, JSON errors, the NATS connection kept, the service still up`, async (t) => {
  const report = await runFuzz(t, { seed: SEED, runs: RUNS, slowClients: 20 });
  t.comment(JSON.stringify({ by_status: report.by_status, slow_clients: report.slow_clients, ms: report.ms }));
  t.same(report.failures, [], 'no rule broken');
  t.notOk(report.counterexample, report.counterexample ?? 'no counterexample');
  t.equal(report.cases, RUNS, 'every case ran');
  t.notOk(Object.keys(report.by_status).some((status) => status.startsWith('5')), 'no 5xx at all');
  t.ok(Object.keys(report.by_status).length >= 8, `a spread of answers (${Object.keys(report.by_status).join(', ')})`);
  t.same(report.nats.connection_events.filter((type) => type === 'disconnect' || type === 'reconnect' || type === 'error'), [], 'the NATS connection never dropped');
  t.ok(report.nats.same_connection, 'and is the one the run started with');
  t.equal(report.slow_clients.cut_off, report.slow_clients.count, 'every slow client was cut off by the server');
  t.same(report.slow_clients.statuses, { 408: report.slow_clients.count }, 'each with a 408');
  t.same(report.afterwards, { healthcheck: 200, signed_event: 200, signed_event_stored: true }, 'the healthcheck and a signed event are served afterwards');
});
