import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

const SERVICE = { 'x-envoy-internal': 'true', 'x-envoy-downstream-service-cluster': 'someservice' };

const users = [
  { id: 'UAL', name: 'al', profile: { email: 'al@example.com', display_name: 'al' } },
  { id: 'UALICE', name: 'alice', profile: { email: 'alice@example.com', display_name: 'alice' } },
  { id: 'UGONE', name: 'gone', deleted: true, profile: { email: 'gone@example.com', display_name: 'gone' } },
];
const channels = [{ id: 'C4VQ6NUNN', name: 'general' }];

const { app, fake } = await buildTestApp(t);
fake.setList('users.list', 'members', users, 2);
fake.on('users.lookupByEmail', (call) => {
  const user = users.find((u) => u.profile.email === call.params.email);
  return user ? { ok: true, user } : { ok: false, error: 'users_not_found' };
});
fake.on('chat.postMessage', (call) => ({ ok: true, channel: call.params.channel, ts: '1523557397.000335', message: { text: call.params.text } }));

/** conversations.list answers channels or IMs, as the types asked for. */
const ims = [{ id: 'DALICE', is_im: true, user: 'UALICE' }];
fake.on('conversations.list', (call) => ({ ok: true, channels: call.params.types === 'im' ? ims : channels, response_metadata: { next_cursor: '' } }));

function post(url: string, payload: unknown) {
  return app.inject({ method: 'POST', url, payload: payload as object, headers: SERVICE });
}

t.test('POST /api/v2/slack/action: omnibot_parse applied, called as the bot, Slack\'s body returned', async (t) => {
  const response = await post('/api/v2/slack/action/testteam/echobot', {
    action: 'chat.postMessage',
    kwargs: {
      channel: 'general',
      text: '@alice and @al see #general and use @here',
      as_user: true,
      omnibot_parse: { text: ['channels', 'users', 'specials'] },
    },
  });
  t.equal(response.statusCode, 200);
  const call = fake.callsTo('chat.postMessage').at(-1);
  t.equal(call?.params.text, '<@UALICE|alice> and <@UAL|al> see <#C4VQ6NUNN|general> and use <!here|here>', 'the exact text Slack received');
  t.equal(call?.params.channel, 'general');
  t.equal(call?.params.as_user, 'true');
  t.equal(call?.params.omnibot_parse, undefined, 'omnibot_parse is not sent to Slack');
  t.equal(call?.token, 'xoxb-echobot');
  t.same(response.json(), { ok: true, channel: 'general', ts: '1523557397.000335', message: { text: call?.params.text } });
});

t.test('v1 serves the same action', async (t) => {
  const response = await post('/api/v1/slack/action/testteam/echobot', { action: 'chat.postMessage', kwargs: { channel: 'C1', text: 'plain' } });
  t.equal(response.statusCode, 200);
  t.equal(fake.callsTo('chat.postMessage').at(-1)?.params.text, 'plain', 'nothing parsed without omnibot_parse');
});

t.test('refused as the bot for a scope reason: tried again with the user token', async (t) => {
  for (const error of ['missing_scope', 'not_allowed_token_type', 'channel_not_found', 'not_in_channel']) {
    fake.failNext('chat.postMessage', { body: { ok: false, error } });
    const before = fake.callsTo('chat.postMessage').length;
    const response = await post('/api/v2/slack/action/testteam/echobot', { action: 'chat.postMessage', kwargs: { channel: 'C1', text: 'hi' } });
    t.equal(response.statusCode, 200, error);
    const calls = fake.callsTo('chat.postMessage').slice(before);
    t.same(calls.map((c) => c.token), ['xoxb-echobot', 'xoxp-echobot-user'], `${error}: bot, then user`);
  }
});

t.test('Slack\'s errors pass through as 400', async (t) => {
  fake.failNext('chat.postMessage', { body: { ok: false, error: 'invalid_blocks', response_metadata: { messages: ['[ERROR] bad'] } } });
  const before = fake.callsTo('chat.postMessage').length;
  const response = await post('/api/v2/slack/action/testteam/echobot', { action: 'chat.postMessage', kwargs: { channel: 'C1', blocks: [{ type: 'nope' }] } });
  t.equal(response.statusCode, 400);
  t.same(response.json(), { ok: false, error: 'invalid_blocks', response_metadata: { messages: ['[ERROR] bad'] } });
  t.equal(fake.callsTo('chat.postMessage').length, before + 1, 'not a reason to retry as the user');
  t.equal(fake.callsTo('chat.postMessage').at(-1)?.params.blocks, '[{"type":"nope"}]', 'arrays JSON-encoded, as Slack\'s SDK sends them');

  fake.failNext('chat.postMessage', { body: { ok: false, error: 'missing_scope' } });
  const noUserToken = await post('/api/v2/slack/action/testteam/pingbot', { action: 'chat.postMessage', kwargs: { channel: 'C1', text: 'x' } });
  t.same([noUserToken.statusCode, noUserToken.json()], [400, { ok: false, error: 'missing_scope' }], 'no user token: nothing to retry with');
});

t.test('omnibot\'s body errors, and method names that are not Slack methods', async (t) => {
  const missing = await post('/api/v2/slack/action/testteam/echobot', { kwargs: {} });
  t.same([missing.statusCode, missing.json()], [400, { ok: false, error: 'action not provided in payload' }]);
  const noKwargs = await post('/api/v2/slack/action/testteam/echobot', { action: 'chat.postMessage' });
  t.same([noKwargs.statusCode, noKwargs.json()], [400, { ok: false, error: 'kwargs not provided in payload' }]);
  const before = fake.calls.length;
  for (const name of ['../oauth.access', 'chat.postMessage/../../admin', 'http://evil.example/x', 'chat', '', 'chat.postMessage?token=x', 'chat..postMessage', 42]) {
    const response = await post('/api/v2/slack/action/testteam/echobot', { action: name, kwargs: {} });
    t.equal(response.statusCode, 400, `refused: ${JSON.stringify(name)}`);
    t.match(response.json(), { ok: false, error: /Slack Web API method name/ });
  }
  t.equal(fake.calls.length, before, 'Slack was never called');
  const badParse = await post('/api/v2/slack/action/testteam/echobot', { action: 'chat.postMessage', kwargs: { text: 'x', omnibot_parse: ['text'] } });
  t.same([badParse.statusCode, badParse.json().ok], [400, false]);
  const unknownBot = await post('/api/v2/slack/action/testteam/ghost', { action: 'chat.postMessage', kwargs: {} });
  t.same([unknownBot.statusCode, unknownBot.json()], [404, { error: 'provided bot name was not found.' }]);
});

t.test('POST /api/v1/slack/send_im: the user by email, the IM from the directory, then the action', async (t) => {
  const response = await post('/api/v1/slack/send_im/testteam/echobot/alice@example.com', { action: 'chat.postMessage', kwargs: { text: 'hi @al' , omnibot_parse: { text: ['users'] } } });
  t.equal(response.statusCode, 200);
  const call = fake.callsTo('chat.postMessage').at(-1);
  t.equal(call?.params.channel, 'DALICE', 'the channel is the IM');
  t.equal(call?.params.text, 'hi <@UAL|al>');
  t.equal(fake.callsTo('conversations.open').length, 0, 'known from the directory: no conversations.open');
});

t.test('send_im opens an IM the directory does not know', async (t) => {
  fake.on('conversations.open', (call) => ({ ok: true, channel: { id: `D${call.params.users}` } }));
  const response = await post('/api/v1/slack/send_im/testteam/echobot/al@example.com', { action: 'chat.postMessage', kwargs: { text: 'hello' } });
  t.equal(response.statusCode, 200);
  t.equal(fake.callsTo('conversations.open').at(-1)?.params.users, 'UAL');
  t.equal(fake.callsTo('chat.postMessage').at(-1)?.params.channel, 'DUAL');
  await post('/api/v1/slack/send_im/testteam/echobot/al@example.com', { action: 'chat.postMessage', kwargs: { text: 'again' } });
  t.equal(fake.callsTo('conversations.open').length, 1, 'the opened IM is remembered');
});

t.test('send_im errors carry team_name, bot_name and email', async (t) => {
  const cases: Array<[string, number, string]> = [
    ['/api/v1/slack/send_im/testteam/echobot/nobody@example.com', 404, 'unable to find slack user for given email.'],
    ['/api/v1/slack/send_im/testteam/echobot/gone@example.com', 404, 'unable to find slack user for given email.'],
    ['/api/v1/slack/send_im/ghosts/echobot/alice@example.com', 404, 'provided team name was not found.'],
    ['/api/v1/slack/send_im/testteam/ghost/alice@example.com', 404, 'provided bot name was not found.'],
  ];
  for (const [url, status, error] of cases) {
    const [, , , , , team_name, bot_name, email] = url.split('/');
    const response = await post(url, { action: 'chat.postMessage', kwargs: { text: 'x' } });
    t.equal(response.statusCode, status, url);
    t.same(response.json(), { error, team_name, bot_name, email }, url);
  }
  fake.on('conversations.open', { ok: false, error: 'cannot_dm_bot' });
  fake.on('users.lookupByEmail', { ok: true, user: { id: 'UNEW', name: 'new', profile: { email: 'new@example.com' } } });
  const noIm = await post('/api/v1/slack/send_im/testteam/echobot/new@example.com', { action: 'chat.postMessage', kwargs: { text: 'x' } });
  t.same([noIm.statusCode, noIm.json()], [404, { error: 'unable to find IM channel.', team_name: 'testteam', bot_name: 'echobot', email: 'new@example.com' }]);
});

t.test('Slack refusing a list omnibot_parse needs: a 502 naming Slack\'s error, not a 500', async (t) => {
  fake.failNext('users.list', { body: { ok: false, error: 'missing_scope' } });
  const response = await post('/api/v2/slack/action/testteam/pingbot', {
    action: 'chat.postMessage',
    kwargs: { channel: 'C1', text: '@nobody-known', omnibot_parse: { text: ['users'] } },
  });
  t.same([response.statusCode, response.json()], [502, { ok: false, error: 'slack request failed', code: 'missing_scope' }]);
});
