// The watcher's refresh of a large workspace, from the built code: 50,000 users and 20,000
// channels (BENCH_WATCHER_USERS, BENCH_WATCHER_CHANNELS) served by bench/watcher-slack.mjs in its
// own process, paged as Slack pages them and with Slack's Tier 2 enforced at
// BENCH_WATCHER_CALLS_PER_MINUTE (200 by default: ten times Slack's floor of 20, so that the run
// takes seconds, not minutes; the watcher is paced at the same rate, as DIRECTORY_LIST_CALLS_PER_MINUTE
// would set it). This process runs the watcher role alone on a real nats-server, and samples its
// memory while the first refresh fills the directory, then while a second refresh of the unchanged
// workspace compares every entry. Its V8 heap is capped at BENCH_WATCHER_HEAP_MIB (96), well
// under what the lists would take held whole: the run finishing at all is the memory bound, and
// the peaks are measured under it. Prints one JSON object: time of each refresh, peak RSS and heap
// above the idle process, Slack calls made, and the 429s Slack had to answer (there must be none).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../dist/app.js';
import { loadConfig } from '../dist/config/load.js';
import { loggerOptions } from '../dist/logger.js';
import { startNatsServer } from '../dist/queue/nats-server.js';

const HEAP_MIB = Number(process.env.BENCH_WATCHER_HEAP_MIB ?? 96);
if (process.env.BENCH_WATCHER_MEASURED !== '1') {
  // Run again under the heap cap, with gc exposed so that idle memory is measured after a collection.
  const run = spawnSync(process.execPath, ['--expose-gc', `--max-old-space-size=${HEAP_MIB}`, fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_WATCHER_MEASURED: '1' },
    stdio: 'inherit',
  });
  process.exit(run.status ?? 1);
}

const USERS = Number(process.env.BENCH_WATCHER_USERS ?? 50_000);
const CHANNELS = Number(process.env.BENCH_WATCHER_CHANNELS ?? 20_000);
const CALLS_PER_MINUTE = Number(process.env.BENCH_WATCHER_CALLS_PER_MINUTE ?? 200);
const APP_ID = 'ABENCH0002';
const MIB = 1024 * 1024;

// The fake Slack, in its own process.
const slack = spawn(process.execPath, [fileURLToPath(new URL('watcher-slack.mjs', import.meta.url))], {
  env: { ...process.env, USERS: String(USERS), CHANNELS: String(CHANNELS), CALLS_PER_MINUTE: String(CALLS_PER_MINUTE) },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const slackPort = await new Promise((resolve, reject) => {
  slack.stdout.once('data', (chunk) => resolve(JSON.parse(chunk.toString().split('\n')[0]).port));
  slack.once('exit', (code) => reject(new Error(`the fake Slack exited (${code})`)));
});
const slackStats = async () => (await fetch(`http://127.0.0.1:${slackPort}/stats`)).json();

const dir = await mkdtemp(path.join(tmpdir(), 'omnibot-bench-watcher-'));
const nats = await startNatsServer({ storeDir: path.join(dir, 'nats') });
const configFile = path.join(dir, 'omnibot.yaml');
await writeFile(
  configFile,
  `teams: { "benchteam": "T0BENCH" }
bots: { "benchteam": { "benchbot": "${APP_ID}" } }
primary_bot: { "benchteam": "benchbot" }
list_provider_update_frequency: 3600
`,
);
const config = await loadConfig({
  file: configFile,
  env: {
    [`CREDENTIALS_SLACK_SIGNING_SECRET_${APP_ID}`]: 'bench-secret',
    [`CREDENTIALS_SLACK_OAUTH_BOT_TOKEN_${APP_ID}`]: 'xoxb-bench-watcher',
    SLACK_API_URL: `http://127.0.0.1:${slackPort}/api/`,
    DIRECTORY_LIST_CALLS_PER_MINUTE: String(CALLS_PER_MINUTE),
    LOG_LEVEL: 'info',
  },
});

// The refresh logs its own figures; read them from the log.
const refreshes = [];
let refreshed = () => {};
const stream = new Writable({
  write(chunk, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.includes('refreshed')) continue;
      const entry = JSON.parse(line);
      refreshes.push(entry);
      refreshed();
    }
    done();
  },
});
const app = await buildApp(config, {
  natsServers: nats.url,
  roles: { http: false, worker: false, watcher: true },
  logger: { ...loggerOptions('info'), stream },
});

const memory = () => ({ rss: process.memoryUsage.rss(), heap: process.memoryUsage().heapUsed });
function sampler() {
  global.gc?.();
  const idle = memory();
  const peak = { ...idle };
  const timer = setInterval(() => {
    const now = memory();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.heap = Math.max(peak.heap, now.heap);
  }, 20);
  return () => {
    clearInterval(timer);
    return {
      idle_rss_mib: Number((idle.rss / MIB).toFixed(1)),
      peak_rss_mib: Number((peak.rss / MIB).toFixed(1)),
      peak_rss_above_idle_mib: Number(((peak.rss - idle.rss) / MIB).toFixed(1)),
      idle_heap_mib: Number((idle.heap / MIB).toFixed(1)),
      peak_heap_mib: Number((peak.heap / MIB).toFixed(1)),
      peak_heap_above_idle_mib: Number(((peak.heap - idle.heap) / MIB).toFixed(1)),
    };
  };
}
const until = (predicate) =>
  new Promise((resolve) => {
    const check = () => predicate() && resolve();
    refreshed = check;
    check();
  });

// First refresh: the acting watcher fills an empty directory.
const stopFirst = sampler();
const started = performance.now();
await app.ready();
await until(() => ['users', 'channels', 'ims', 'emoji'].every((kind) => refreshes.some((entry) => entry.kind === kind)));
const firstMs = performance.now() - started;
const firstMemory = stopFirst();
const firstStats = await slackStats();
const byKind = (kind) => {
  const entry = refreshes.find((e) => e.kind === kind);
  return { total: entry.total, changed: entry.changed, removed: entry.removed, ms: entry.ms };
};

// Second refresh of the unchanged workspace: every entry read and compared, none written.
const bot = config.registry.bot('benchteam', 'benchbot');
const stopSecond = sampler();
const secondStarted = performance.now();
const [users, channels] = await Promise.all([
  app.directory.refreshList('users', bot, { force: true, sweep: true }),
  app.directory.refreshList('channels', bot, { force: true, sweep: true }),
]);
const secondMs = performance.now() - secondStarted;
const secondMemory = stopSecond();
const secondStats = await slackStats();

const pages = (n) => Math.ceil(n / 1000);
const listPages = pages(USERS) + pages(CHANNELS);
process.stdout.write(
  `${JSON.stringify({
    benchmark: 'watcher: refresh of a large workspace into the directory (JetStream KV)',
    node: process.version,
    cpus: cpus().length,
    timestamp: new Date().toISOString(),
    users: USERS,
    channels: CHANNELS,
    slack_tier2_calls_per_minute: CALLS_PER_MINUTE,
    heap_cap_mib: HEAP_MIB,
    first_refresh: {
      ms: Math.round(firstMs),
      ...Object.fromEntries(['users', 'channels', 'ims', 'emoji'].map((kind) => [kind, byKind(kind)])),
      memory: firstMemory,
      slack_calls: firstStats.calls,
      slack_bytes_mib: Number((firstStats.bytes / MIB).toFixed(1)),
      slack_429s: firstStats.rate_limited,
    },
    unchanged_refresh: {
      ms: Math.round(secondMs),
      users: users.ran ? { ...users.outcome, ms: users.ms } : null,
      channels: channels.ran ? { ...channels.outcome, ms: channels.ms } : null,
      memory: secondMemory,
      slack_429s: secondStats.rate_limited - firstStats.rate_limited,
    },
    // users.list and conversations.list each have their own Tier 2 budget: the longer list bounds the time.
    slack_floor_minutes_at_20_per_minute: Number((Math.max(pages(USERS), pages(CHANNELS)) / 20).toFixed(1)),
    list_pages: listPages,
  })}\n`,
);

await app.close();
await nats.stop();
slack.kill('SIGTERM');
await rm(dir, { recursive: true, force: true });
if (firstStats.rate_limited > 0 || secondStats.rate_limited > 0 || firstStats.invalid > 0) process.exitCode = 1;
