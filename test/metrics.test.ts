import t from 'tap';
import { OmnibotMetrics } from '../src/metrics/omnibot-metrics.js';
import { buildTestApp } from './helpers/app.js';
import { startCallbackService } from './helpers/callback-service.js';
import { startFakeSlack } from './helpers/fake-slack.js';
import { sample } from './helpers/metrics.js';
import { startTestNats } from './helpers/nats.js';
import { slackForm, slackJson } from './helpers/slack-requests.js';
import { eventually, waitFor } from './helpers/wait.js';

const SECRET = 'signing-secret-echobot';
const nats = await startTestNats(t);
const fake = await startFakeSlack();
t.teardown(() => fake.close());
const service = await startCallbackService();
t.teardown(() => service.close());

fake.on('auth.test', { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T12345678' });
// The bot's own name makes `<@UBOT> deploy` a message directed at it.
fake.on('users.info', (call) => ({ ok: true, user: { id: call.params.user, name: call.params.user === 'UBOT' ? 'echobot' : 'alice', profile: {} } }));
fake.on('users.lookupByEmail', (call) =>
  call.params.email === 'zoe@example.com' ? { ok: true, user: { id: 'U9', name: 'zoe', profile: { email: 'zoe@example.com' } } } : { ok: false, error: 'users_not_found' },
);
fake.on('conversations.info', (call) => ({ ok: true, channel: { id: call.params.channel, name: 'general', is_channel: true } }));
fake.on('chat.postMessage', (call) => ({ ok: true, channel: call.params.channel, ts: `${Date.now() / 1000}` }));
fake.on('made.up', { ok: false, error: 'unknown_method' });

const yaml = `
authorization:
  checks:
    - module: "omnibot.authnz:allowed_paths"
      kwargs:
        paths: ["/api/", "/metrics"]
teams:
  "testteam": "T12345678"
bots:
  "testteam":
    "echobot": "A12345678"
handlers:
  message_handlers:
    - match: "deploy"
      match_type: "command"
      bots: { "testteam": ["echobot"] }
      callbacks:
        - module: "omnibot.callbacks.network_callbacks:http_callback"
          kwargs:
            request_kwargs: { url: "${service.url}/deploy", timeout: 10 }
    - match: "fail"
      match_type: "command"
      bots: { "testteam": ["echobot"] }
      callbacks:
        - module: "omnibot.callbacks.network_callbacks:http_callback"
          kwargs:
            request_kwargs: { url: "${service.url}/fail", timeout: 10 }
`;
const env = { WEBHOOK_WORKER_MAX_DELIVER: '2', WEBHOOK_WORKER_RETRY_BASE_MS: '50', SLACK_POSTS_PER_CHANNEL_PER_SECOND: '50' };

let events = 0;
function event(text: string) {
  events += 1;
  const ts = `${Math.floor(Date.now() / 1000)}.${String(events).padStart(6, '0')}`;
  return {
    token: 'verify-echobot',
    team_id: 'T12345678',
    api_app_id: 'A12345678',
    type: 'event_callback',
    event_id: `EvMetrics${events}`,
    event: { type: 'message', channel: 'C1', user: 'U1', text, ts, event_ts: ts, channel_type: 'channel' },
  };
}

type App = Awaited<ReturnType<typeof buildTestApp>>['app'];

async function post(app: App, body: object, secret = SECRET) {
  const request = slackJson(body, secret);
  return app.inject({ method: 'POST', url: '/api/v1/slack/event', payload: request.payload, headers: request.headers });
}

async function scrape(app: App): Promise<string> {
  const response = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(response.statusCode, 200);
  return response.body;
}

t.test('/metrics is behind the authorization checks, like every route but the health checks', async (t) => {
  const { app } = await buildTestApp(t, { nats, fake });
  const denied = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(denied.statusCode, 403, 'the fixture allows no /metrics');
  const allowed = await app.inject({ method: 'GET', url: '/metrics', headers: { 'x-envoy-internal': 'true', 'x-envoy-downstream-service-cluster': 'someservice' } });
  t.equal(allowed.statusCode, 403, 'nor does any of its permissions');
});

t.test('the HTTP role: process metrics, requests by route template, webhooks, publish acks, Slack calls, directory reads', async (t) => {
  const { app } = await buildTestApp(t, { yaml, nats, fake, env });
  const first = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(first.statusCode, 200);
  t.equal(first.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8', "Prometheus' text format");
  t.match(first.body, /^omnibot_build_info\{version="\d+\.\d+\.\d+[^"]*"\} 1$/m);
  t.match(first.body, /^process_cpu_user_seconds_total /m, 'process metrics');
  t.match(first.body, /^nodejs_eventloop_lag_seconds /m);
  t.match(first.body, /^# TYPE omnibot_worker_messages_total counter$/m, 'every metric is declared from the start');

  // Requests, by route template: the URL's values never become labels.
  await app.inject({ method: 'GET', url: '/api/v1/slack/get_user/testteam/echobot/zoe@example.com' });
  await app.inject({ method: 'GET', url: '/api/v1/slack/get_user/testteam/echobot/zoe@example.com' });
  await app.inject({ method: 'GET', url: '/api/v1/slack/get_user/testteam/echobot/nobody@example.com' });
  await app.inject({ method: 'GET', url: '/api/v1/no/such/route' });
  const m = app.metrics;
  const route = '/api/v1/slack/get_user/:team_name/:bot_name/:email';
  t.equal(await sample(m, 'omnibot_http_request_duration_seconds_count', { method: 'GET', route, status_code: 200 }), 2);
  t.equal(await sample(m, 'omnibot_http_request_duration_seconds_count', { method: 'GET', route, status_code: 404 }), 1);
  t.equal(await sample(m, 'omnibot_http_request_duration_seconds_count', { route: 'unmatched', status_code: 404 }), 1);
  const text = await scrape(app);
  t.notMatch(text, /zoe@example\.com|no\/such\/route/, 'no raw URL in any label');

  // The directory: the first lookup misses everywhere and asks Slack; the second is answered from memory, or
  // from KV when the bucket's watch has already dropped the in-memory copy that the first lookup's write changed.
  t.equal(await sample(m, 'omnibot_directory_reads_total', { kind: 'users', result: 'miss' }), 2, 'zoe, then nobody');
  const answered = (await sample(m, 'omnibot_directory_reads_total', { kind: 'users', result: 'memory' })) + (await sample(m, 'omnibot_directory_reads_total', { kind: 'users', result: 'store' }));
  t.ok(answered >= 2, `the second zoe without Slack (${answered} reads answered)`);
  t.equal(await sample(m, 'omnibot_slack_api_calls_total', { method: 'users.lookupByEmail', outcome: 'ok' }), 1);
  t.equal(await sample(m, 'omnibot_slack_api_calls_total', { method: 'users.lookupByEmail', outcome: 'slack_error' }), 1);
  t.equal(await sample(m, 'omnibot_slack_api_errors_total', { method: 'users.lookupByEmail', error: 'users_not_found' }), 1);
  t.equal(await sample(m, 'omnibot_slack_api_call_duration_seconds_count', { method: 'users.lookupByEmail' }), 2);

  // A method Slack doesn't document is counted, but under "other": callers can't grow the label set.
  const action = await app.inject({ method: 'POST', url: '/api/v2/slack/action/testteam/echobot', payload: { action: 'made.up', kwargs: {} } });
  t.equal(action.statusCode, 400);
  t.equal(await sample(m, 'omnibot_slack_api_calls_total', { method: 'other', outcome: 'slack_error' }), 1);
  t.notMatch(await scrape(app), /made\.up/);

  // A 429 is counted each time Slack answers it.
  fake.failNext('chat.postMessage', { status: 429, retryAfter: 0 });
  const posted = await app.inject({ method: 'POST', url: '/api/v2/slack/action/testteam/echobot', payload: { action: 'chat.postMessage', kwargs: { channel: 'C1', text: 'x' } } });
  t.equal(posted.statusCode, 200);
  t.equal(await sample(m, 'omnibot_slack_api_rate_limited_total', { method: 'chat.postMessage' }), 1);
  t.equal(await sample(m, 'omnibot_slack_api_calls_total', { method: 'chat.postMessage', outcome: 'ok' }), 1, 'one call, retried');

  // Webhooks: stored, a duplicate (Slack's retry), refused by reason; publish acks by outcome.
  const once = event('hello');
  t.equal((await post(app, once)).statusCode, 200);
  t.equal((await post(app, once)).statusCode, 200);
  t.equal((await post(app, event('forged'), 'wrong-secret')).statusCode, 401);
  t.equal((await post(app, { ...event('x'), team_id: 'TNOPE' })).statusCode, 403);
  const command = slackForm({ token: 'verify-echobot', team_id: 'T12345678', api_app_id: 'A12345678', command: '/x', trigger_id: 't1' }, 'wrong-secret');
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/slack/slash_command', payload: command.payload, headers: command.headers })).statusCode, 401);
  t.equal(await sample(m, 'omnibot_webhooks_stored_total', { type: 'event' }), 1);
  t.equal(await sample(m, 'omnibot_webhooks_duplicate_total', { type: 'event' }), 1);
  t.equal(await sample(m, 'omnibot_webhooks_refused_total', { type: 'event', reason: 'invalid_signature' }), 1);
  t.equal(await sample(m, 'omnibot_webhooks_refused_total', { type: 'event', reason: 'unknown_team' }), 1);
  t.equal(await sample(m, 'omnibot_webhooks_refused_total', { type: 'slash_command', reason: 'invalid_signature' }), 1);
  t.equal(await sample(m, 'omnibot_webhook_publish_duration_seconds_count', { outcome: 'stored' }), 1);
  t.equal(await sample(m, 'omnibot_webhook_publish_duration_seconds_count', { outcome: 'duplicate' }), 1);
  t.equal(await sample(m, 'omnibot_slack_event_delivery_latency_seconds_count', { retry: 'false' }), 2);
});

t.test('the worker: messages by outcome, redeliveries, handlers and callbacks by handler, pacing; then the queue lag', async (t) => {
  service.on('/deploy', () => ({ json: { actions: [{ action: 'chat.postMessage', kwargs: { text: 'on it' } }, { action: 'chat.postMessage', kwargs: { text: 'done' } }] } }));
  service.on('/fail', () => ({ status: 400, json: { error: 'refused' } }));
  const worker = await buildTestApp(t, { yaml, nats, fake, env, roles: { http: true, worker: true } });
  const m = worker.app.metrics;
  const posts = fake.callsTo('chat.postMessage').length;
  t.equal((await post(worker.app, event('<@UBOT> deploy now'))).statusCode, 200);
  await waitFor(() => fake.callsTo('chat.postMessage').length === posts + 2);
  await eventually(async () => ((await sample(m, 'omnibot_worker_messages_total', { type: 'event', outcome: 'processed' })) >= 1 ? true : undefined));
  t.equal(await sample(m, 'omnibot_handler_duration_seconds_count', { kind: 'message', handler: 'deploy' }), 1);
  t.equal(
    await sample(m, 'omnibot_callback_duration_seconds_count', { kind: 'message', handler: 'deploy', module: 'omnibot.callbacks.network_callbacks:http_callback', outcome: 'ok' }),
    1,
  );
  t.equal(await sample(m, 'omnibot_slack_pacer_wait_seconds_count', { rate_class: 'post' }), 2, 'both posts went through the pacer');
  t.ok((await sample(m, 'omnibot_worker_message_duration_seconds_count', { type: 'event' })) >= 1);

  // A callback that always fails: retried, then dead-lettered, and its second delivery is a redelivery.
  t.equal((await post(worker.app, event('<@UBOT> fail now'))).statusCode, 200);
  await eventually(async () => ((await sample(m, 'omnibot_worker_messages_total', { type: 'event', outcome: 'dead_lettered' })) === 1 ? true : undefined));
  t.equal(await sample(m, 'omnibot_worker_messages_total', { type: 'event', outcome: 'retried' }), 1);
  t.equal(await sample(m, 'omnibot_worker_redeliveries_total', { type: 'event' }), 1);
  t.equal(await sample(m, 'omnibot_callback_duration_seconds_count', { handler: 'fail', outcome: 'failed' }), 2);
  t.equal(await sample(m, 'omnibot_worker_messages_in_flight'), 0);
  t.equal(await sample(m, 'omnibot_queue_dead_letter_messages'), 1);
  await eventually(async () => ((await sample(m, 'omnibot_queue_ack_pending_messages')) === 0 ? true : undefined));
  t.equal(await sample(m, 'omnibot_queue_oldest_unacked_age_seconds'), 0, 'nothing waits');
  await worker.app.close();

  // With the worker gone, what is stored waits: the backlog and its age are visible from any process.
  const api = await buildTestApp(t, { yaml, nats, fake, env });
  const before = Date.now();
  for (let i = 0; i < 3; i++) t.equal((await post(api.app, event('waiting'))).statusCode, 200);
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  t.equal(await sample(api.app.metrics, 'omnibot_queue_pending_messages'), 3);
  const age = await sample(api.app.metrics, 'omnibot_queue_oldest_unacked_age_seconds');
  t.ok(age >= 1 && age <= (Date.now() - before) / 1000 + 1, `the oldest waits since it was stored (${age} s)`);
  t.match(await scrape(api.app), /^omnibot_queue_pending_messages 3$/m);
});

t.test('every app has its own registry: two in one process neither collide nor share figures', async (t) => {
  const a = new OmnibotMetrics({ version: '1.0.0' });
  const b = new OmnibotMetrics({ version: '1.0.0' });
  a.webhookStored('event', false);
  t.equal(await sample(a, 'omnibot_webhooks_stored_total', { type: 'event' }), 1);
  t.equal(await sample(b, 'omnibot_webhooks_stored_total', { type: 'event' }), 0);
});

t.test('the histograms recorded on every webhook come out in Prometheus\' format, buckets cumulative', async (t) => {
  const m = new OmnibotMetrics({ version: '1.0.0' });
  m.http('GET', '/x/:id', 200, 0.003);
  m.http('GET', '/x/:id', 200, 0.004);
  m.http('GET', '/x/:id', 200, 20);
  m.http('GET', undefined, 404, 0.0001);
  m.http('GET', '/x/:id', 200, Number.NaN);
  const text = await m.text();
  const series = (labels: string) => text.split('\n').filter((line) => line.startsWith('omnibot_http_request_duration_seconds') && line.includes(labels));
  t.match(text, /^# TYPE omnibot_http_request_duration_seconds histogram$/m);
  t.match(text, /^# HELP omnibot_http_request_duration_seconds .+$/m);
  const lines = series('route="/x/:id"');
  t.ok(lines.includes('omnibot_http_request_duration_seconds_bucket{method="GET",route="/x/:id",status_code="200",le="0.0025"} 0'));
  t.ok(lines.includes('omnibot_http_request_duration_seconds_bucket{method="GET",route="/x/:id",status_code="200",le="0.005"} 2'));
  t.ok(lines.includes('omnibot_http_request_duration_seconds_bucket{method="GET",route="/x/:id",status_code="200",le="10"} 2'));
  t.ok(lines.includes('omnibot_http_request_duration_seconds_bucket{method="GET",route="/x/:id",status_code="200",le="+Inf"} 3'));
  t.ok(lines.includes('omnibot_http_request_duration_seconds_count{method="GET",route="/x/:id",status_code="200"} 3'), 'NaN is not counted');
  t.ok(lines.some((line) => /_sum\{method="GET",route="\/x\/:id",status_code="200"\} 20\.00\d+$/.test(line)));
  t.equal(series('route="unmatched"').length, 16, 'a route that matched nothing is one series: 13 bounds, +Inf, the sum and the count');
});

t.test('the pacer: calls waiting for their turn, how long they waited, and holds after a refusal', async (t) => {
  const { PacedSlackClient } = await import('../src/slack/pacer.js');
  const m = new OmnibotMetrics({ version: '1.0.0' });
  let release: () => void = () => {};
  let calls = 0;
  const client = {
    call: async () => {
      calls += 1;
      if (calls === 1) await new Promise<void>((resolve) => (release = resolve));
      if (calls === 2) throw Object.assign(new Error('rate limited'), { code: 'rate_limited', retryAfterSeconds: 0.05 });
      return { ok: true };
    },
  } as unknown as ConstructorParameters<typeof PacedSlackClient>[0];
  const pacer = new PacedSlackClient(client, { perChannelPerSecond: 1000, observer: m.pacer });
  t.teardown(() => pacer.close());
  const stop = m.watchPacer(() => pacer.pending);
  const posts = [1, 2, 3].map((i) => pacer.call('chat.postMessage', { channel: 'C1', text: String(i) }, 'xoxb-1').catch((e: Error) => e));
  await waitFor(() => calls === 1);
  t.equal(await sample(m, 'omnibot_slack_pacer_queued_calls'), 2, 'one in flight, two waiting');
  release();
  await Promise.all(posts);
  t.equal(await sample(m, 'omnibot_slack_pacer_queued_calls'), 0);
  t.equal(await sample(m, 'omnibot_slack_pacer_wait_seconds_count', { rate_class: 'post' }), 3);
  t.equal(await sample(m, 'omnibot_slack_pacer_holds_total', { method: 'chat.postMessage' }), 1);
  stop();
});
