// End-to-end throughput, from the built code: signed events into the real webhook route, through
// JetStream and the worker, to a loopback callback service whose answer makes the worker call
// chat.postMessage at a fake Slack. Prints one JSON object: events per second through the whole
// pipeline, and p50/p99 of the time from the webhook request to Slack receiving the reply.
// Everything runs on loopback in this process (omnibot `all` role), a real nats-server aside.
import { createServer } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { buildApp } from '../dist/app.js';
import { loadConfig } from '../dist/config/load.js';
import { startNatsServer } from '../dist/queue/nats-server.js';
import { signSlackRequest } from '../dist/slack/signature.js';

const EVENTS = Number(process.env.BENCH_E2E_EVENTS ?? 2000);
const CONNECTIONS = 50;
// Replies spread over channels as real traffic is; the per-channel pace stays Slack's default
// in spirit, raised here so that the pipeline, not the pacer, is what is measured.
const CHANNELS = 200;
const SECRET = 'bench-signing-secret';
const APP_ID = 'ABENCH0001';

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

function json(res, body) {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

const sentAt = new Map();
const latencies = [];
let firstSent = 0;
let lastReceived = 0;
let allReceived;
const done = new Promise((resolve) => (allReceived = resolve));

// The fake Slack: answers what the worker asks, and clocks each reply's arrival.
const slack = createServer(async (req, res) => {
  const method = req.url.replace('/api/', '');
  const params = new URLSearchParams(await readBody(req));
  if (method === 'auth.test') return json(res, { ok: true, user_id: 'UBOT', bot_id: 'BBOT' });
  if (method === 'users.info') return json(res, { ok: true, user: { id: params.get('user'), name: params.get('user') === 'UBOT' ? 'benchbot' : 'alice' } });
  if (method === 'conversations.info') return json(res, { ok: true, channel: { id: params.get('channel'), name: `c-${params.get('channel')}` } });
  if (method === 'chat.postMessage') {
    const id = params.get('text');
    const started = sentAt.get(id);
    if (started !== undefined) {
      lastReceived = performance.now();
      latencies.push(lastReceived - started);
      sentAt.delete(id);
      if (latencies.length === EVENTS) allReceived();
    }
    return json(res, { ok: true, ts: '1.1' });
  }
  return json(res, { ok: false, error: 'unknown_method' });
});
const slackPort = await listen(slack);

// The service the handler calls back: replies in the message's thread.
const service = createServer(async (req, res) => {
  const payload = JSON.parse(await readBody(req));
  json(res, { actions: [{ action: 'chat.postMessage', kwargs: { text: payload.command_text.split(' ')[1] } }] });
});
const servicePort = await listen(service);

const dir = await mkdtemp(path.join(tmpdir(), 'omnibot-bench-e2e-'));
const nats = await startNatsServer({ storeDir: path.join(dir, 'nats') });
const configFile = path.join(dir, 'omnibot.yaml');
await writeFile(
  configFile,
  `authorization:
  checks:
    - module: "omnibot.authnz:allowed_paths"
      kwargs: { paths: ["/api/v1/slack/event"] }
teams: { "benchteam": "TBENCH0001" }
bots: { "benchteam": { "benchbot": "${APP_ID}" } }
handlers:
  message_handlers:
    - match: "echo"
      match_type: "command"
      bots: { "benchteam": ["benchbot"] }
      callbacks:
        - module: "omnibot.callbacks.network_callbacks:http_callback"
          kwargs: { request_kwargs: { url: "http://127.0.0.1:${servicePort}/echo" } }
`,
);
const config = await loadConfig({
  file: configFile,
  env: {
    [`CREDENTIALS_SLACK_SIGNING_SECRET_${APP_ID}`]: SECRET,
    [`CREDENTIALS_SLACK_OAUTH_BOT_TOKEN_${APP_ID}`]: 'xoxb-bench',
    SLACK_API_URL: `http://127.0.0.1:${slackPort}/api/`,
    LOG_LEVEL: 'warn',
    WEBHOOK_WORKER_CONCURRENCY: '50',
    SLACK_POSTS_PER_CHANNEL_PER_SECOND: '100',
  },
});
const app = await buildApp(config, { natsServers: nats.url, roles: { http: true, worker: true }, logger: { level: 'warn' } });
const base = await app.listen({ port: 0, host: '127.0.0.1' });

let next = 0;
let failures = 0;
async function client() {
  while (next < EVENTS) {
    const n = next++;
    const id = `e${n}`;
    const ts = `${Math.floor(Date.now() / 1000)}.${String(n).padStart(6, '0')}`;
    const body = JSON.stringify({
      token: 'unused',
      team_id: 'TBENCH0001',
      api_app_id: APP_ID,
      type: 'event_callback',
      event_id: `EvBENCH${n}`,
      event: { type: 'message', channel: `C${n % CHANNELS}`, user: 'U1', text: `<@UBOT> echo ${id}`, ts, event_ts: ts },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    sentAt.set(id, performance.now());
    if (!firstSent) firstSent = performance.now();
    const response = await request(`${base}/api/v1/slack/event`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signSlackRequest(SECRET, timestamp, body) },
    });
    await response.body.dump();
    if (response.statusCode !== 200) failures += 1;
  }
}

const timeout = setTimeout(() => allReceived('timeout'), 120_000);
await Promise.all(Array.from({ length: CONNECTIONS }, client));
const outcome = await done;
clearTimeout(timeout);

const sorted = [...latencies].sort((a, b) => a - b);
const pct = (p) => (sorted.length ? Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2)) : null);
const seconds = (lastReceived - firstSent) / 1000;
process.stdout.write(
  `${JSON.stringify({
    benchmark: 'e2e webhook → JetStream → worker → http callback → chat.postMessage',
    node: process.version,
    cpus: cpus().length,
    timestamp: new Date().toISOString(),
    events: EVENTS,
    connections: CONNECTIONS,
    channels: CHANNELS,
    completed: latencies.length,
    webhook_failures: failures,
    timed_out: outcome === 'timeout',
    events_per_second: Number((latencies.length / seconds).toFixed(1)),
    request_to_slack_ms: { p50: pct(50), p90: pct(90), p99: pct(99), max: pct(100) },
  })}\n`,
);

await app.close();
await nats.stop();
slack.close();
service.close();
await rm(dir, { recursive: true, force: true });
if (outcome === 'timeout' || failures > 0) process.exitCode = 1;
