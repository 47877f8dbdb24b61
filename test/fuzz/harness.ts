import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { request } from 'undici';
import { signSlackRequest } from '../../src/slack/signature.js';
import { buildTestApp } from '../helpers/app.js';
import { rawRequest, type RawAnswer } from '../helpers/raw-http.js';
import { slackJson } from '../helpers/slack-requests.js';
import { streamReader } from '../helpers/stream.js';
import { fuzzCase, SLACK_PATHS, type FuzzCase } from './cases.js';

type Teardown = { teardown(fn: () => unknown): void };

export interface FuzzOptions {
  readonly seed: number;
  readonly runs: number;
  /** Clients that send their request too slowly, connected while the cases run. */
  readonly slowClients: number;
}

export interface FuzzReport {
  readonly seed: number;
  readonly cases: number;
  /** Answers by status ("none": a connection closed without one). */
  readonly by_status: Record<string, number>;
  readonly by_route: Record<string, number>;
  /** Time spent on each route's cases, in all. */
  readonly ms_by_route: Record<string, number>;
  /** What broke a rule, with the case that did it (empty when all went well). */
  readonly failures: readonly string[];
  /** fast-check's own account when the property failed: seed and path, to replay it. */
  readonly counterexample?: string;
  readonly slow_clients: { readonly count: number; readonly cut_off: number; readonly statuses: Record<string, number>; readonly slowest_cut_ms: number };
  readonly nats: { readonly connection_events: readonly string[]; readonly same_connection: boolean };
  readonly afterwards: { readonly healthcheck: number; readonly signed_event: number; readonly signed_event_stored: boolean };
  readonly ms: number;
}

const ECHOBOT_SECRET = 'signing-secret-echobot';
// Short limits, so that slow clients are cut off within the run.
const HTTP_TIMEOUTS = { headersMs: 1_000, requestMs: 2_000, checkIntervalMs: 200 };

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

function describe(c: FuzzCase): string {
  const shown = (text: string): string => JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}…(${text.length} chars)` : text);
  if (c.kind === 'raw') return `raw ${shown(c.bytes)}`;
  const payload = c.payload === undefined ? '' : typeof c.payload === 'string' ? c.payload : Buffer.from(c.payload).toString('latin1');
  return `${c.method} ${shown(c.url)} headers=${shown(JSON.stringify(c.headers))} sign=${c.sign ?? 'no'} body=${shown(payload)}`;
}

function isSlackPath(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return (SLACK_PATHS as readonly string[]).includes(path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);
}

/** The rules for any answer to a hostile request; each broken one is a message. */
function brokenRules(status: number, headers: Record<string, string | string[] | number | undefined>, body: string, options: { slack: boolean; head: boolean }): string[] {
  const broken: string[] = [];
  if (status >= 500) broken.push(`answered ${status}: ${body.slice(0, 300)}`);
  if (status >= 400 && !options.head) {
    if (!String(headers['content-type'] ?? '').startsWith('application/json')) broken.push(`a ${status} that is not JSON (${String(headers['content-type'])})`);
    try {
      const parsed = JSON.parse(body) as { error?: unknown };
      if (typeof parsed?.error !== 'string') broken.push(`a ${status} without an "error" string: ${body.slice(0, 200)}`);
    } catch {
      broken.push(`a ${status} whose body is not JSON: ${body.slice(0, 200)}`);
    }
  }
  if (options.slack && status >= 400 && status < 500 && headers['x-slack-no-retry'] !== '1') broken.push(`a ${status} on Slack's route without X-Slack-No-Retry`);
  if (status === 405 && !headers.allow) broken.push('a 405 without Allow');
  return broken;
}

/** A slow client: sends nothing, or its headers or body a little at a time, never finishing. */
function slowClient(port: number, i: number): Promise<RawAnswer> {
  const options = { waitMs: 60_000, chunkDelayMs: 250 };
  switch (i % 3) {
    case 0:
      return rawRequest(port, [], options);
    case 1:
      return rawRequest(port, ['GET /healthcheck HTTP/1.1\r\n', ...Array.from({ length: 240 }, (_, n) => `X-${n}: y\r\n`)], options);
    default:
      return rawRequest(
        port,
        [
          'POST /api/v1/slack/event HTTP/1.1\r\nHost: x\r\nX-Envoy-Downstream-Service-Cluster: envoy\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n',
          ...Array.from({ length: 240 }, () => ' '),
        ],
        options,
      );
  }
}

/**
 * Runs the fuzz: the production app (HTTP and worker roles) on a real
 * nats-server and the fake Slack, listening on a real port; `runs` hostile
 * requests from fast-check with `seed`, slow clients alongside; then checks
 * that the NATS connection never dropped and that a healthcheck and a signed
 * event are still served.
 */
export async function runFuzz(t: Teardown, options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const { app, fake, nats } = await buildTestApp(t, {
    roles: { http: true, worker: true },
    env: {
      LOG_LEVEL: 'warn',
      // A loaded machine must not turn a case into the overload 503, which is by design.
      OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '600000',
      WEBHOOK_WORKER_DRAIN_SECONDS: '1',
    },
    httpTimeouts: HTTP_TIMEOUTS,
  });
  const users = [
    { id: 'U1', name: 'alice', profile: { email: 'alice@example.com', display_name: 'alice' } },
    { id: 'UBOT', name: 'echobot', is_bot: true, profile: { display_name: 'echobot' } },
  ];
  fake.setList('users.list', 'members', users);
  fake.on('conversations.list', (call) => ({ ok: true, channels: call.params.types === 'im' ? [{ id: 'D1', is_im: true, user: 'U1' }] : [{ id: 'C1', name: 'general' }] }));
  fake.on('users.info', (call) => {
    const user = users.find((u) => u.id === call.params.user);
    return user ? { ok: true, user } : { ok: false, error: 'user_not_found' };
  });
  fake.on('users.lookupByEmail', (call) => {
    const user = users.find((u) => u.profile.email === call.params.email);
    return user ? { ok: true, user } : { ok: false, error: 'users_not_found' };
  });
  fake.on('conversations.info', (call) => (call.params.channel === 'C1' ? { ok: true, channel: { id: 'C1', name: 'general' } } : { ok: false, error: 'channel_not_found' }));
  fake.on('conversations.open', { ok: true, channel: { id: 'D1' } });
  fake.on('auth.test', { ok: true, user_id: 'UBOT', team_id: 'T12345678' });
  for (const method of ['chat.postMessage', 'chat.update', 'dialog.open', 'reactions.add']) fake.on(method, { ok: true, channel: 'C1', ts: '1.000001' });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const stream = await streamReader(t, nats.url);
  const clientId = app.nats.info?.client_id;
  const connectionEvents: string[] = [];
  void (async () => {
    // pingTimer is nats.js saying a ping went out: the connection's heartbeat, not a change.
    for await (const status of app.nats.status()) if (status.type !== 'pingTimer') connectionEvents.push(status.type);
  })();

  const slowStarted = Date.now();
  const slow = Array.from({ length: options.slowClients }, (_, i) =>
    slowClient(port, i).then((answer) => ({ answer, ms: Date.now() - slowStarted })),
  );

  const byStatus: Record<string, number> = {};
  const byRoute: Record<string, number> = {};
  const msByRoute: Record<string, number> = {};
  const failures: string[] = [];
  let cases = 0;

  const send = async (c: FuzzCase): Promise<string[]> => {
    cases += 1;
    count(byRoute, c.route);
    if (c.kind === 'raw') {
      const answer = await rawRequest(port, c.bytes, { waitMs: 10_000, quietMs: 300 });
      if (answer.statuses.length === 0) {
        count(byStatus, 'none');
        return answer.closedByServer ? ['closed without an answer'] : ['no answer within 10 s'];
      }
      for (const status of answer.statuses) count(byStatus, String(status));
      const last = answer.statuses.at(-1) as number;
      return [...answer.statuses.filter((s) => s >= 500).map((s) => `answered ${s}`), ...brokenRules(last, answer.headers, answer.body, { slack: false, head: false })];
    }
    const headers: Record<string, string> = { ...c.headers };
    if (c.sign) {
      const timestamp = String(Math.floor(Date.now() / 1000) - (c.sign === 'stale' ? 600 : 0));
      const body = c.payload === undefined ? '' : typeof c.payload === 'string' ? c.payload : Buffer.from(c.payload);
      headers['x-slack-request-timestamp'] = timestamp;
      headers['x-slack-signature'] = signSlackRequest(ECHOBOT_SECRET, timestamp, body);
    }
    const injected: InjectOptions = { method: c.method as 'GET', url: c.url, headers };
    if (c.payload !== undefined) injected.payload = typeof c.payload === 'string' ? c.payload : Buffer.from(c.payload);
    const response = await app.inject(injected);
    count(byStatus, String(response.statusCode));
    return brokenRules(response.statusCode, response.headers, response.body, { slack: isSlackPath(c.url), head: c.method === 'HEAD' });
  };

  const result = await fc.check(
    fc.asyncProperty(fuzzCase, async (c) => {
      const caseStarted = Date.now();
      const broken = await send(c);
      msByRoute[c.route] = (msByRoute[c.route] ?? 0) + Date.now() - caseStarted;
      if (broken.length === 0) return true;
      failures.push(`${broken.join('; ')} <- ${describe(c)}`);
      return false;
    }),
    // No shrinking: the server keeps state between cases, and replaying the seed replays the run.
    { seed: options.seed, numRuns: options.runs, endOnFailure: true },
  );

  // The slow clients, cut off while the cases ran.
  const slowAnswers = await Promise.all(slow);
  const slowStatuses: Record<string, number> = {};
  for (const { answer } of slowAnswers) count(slowStatuses, answer.statuses.length === 0 ? 'none' : answer.statuses.join(','));
  const cutOff = slowAnswers.filter(({ answer }) => answer.closedByServer).length;

  // Afterwards, over real HTTP: the healthcheck, and a valid signed event, stored.
  const health = await request(`http://127.0.0.1:${port}/healthcheck`);
  const healthText = await health.body.text();
  const eventId = `EvFUZZ${options.seed}`;
  const event = slackJson({ token: 'verify-echobot', team_id: 'T12345678', api_app_id: 'A12345678', type: 'event_callback', event_id: eventId, event: { type: 'reaction_added' } }, ECHOBOT_SECRET);
  const stored = await request(`http://127.0.0.1:${port}/api/v1/slack/event`, {
    method: 'POST',
    body: event.payload,
    headers: { ...event.headers, 'x-envoy-downstream-service-cluster': 'envoy' },
  });
  await stored.body.dump();
  const storedIds = (await stream.messages()).map((message) => message.headers['Nats-Msg-Id']);

  return {
    seed: options.seed,
    cases,
    by_status: Object.fromEntries(Object.entries(byStatus).sort()),
    by_route: Object.fromEntries(Object.entries(byRoute).sort()),
    ms_by_route: Object.fromEntries(Object.entries(msByRoute).sort()),
    failures,
    ...(result.failed ? { counterexample: fc.defaultReportMessage(result) ?? 'failed' } : {}),
    slow_clients: {
      count: slowAnswers.length,
      cut_off: cutOff,
      statuses: slowStatuses,
      slowest_cut_ms: Math.max(0, ...slowAnswers.map(({ ms }) => ms)),
    },
    nats: { connection_events: connectionEvents, same_connection: !app.nats.isClosed() && app.nats.info?.client_id === clientId },
    afterwards: {
      healthcheck: healthText === 'OK' ? health.statusCode : -health.statusCode,
      signed_event: stored.statusCode,
      signed_event_stored: storedIds.includes(eventId),
    },
    ms: Date.now() - started,
  };
}
