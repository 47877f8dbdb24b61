import t, { type Test } from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { slackForm, slackInteractive } from '../helpers/slack-requests.js';
import { streamReader } from '../helpers/stream.js';

const ENVOY = { 'x-envoy-downstream-service-cluster': 'envoy' };
const ECHOBOT_SECRET = 'signing-secret-echobot';

const { app, nats, fake } = await buildTestApp(t);
fake.on('dialog.open', { ok: true });
const stream = await streamReader(t, nats.url);

async function storedWithout(t: Test, msgId: string, token: string): Promise<Record<string, unknown> | undefined> {
  const message = (await stream.messages()).find((m) => m.headers['Nats-Msg-Id'] === msgId);
  t.ok(message, `${msgId} is stored`);
  t.notOk(message && 'token' in message.body.event, `${msgId}: no token field`);
  t.notOk(message && JSON.stringify(message.body).includes(token), `${msgId}: the token appears nowhere`);
  return message?.body.event;
}

t.test('events are stored without the verification token, whatever the JSON\'s shape', async (t) => {
  const bodies: Array<[string, string]> = [
    ['EvTOKEN001', '{"token":"verify-pingbot","team_id":"T12345678","api_app_id":"AABCDEF12","event_id":"EvTOKEN001","event":{"type":"message","text":"hi"}}'],
    ['EvTOKEN002', '{"team_id":"T12345678","api_app_id":"AABCDEF12","token":"verify-pingbot","event_id":"EvTOKEN002","event":{"type":"message"}}'],
    ['EvTOKEN003', '{ "token" : "verify-pingbot", "team_id": "T12345678", "api_app_id": "AABCDEF12", "event_id": "EvTOKEN003", "event": {"type": "message"} }'],
  ];
  for (const [eventId, body] of bodies) {
    // pingbot has a verification token and no signing secret: the token is its check.
    const response = await app.inject({ method: 'POST', url: '/api/v1/slack/event', payload: body, headers: { ...ENVOY, 'content-type': 'application/json' } });
    t.equal(response.statusCode, 200, eventId);
    const stored = await storedWithout(t, eventId, 'verify-pingbot');
    const { token: _token, ...expected } = JSON.parse(body) as Record<string, unknown>;
    t.same(stored, expected, `${eventId}: everything else as sent`);
  }
});

t.test('slash commands and interactive components are stored without it too', async (t) => {
  const command = slackForm(
    { token: 'verify-echobot', team_id: 'T12345678', api_app_id: 'A12345678', command: '/echo', text: 'x', channel_id: 'C1', user_id: 'U1', response_url: 'https://hooks.slack.com/x', trigger_id: 'trigger-token-1' },
    ECHOBOT_SECRET,
  );
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/slack/slash_command', payload: command.payload, headers: { ...ENVOY, ...command.headers } })).statusCode, 200);
  t.match(await storedWithout(t, 'trigger-token-1', 'verify-echobot'), { command: '/echo', omnibot_bot_id: 'A12345678' });

  const component = slackInteractive(
    { type: 'block_actions', token: 'verify-echobot', team: { id: 'T12345678' }, api_app_id: 'A12345678', trigger_id: 'trigger-token-2', actions: [{ block_id: 'block-1', action_id: 'a' }] },
    ECHOBOT_SECRET,
  );
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/slack/interactive', payload: component.payload, headers: { ...ENVOY, ...component.headers } })).statusCode, 200);
  t.match(await storedWithout(t, 'trigger-token-2', 'verify-echobot'), { type: 'block_actions', omnibot_bot_id: 'A12345678' });
});
