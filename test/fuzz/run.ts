// `npm run fuzz`: FUZZ_RUNS (default 10,000) hostile requests from a random seed, or FUZZ_SEED to
// replay a run. Prints one JSON object (counts by status, the seed, any rule broken); exits 1 when
// a rule was broken.
import { runFuzz } from './harness.js';

const teardowns: Array<() => unknown> = [];
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) };

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const runs = Number(process.env.FUZZ_RUNS ?? 10_000);
const slowClients = Number(process.env.FUZZ_SLOW_CLIENTS ?? 60);
if (!Number.isInteger(seed) || !Number.isInteger(runs) || runs < 1) {
  console.error('FUZZ_SEED and FUZZ_RUNS must be integers');
  process.exit(2);
}
console.error(`[fuzz] ${runs} cases, seed ${seed} (replay with FUZZ_SEED=${seed})`);

let failed = true;
try {
  const report = await runFuzz(t, { seed, runs, slowClients });
  const fivexx = Object.keys(report.by_status).filter((status) => status.startsWith('5'));
  const droppedNats = report.nats.connection_events.some((type) => type === 'disconnect' || type === 'reconnect' || type === 'error') || !report.nats.same_connection;
  failed =
    report.failures.length > 0 ||
    fivexx.length > 0 ||
    droppedNats ||
    report.slow_clients.cut_off !== report.slow_clients.count ||
    report.afterwards.healthcheck !== 200 ||
    report.afterwards.signed_event !== 200 ||
    !report.afterwards.signed_event_stored;
  console.log(JSON.stringify({ ok: !failed, replay: `FUZZ_SEED=${seed} FUZZ_RUNS=${runs} npm run fuzz`, ...report }, null, 2));
} finally {
  for (const fn of teardowns.reverse()) await fn();
}
process.exit(failed ? 1 : 0);
