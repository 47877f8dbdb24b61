import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { slackInteractive } from '../helpers/slack-requests.js';
import { streamReader } from '../helpers/stream.js';

const SERVICE = { 'x-envoy-internal': 'true', 'x-envoy-downstream-service-cluster': 'someservice' };
const ENVOY = { 'x-envoy-downstream-service-cluster': 'envoy' };
const ECHOBOT_SECRET = 'signing-secret-echobot';

const { app, fake, nats } = await buildTestApp(t);
const stream = await streamReader(t, nats.url);
fake.on('chat.postMessage', { ok: true, channel: 'C1', ts: '1.2' });

/** `levels` arrays one inside the other, as JSON text. */
const nested = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;

t.test('an action whose kwargs nest 5,000 levels deep: a 400, and Slack is not called', async (t) => {
  const calls = fake.calls.length;
  for (const url of ['/api/v2/slack/action/testteam/echobot', '/api/v1/slack/send_im/testteam/echobot/alice@example.com']) {
    const response = await app.inject({
      method: 'POST',
      url,
      payload: `{"action":"chat.postMessage","kwargs":{"channel":"C1","blocks":${nested(5_000)}}}`,
      headers: { ...SERVICE, 'content-type': 'application/json' },
    });
    t.equal(response.statusCode, 400, url);
    t.match(response.json(), { ok: false, error: /nested deeper than 128 levels/, code: 'OMNIBOT_JSON_TOO_DEEP' });
  }
  t.equal(fake.calls.length, calls);
  const fine = await app.inject({
    method: 'POST',
    url: '/api/v2/slack/action/testteam/echobot',
    payload: `{"action":"chat.postMessage","kwargs":{"channel":"C1","blocks":${nested(100)}}}`,
    headers: { ...SERVICE, 'content-type': 'application/json' },
  });
  t.equal(fine.statusCode, 200, '100 levels are fine');
  t.equal(fake.callsTo('chat.postMessage').at(-1)?.params.blocks, nested(100), 'and reach Slack as sent');
});

t.test('an interactive payload nested 5,000 levels deep: a 400 with X-Slack-No-Retry', async (t) => {
  const component = { type: 'block_actions', token: 'verify-echobot', team: { id: 'T12345678' }, api_app_id: 'A12345678', actions: [{ action_id: 'x', block_id: 'block-1' }] };
  const request = slackInteractive(component, ECHOBOT_SECRET);
  const deepRequest = slackInteractive({ ...component, state: 'PLACEHOLDER' }, ECHOBOT_SECRET);
  const payload = deepRequest.payload.replace(encodeURIComponent('"PLACEHOLDER"'), encodeURIComponent(nested(5_000)));
  const response = await app.inject({ method: 'POST', url: '/api/v1/slack/interactive', payload, headers: { ...request.headers, ...ENVOY } });
  t.equal(response.statusCode, 400);
  t.match(response.json(), { status: 'failure', error: /payload field is JSON nested deeper than 128 levels/ });
  t.equal(response.headers['x-slack-no-retry'], '1');
});

t.test('an event nested 5,000 levels deep is stored as Slack sent it (the worker dead-letters it at once)', async (t) => {
  const event = { token: 'verify-pingbot', team_id: 'T12345678', api_app_id: 'AABCDEF12', event_id: 'EvDEEP0001', event: { type: 'message', blocks: 'PLACEHOLDER' } };
  const body = JSON.stringify(event).replace('"PLACEHOLDER"', nested(5_000));
  // pingbot has no signing secret: its verification token is the check, so the body needs no signature.
  const response = await app.inject({ method: 'POST', url: '/api/v1/slack/event', payload: body, headers: { 'content-type': 'application/json', ...ENVOY } });
  t.equal(response.statusCode, 200);
  t.ok((await stream.messages()).some((message) => message.headers['Nats-Msg-Id'] === 'EvDEEP0001'), 'stored');
});
