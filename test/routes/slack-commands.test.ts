import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { slackForm, slackInteractive } from '../helpers/slack-requests.js';
import { streamReader } from '../helpers/stream.js';

const ENVOY = { 'x-envoy-downstream-service-cluster': 'envoy' };
const ECHOBOT_SECRET = 'signing-secret-echobot';

const { app, nats, fake } = await buildTestApp(t);
const stream = await streamReader(t, nats.url);
fake.on('dialog.open', { ok: true });
fake.on('users.info', (call) => ({ ok: true, user: { id: call.params.user, name: 'spengler', profile: { display_name: 'egon' } } }));
fake.on('conversations.info', (call) => ({ ok: true, channel: { id: call.params.channel, name: 'ghostbusters' } }));

let triggers = 0;
const trigger = (): string => `13345224609.738474920.${(triggers += 1)}`;

function command(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    token: 'verify-echobot',
    team_id: 'T12345678',
    team_domain: 'testteam',
    channel_id: 'C2147483705',
    channel_name: 'test',
    user_id: 'U2147483697',
    user_name: 'Steve',
    command: '/echo',
    text: 'hello <@U2147483697>',
    api_app_id: 'A12345678',
    response_url: 'https://hooks.slack.com/commands/1234/5678',
    trigger_id: trigger(),
    ...overrides,
  };
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** `null`: unsigned, as an app with only a verification token is called. */
async function postCommand(fields: Record<string, string>, secret: string | null = ECHOBOT_SECRET) {
  const request = slackForm(fields, secret ?? undefined);
  return app.inject({ method: 'POST', url: '/api/v1/slack/slash_command', payload: request.payload, headers: { ...ENVOY, ...request.headers } });
}

async function postComponent(payload: Record<string, unknown>, secret: string | null = ECHOBOT_SECRET) {
  const request = slackInteractive(payload, secret ?? undefined);
  return app.inject({ method: 'POST', url: '/api/v1/slack/interactive', payload: request.payload, headers: { ...ENVOY, ...request.headers } });
}

async function storedWith(id: string) {
  return (await stream.messages()).find((m) => m.headers['Nats-Msg-Id'] === id);
}

t.test('slash command: omnibot\'s checks and strings', async (t) => {
  const cases: Array<[string, Record<string, string>, string | null, number, unknown]> = [
    ['no token', command({ token: undefined }), ECHOBOT_SECRET, 403, 'No verification token in slash command.'],
    ['no team', command({ team_id: undefined }), ECHOBOT_SECRET, 403, 'No team_id in slash command.'],
    ['unknown team', command({ team_id: 'TNOPE' }), ECHOBOT_SECRET, 403, 'Unsupported team'],
    ['no app matches', command({ token: 'forged', api_app_id: 'AUNKNOWN' }), ECHOBOT_SECRET, 403, 'Token sent with slash command does not match any configured app.'],
    ['another team\'s app', command({ token: 'verify-echobot', api_app_id: undefined, team_id: 'TABCDEF12' }), ECHOBOT_SECRET, 403, 'Token sent with slash command does not match team in event.'],
    ['the app\'s token is wrong', command({ token: 'forged' }), ECHOBOT_SECRET, 403, 'Token sent with slash command does not match any configured app.'],
    ['unsigned, for an app with a signing secret', command(), null, 401, 'Invalid request signature.'],
  ];
  for (const [name, fields, secret, status, error] of cases) {
    const response = await postCommand(fields, secret);
    t.equal(response.statusCode, status, name);
    t.same(response.json(), { status: 'failure', error }, name);
    t.equal(response.headers['x-slack-no-retry'], '1', `${name}: no retry`);
  }
});

t.test('slash command without a handler: omnibot\'s ephemeral text', async (t) => {
  const response = await postCommand(command({ command: '/unknown' }));
  t.same([response.statusCode, response.json()], [
    200,
    { response_type: 'ephemeral', text: 'This slash command does not have any omnibot handler associated with it.' },
  ]);
});

t.test('slash command with callbacks: queued with omnibot_bot_id, answered in_channel', async (t) => {
  const fields = command();
  const response = await postCommand(fields);
  t.same([response.statusCode, response.json()], [200, { response_type: 'in_channel' }]);
  const stored = await storedWith(fields.trigger_id ?? '');
  t.equal(stored?.subject, 'omnibot.slash_command.testteam.echobot');
  t.equal(stored?.headers['Omnibot-Type'], 'slash_command');
  const { token: _token, ...withoutToken } = fields;
  t.same(stored?.body, { event: { ...withoutToken, omnibot_bot_id: 'A12345678' } }, 'the form as sent, without the verification token');
  const again = await postCommand(fields);
  t.equal(again.statusCode, 200);
  t.equal((await stream.messages()).filter((m) => m.headers['Nats-Msg-Id'] === fields.trigger_id).length, 1, 'a retry is stored once');
});

t.test('slash command answers: canned, ephemeral without text, verification token only', async (t) => {
  const canned = await postCommand(command({ command: '/canned' }));
  t.same(canned.json(), { text: 'Working on it...', response_type: 'ephemeral' });
  const quiet = await postCommand(command({ command: '/quiet' }));
  t.equal(quiet.statusCode, 200);
  t.equal(quiet.body, '', 'an empty 200: Slack shows an error for an ephemeral reply without text');
  const pingbot = await postCommand(command({ command: '/canned', token: 'verify-pingbot', api_app_id: 'AABCDEF12' }), null);
  t.equal(pingbot.statusCode, 200, 'an app without a signing secret is checked by its token');
});

t.test('slash command with a dialog and no callbacks: dialog opened with the trigger id, nothing queued', async (t) => {
  const fields = command({ command: '/dialog' });
  const opened = fake.callsTo('dialog.open').length;
  const response = await postCommand(fields);
  t.equal(response.statusCode, 200);
  const call = fake.callsTo('dialog.open')[opened];
  t.equal(call?.params.trigger_id, fields.trigger_id);
  t.equal(call?.token, 'xoxb-echobot');
  t.match(JSON.parse(call?.params.dialog ?? '{}'), { callback_id: 'echo_dialog_1', title: 'Echo dialog' });
  t.equal(await storedWith(fields.trigger_id ?? ''), undefined, 'no callbacks: not queued');
});

function component(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'interactive_message',
    token: 'verify-echobot',
    api_app_id: 'A12345678',
    callback_id: 'echo_dialog_1',
    team: { id: 'T12345678', domain: 'testteam' },
    user: { id: 'U045VRZFT', name: 'brautigan' },
    channel: { id: 'C065W1189', name: 'forgotten-works' },
    action_ts: '1458170917.164398',
    trigger_id: trigger(),
    response_url: 'https://hooks.slack.com/actions/T47563693/6204672533/x',
    ...overrides,
  };
}

t.test('interactive: the payload field and its type', async (t) => {
  const missing = await app.inject({ method: 'POST', url: '/api/v1/slack/interactive', payload: 'other=1', headers: { ...ENVOY, 'content-type': 'application/x-www-form-urlencoded' } });
  t.equal(missing.statusCode, 400);
  t.match(missing.json(), { status: 'failure', error: String });
  const garbage = await app.inject({ method: 'POST', url: '/api/v1/slack/interactive', payload: 'payload=%7Bnot-json', headers: { ...ENVOY, 'content-type': 'application/x-www-form-urlencoded' } });
  t.equal(garbage.statusCode, 400);
  t.equal(garbage.headers['x-slack-no-retry'], '1');
  const unsupported = await postComponent(component({ type: 'workflow_step_edit' }));
  t.same([unsupported.statusCode, unsupported.json()], [400, { status: 'failure', error: 'Unsupported type=workflow_step_edit in interactive component.' }]);
});

t.test('interactive: omnibot\'s checks', async (t) => {
  const cases: Array<[string, Record<string, unknown>, number, string]> = [
    ['no token', component({ token: undefined }), 403, 'No verification token in interactive component.'],
    ['no team anywhere', component({ team: undefined }), 403, 'No team id found in interactive component'],
    ['unknown team', component({ team: { id: 'TNOPE' } }), 403, 'Unsupported team'],
    ['no app matches', component({ token: 'forged', api_app_id: undefined }), 403, 'Token sent with interactive component does not match any configured app.'],
    ['another team\'s app', component({ api_app_id: undefined, team: { id: 'TABCDEF12' } }), 403, 'Token sent with interactive component does not match team in event.'],
    ['block_actions without actions', component({ type: 'block_actions', actions: [] }), 400, 'No actions in block_actions interactive component.'],
  ];
  for (const [name, payload, status, error] of cases) {
    const response = await postComponent(payload);
    t.equal(response.statusCode, status, name);
    t.same(response.json(), { status: 'failure', error }, name);
  }
  const unsigned = await postComponent(component(), null);
  t.equal(unsigned.statusCode, 401);
});

t.test('interactive: the team id as omnibot finds it', async (t) => {
  const enterprise = component({
    is_enterprise_install: true,
    team: null,
    original_message: { team: 'T12345678', text: 'hi' },
    user: { id: 'U1', team_id: 'TOTHER' },
  });
  const response = await postComponent(enterprise);
  t.equal(response.statusCode, 200, 'enterprise: original_message.team first');
  const stored = await storedWith(String(enterprise.trigger_id));
  t.same(stored?.body.event.team, { id: 'T12345678' }, 'the team is injected when absent');
  const byUser = component({ is_enterprise_install: true, team: null, user: { id: 'U1', team_id: 'T12345678' } });
  t.equal((await postComponent(byUser)).statusCode, 200, 'enterprise: else user.team_id');
  const byMessage = component({ team: { domain: 'x' }, original_message: { team: 'T12345678' } });
  t.equal((await postComponent(byMessage)).statusCode, 200, 'others: else original_message.team');
  t.same((await storedWith(String(byMessage.trigger_id)))?.body.event.team, { domain: 'x', id: 'T12345678' });
});

t.test('interactive: every type, routed by its callback id', async (t) => {
  const cases: Array<[string, Record<string, unknown>, number, unknown]> = [
    ['interactive_message', component(), 200, { response_type: 'in_channel' }],
    ['message_action', component({ type: 'message_action' }), 200, { response_type: 'in_channel' }],
    ['shortcut', component({ type: 'shortcut' }), 200, { response_type: 'in_channel' }],
    ['dialog_submission', component({ type: 'dialog_submission', submission: { echo_element: 'x' } }), 200, ''],
    ['block_actions by block_id', component({ type: 'block_actions', callback_id: undefined, actions: [{ block_id: 'block-1', action_id: 'a' }] }), 200, { text: 'Got it.', response_type: 'ephemeral' }],
    ['view_submission by view.callback_id', component({ type: 'view_submission', callback_id: undefined, view: { callback_id: 'echo_dialog_1' } }), 200, ''],
    ['view_closed by view.callback_id', component({ type: 'view_closed', callback_id: undefined, view: { callback_id: 'echo_dialog_1' } }), 200, ''],
    ['no_message_response', component({ callback_id: 'quiet_action' }), 200, ''],
  ];
  for (const [name, payload, status, body] of cases) {
    const response = await postComponent(payload);
    t.equal(response.statusCode, status, name);
    t.same(body === '' ? response.body : response.json(), body, name);
    const stored = await storedWith(String(payload.trigger_id));
    t.equal(stored?.subject, 'omnibot.interactive_component.testteam.echobot', `${name}: queued`);
    t.equal(stored?.body.event.omnibot_bot_id, 'A12345678', `${name}: with omnibot_bot_id`);
  }
  const unknown = await postComponent(component({ callback_id: 'nobody-handles-this' }));
  t.same(unknown.json(), { response_type: 'ephemeral', text: 'This interactive component does not have any omnibot handler associated with it.' });
});

t.test('interactive: a dialog opens with the trigger id; nothing queued without callbacks', async (t) => {
  const payload = component({ type: 'message_action', callback_id: 'echo_action_test' });
  const opened = fake.callsTo('dialog.open').length;
  const response = await postComponent(payload);
  t.same([response.statusCode, response.json()], [200, { response_type: 'in_channel' }]);
  t.equal(fake.callsTo('dialog.open')[opened]?.params.trigger_id, payload.trigger_id);
  t.equal(await storedWith(String(payload.trigger_id)), undefined);
});

t.test('interactive: a synchronous callback runs now and answers Slack', async (t) => {
  const payload = component({ type: 'view_submission', callback_id: undefined, view: { callback_id: 'modal-with-inputs', state: { values: {} } } });
  const response = await postComponent(payload);
  t.equal(response.statusCode, 200);
  t.same(response.json(), {
    response_action: 'errors',
    errors: { echo_element: 'hello U045VRZFT from echobot (modal-with-inputs)' },
    parsed_user_name: 'spengler',
  });
  t.equal(await storedWith(String(payload.trigger_id)), undefined, 'answered, not queued');
});
