// `npm run faults`: a 3-node JetStream cluster on loopback, serve and two workers of the built CLI
// on it, 300 signed webhooks/s with Slack's retries, and each fault in turn: kill -9 of the stream
// leader, kill -9 of a node that leads nothing, a rolling restart (SIGTERM and start, node by
// node), kill -9 of a worker. Prints one JSON object with each fault's figures (see harness.ts).
// FAULTS (comma-separated names), FAULTS_RATE, FAULTS_LOAD_MS, FAULTS_CLI (another build's
// dist/cli.js, to compare) and FAULTS_SCALED_BY_HAND=1 (OMNIBOT created with one replica, then
// scaled to three by hand and the workers restarted; `no-restart`: not restarted) change the run; FAULTS_DUMP=file writes every event's attempts and
// deliveries there; FAULTS_QUIET_MS how long no delivery must come before a fault's figures are
// taken (default 8 s; an older build with a 30 s ack wait needs 35 s to count its redeliveries). Exits 1 when an acknowledged webhook was lost.
import { FAULTS, runFaults, type FaultName } from './harness.js';

const teardowns: Array<() => unknown> = [];
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) };
// Interrupted: the cluster and the roles go too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void (async () => {
      for (const fn of teardowns.reverse()) await Promise.resolve(fn()).catch(() => undefined);
      process.exit(130);
    })();
  });
}

const faults = (process.env.FAULTS ? process.env.FAULTS.split(',') : [...FAULTS]) as FaultName[];
const unknown = faults.filter((fault) => !FAULTS.includes(fault));
if (unknown.length > 0) {
  console.error(`unknown fault ${unknown.join(', ')}; known: ${FAULTS.join(', ')}`);
  process.exit(2);
}

let failed = true;
try {
  const report = await runFaults(t, {
    faults,
    rate: Number(process.env.FAULTS_RATE ?? 300),
    loadMs: Number(process.env.FAULTS_LOAD_MS ?? 15_000),
    faultAtMs: 3_000,
    nodeDownMs: 8_000,
    workerDownMs: 2_000,
    retryDelaysMs: [1_000, 5_000, 15_000],
    workers: 2,
    concurrency: 50,
    callbackDelayMs: 20,
    ...(process.env.FAULTS_CLI ? { cli: process.env.FAULTS_CLI } : {}),
    ...(process.env.FAULTS_SCALED_BY_HAND ? { replicas: 'scaled-by-hand' as const, restartWorkersAfterScaling: process.env.FAULTS_SCALED_BY_HAND !== 'no-restart' } : {}),
    ...(process.env.FAULTS_DUMP ? { dumpFile: process.env.FAULTS_DUMP } : {}),
    ...(process.env.FAULTS_QUIET_MS ? { quietMs: Number(process.env.FAULTS_QUIET_MS) } : {}),
    progress: (line) => console.error(`[faults] ${line}`),
  });
  failed = report.faults.some((fault) => fault.lost > 0 || fault.lost_from_stream > 0);
  console.log(JSON.stringify(report, null, 2));
} finally {
  for (const fn of teardowns.reverse()) await fn();
}
process.exit(failed ? 1 : 0);
