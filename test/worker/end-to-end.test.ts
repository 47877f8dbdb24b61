import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { startCallbackService } from '../helpers/callback-service.js';
import { slackForm, slackJson } from '../helpers/slack-requests.js';
import { streamReader } from '../helpers/stream.js';
import { eventually, waitFor } from '../helpers/wait.js';

const SECRET = 'signing-secret-echobot';
const POSTS_PER_SECOND = 20;

const service = await startCallbackService();
t.teardown(() => service.close());

const http = (path: string) => `
      callbacks:
        - module: "omnibot.callbacks.network_callbacks:http_callback"
          kwargs:
            request_kwargs:
              url: "${service.url}${path}"
              timeout: 10`;

const yaml = `
authorization:
  checks:
    - module: "omnibot.authnz:allowed_paths"
      kwargs:
        paths: ["/api/v1/slack/"]
teams:
  "testteam": "T12345678"
bots:
  "testteam":
    "echobot": "A12345678"
handlers:
  message_handlers:
    - match: "deploy"
      match_type: "command"
      description: "Deploys things."
      bots: { "testteam": ["echobot"] }${http('/deploy')}
    - match: "burst"
      match_type: "command"
      bots: { "testteam": ["echobot"] }${http('/burst')}
    - match: "fail"
      match_type: "command"
      bots: { "testteam": ["echobot"] }${http('/fail')}
  slash_command_handlers:
    - command: "/echo"
      response_type: "in_channel"
      bots: { "testteam": ["echobot"] }${http('/slash')}
`;

const { app, fake, nats } = await buildTestApp(t, {
  yaml,
  roles: { http: true, worker: true },
  env: {
    WEBHOOK_WORKER_MAX_DELIVER: '3',
    WEBHOOK_WORKER_RETRY_BASE_MS: '50',
    WEBHOOK_WORKER_ACK_WAIT_SECONDS: '5',
    SLACK_POSTS_PER_CHANNEL_PER_SECOND: String(POSTS_PER_SECOND),
  },
});
const stream = await streamReader(t, nats.url);
// Every change of the app's own NATS connection: a request or a message must never cause one.
const connectionEvents: string[] = [];
void (async () => {
  for await (const status of app.nats.status()) connectionEvents.push(status.type);
})();

fake.on('auth.test', { ok: true, user_id: 'UBOT', bot_id: 'BBOT', user: 'echobot', team_id: 'T12345678' });
const people: Record<string, object> = {
  UBOT: { id: 'UBOT', name: 'echobot', is_bot: true, profile: { display_name: '' } },
  U1: { id: 'U1', name: 'alice', profile: { display_name: 'alice', email: 'alice@example.com' } },
};
fake.on('users.info', (call) => ({ ok: true, user: people[call.params.user ?? ''] ?? { id: call.params.user, name: 'someone' } }));
fake.on('conversations.info', (call) => ({ ok: true, channel: { id: call.params.channel, name: 'general', is_channel: true } }));
fake.on('chat.postMessage', (call) => ({ ok: true, channel: call.params.channel, ts: `${Date.now() / 1000}` }));
// Slack's own limit, so that a 429 here means our pacing failed: one post per channel per 1/rate s.
fake.rateLimit('chat.postMessage', (1000 / POSTS_PER_SECOND) * 0.9, (call) => call.params.channel ?? '');

let events = 0;
function message(text: string, extra: Record<string, unknown> = {}) {
  events += 1;
  const ts = `${Math.floor(Date.now() / 1000)}.${String(events).padStart(6, '0')}`;
  return {
    token: 'verify-echobot',
    team_id: 'T12345678',
    api_app_id: 'A12345678',
    type: 'event_callback',
    event_id: `EvE2E${events}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'message', channel: 'C1', user: 'U1', text, ts, event_ts: ts, channel_type: 'channel', ...extra },
  };
}

async function send(payload: object) {
  const request = slackJson(payload, SECRET);
  const response = await app.inject({ method: 'POST', url: '/api/v1/slack/event', payload: request.payload, headers: request.headers });
  t.equal(response.statusCode, 200, 'the webhook is accepted');
}



t.test('a directed command reaches its callback; its actions reach Slack in the thread, as the bot', async (t) => {
  service.on('/deploy', () => ({ json: { actions: [{ action: 'chat.postMessage', kwargs: { text: 'deploying @alice', omnibot_parse: { text: ['users'] } } }] } }));
  const event = message('<@UBOT> deploy the thing');
  const posts = fake.callsTo('chat.postMessage').length;
  await send(event);
  await waitFor(() => service.callsTo('/deploy').length === 1);
  const payload = service.callsTo('/deploy')[0]?.body;
  t.match(payload, {
    omnibot_payload_type: 'message',
    bot: { name: 'echobot', bot_id: 'A12345678' },
    team: { name: 'testteam', team_id: 'T12345678' },
    user: 'U1',
    text: '<@UBOT> deploy the thing',
    channel_id: 'C1',
    directed: true,
    command_text: 'deploy the thing',
    ts: event.event.ts,
    match_type: 'command',
    match: 'deploy',
  });
  t.match(payload?.parsed_text, /^@echobot deploy the thing$/);
  await waitFor(() => fake.callsTo('chat.postMessage').length === posts + 1);
  const post = fake.callsTo('chat.postMessage').at(-1);
  t.equal(post?.params.channel, 'C1', 'the message\'s channel');
  t.equal(post?.params.thread_ts, event.event.ts, 'in the message\'s thread');
  t.equal(post?.params.text, 'deploying <@U1|alice>');
  t.equal(post?.token, 'xoxb-echobot');
});

t.test('a message mentioning <@U + 4,200 characters>: handled once, and the NATS connection untouched', async (t) => {
  const longId = `U${'A'.repeat(4_200)}`;
  const calls = service.callsTo('/deploy').length;
  service.on('/deploy', () => ({ json: {} }));
  const lookups = fake.callsTo('users.info').length;
  await send(message(`<@UBOT> deploy for <@${longId}>`));
  await waitFor(() => service.callsTo('/deploy').length === calls + 1);
  const payload = service.callsTo('/deploy').at(-1)?.body as { users?: Record<string, unknown>; text?: string };
  t.match(payload?.text, longId, 'the callback got the message as sent');
  t.notOk(fake.callsTo('users.info').some((call) => call.params.user === longId), 'no lookup of an id Slack could not have made');
  t.ok(fake.callsTo('users.info').length >= lookups, 'other lookups as before');
  t.same(connectionEvents.filter((type) => type === 'disconnect' || type === 'error'), [], 'no disconnect, no server error');
  t.equal((await stream.messages('OMNIBOT_DLQ')).length, 0, 'not dead-lettered');
});

t.test('a burst of 20 replies to one channel arrives, in order, without a 429', async (t) => {
  const texts = Array.from({ length: 20 }, (_, i) => `reply ${i + 1}`);
  service.on('/burst', () => ({ json: { actions: texts.map((text) => ({ action: 'chat.postMessage', kwargs: { text } })) } }));
  const before = fake.callsTo('chat.postMessage').length;
  await send(message('<@UBOT> burst'));
  await waitFor(() => fake.callsTo('chat.postMessage').length === before + 20, 20_000);
  t.same(fake.callsTo('chat.postMessage').slice(before).map((c) => c.params.text), texts, 'all 20, in order');
  t.equal(fake.rateLimited.length, 0, 'Slack never had to refuse one');
});

t.test('a callback failing every time: the message is dead-lettered after max_deliver, with the error', async (t) => {
  service.on('/fail', () => ({ status: 400, json: { error: 'nope' } }));
  const event = message('<@UBOT> fail please');
  await send(event);
  await waitFor(() => service.callsTo('/fail').length >= 3);
  const dead = await eventually(async () => {
    const messages = await stream.messages('OMNIBOT_DLQ');
    return messages.length > 0 ? messages : undefined;
  });
  t.equal(service.callsTo('/fail').length, 3, 'tried max_deliver times');
  t.equal(dead[0]?.headers['Omnibot-Original-Subject'], 'omnibot.event.testteam.echobot');
  t.equal(dead[0]?.headers['Omnibot-Delivery-Count'], '3');
  t.match(dead[0]?.headers['Omnibot-Last-Error'], /400/);
  t.equal((dead[0]?.body.event as { event_id?: string }).event_id, event.event_id);
});

t.test('slash command responses are posted to its response_url with the handler\'s response_type', async (t) => {
  service.on('/slash', () => ({ json: { responses: [{ text: 'pong' }, { text: 'private', response_type: 'ephemeral' }] } }));
  const fields = {
    token: 'verify-echobot',
    team_id: 'T12345678',
    api_app_id: 'A12345678',
    channel_id: 'C1',
    user_id: 'U1',
    command: '/echo',
    text: 'ping',
    response_url: `${service.url}/response`,
    trigger_id: 'trigger-e2e-1',
  };
  const request = slackForm(fields, SECRET);
  const response = await app.inject({ method: 'POST', url: '/api/v1/slack/slash_command', payload: request.payload, headers: request.headers });
  t.same(response.json(), { response_type: 'in_channel' });
  await waitFor(() => service.callsTo('/response').length === 2);
  t.same(service.callsTo('/response').map((r) => r.body), [
    { text: 'pong', response_type: 'in_channel' },
    { text: 'private', response_type: 'ephemeral' },
  ]);
  t.match(service.callsTo('/slash')[0]?.body, { omnibot_payload_type: 'slash_command', command: '/echo', text: 'ping' });
});
