import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { slackJson } from '../helpers/slack-requests.js';
import { streamReader } from '../helpers/stream.js';

const SERVICE = { 'x-envoy-internal': 'true', 'x-envoy-downstream-service-cluster': 'someservice' };
const ENVOY = { 'x-envoy-downstream-service-cluster': 'envoy' };

const { app, fake, nats } = await buildTestApp(t);
const stream = await streamReader(t, nats.url);
const connectionEvents: string[] = [];
void (async () => {
  for await (const status of app.nats.status()) connectionEvents.push(status.type);
})();
fake.setList('users.list', 'members', [{ id: 'U1', name: 'alice', profile: { email: 'alice@example.com', display_name: 'alice' } }]);
fake.on('chat.postMessage', (call) => ({ ok: true, channel: call.params.channel, ts: '1.2', message: { text: call.params.text } }));

const longEmail = `${'a'.repeat(250)}@example.com`;

t.test('a path parameter longer than Slack allows is a 400 at once, before any lookup', async (t) => {
  const calls = fake.calls.length;
  const cases: Array<[string, 'GET' | 'POST', object]> = [
    [`/api/v1/slack/get_user/testteam/echobot/${longEmail}`, 'GET', { error: 'invalid request', message: String }],
    [`/api/v1/slack/get_user/nosuchteam/echobot/${longEmail}`, 'GET', { error: 'invalid request' }],
    [`/api/v1/slack/get_channel/testteam/echobot/${'c'.repeat(82)}`, 'GET', { error: 'invalid request' }],
    [`/api/v1/slack/send_im/testteam/echobot/${longEmail}`, 'POST', { ok: false, error: 'invalid request' }],
  ];
  for (const [url, method, body] of cases) {
    const response = await app.inject({ method, url, headers: SERVICE, ...(method === 'POST' ? { payload: { action: 'chat.postMessage', kwargs: {} } } : {}) });
    t.equal(response.statusCode, 400, url.slice(0, 60));
    t.match(response.json(), body);
  }
  const ok = await app.inject({ method: 'GET', url: `/api/v1/slack/get_channel/testteam/echobot/%23${'c'.repeat(80)}`, headers: SERVICE });
  t.not(ok.statusCode, 400, 'an 80-character name after # is within the bound');
  t.equal(fake.calls.filter((call) => call.method !== 'conversations.list').length, calls, 'nothing was looked up');
});

t.test('omnibot_parse with a name longer than Slack allows: left as written, never looked up', async (t) => {
  const text = `hi @${'n'.repeat(5_000)} and @alice`;
  const response = await app.inject({
    method: 'POST',
    url: '/api/v2/slack/action/testteam/echobot',
    payload: { action: 'chat.postMessage', kwargs: { channel: 'C1', text, omnibot_parse: { text: ['users'] } } },
    headers: SERVICE,
  });
  t.equal(response.statusCode, 200);
  t.equal(fake.callsTo('chat.postMessage').at(-1)?.params.text, `hi @${'n'.repeat(5_000)} and <@U1|alice>`);
});

t.test('Slack\'s retry headers are stored only when they look like Slack\'s', async (t) => {
  const send = async (eventId: string, headers: Record<string, string>) => {
    const request = slackJson({ token: 'verify-pingbot', team_id: 'T12345678', api_app_id: 'AABCDEF12', event_id: eventId, event: { type: 'message' } });
    const response = await app.inject({ method: 'POST', url: '/api/v1/slack/event', payload: request.payload, headers: { ...request.headers, ...ENVOY, ...headers } });
    t.equal(response.statusCode, 200);
  };
  await send('EvBOUND001', { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' });
  await send('EvBOUND002', { 'x-slack-retry-num': '9'.repeat(5_000), 'x-slack-retry-reason': `x${' and more'.repeat(1_000)}` });
  const stored = await stream.messages();
  const byId = (id: string) => stored.find((message) => message.headers['Nats-Msg-Id'] === id)?.headers;
  t.match(byId('EvBOUND001'), { 'X-Slack-Retry-Num': '2', 'X-Slack-Retry-Reason': 'http_timeout' });
  t.equal(byId('EvBOUND002')?.['X-Slack-Retry-Num'], undefined);
  t.equal(byId('EvBOUND002')?.['X-Slack-Retry-Reason'], undefined);
});

t.test('the app\'s NATS connection never dropped', async (t) => {
  t.same(connectionEvents.filter((type) => type === 'disconnect' || type === 'error'), []);
});
