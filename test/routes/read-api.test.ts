import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { TEST_CREDENTIALS } from '../helpers/env.js';

/** What envoy adds for an internal caller bound to the read and write permissions. */
const SERVICE = { 'x-envoy-internal': 'true', 'x-envoy-downstream-service-cluster': 'someservice' };

const alice = { id: 'U1', name: 'alice.smith', profile: { email: 'alice@example.com', display_name: 'Alice' } };
const bob = { id: 'U2', name: 'bob', profile: { email: 'bob@example.com', display_name: '' } };
const general = { id: 'C4VQ6NUNN', name: 'general', is_channel: true, is_general: true, num_members: 9, topic: { value: 'test123' } };

const { app, fake, logs } = await buildTestApp(t);
fake.on('users.lookupByEmail', (call) => {
  const user = [alice, bob].find((u) => u.profile.email === call.params.email);
  return user ? { ok: true, user } : { ok: false, error: 'users_not_found' };
});
fake.setList('conversations.list', 'channels', [general], 100);

t.test('GET /healthcheck answers 200 to anyone', async (t) => {
  const response = await app.inject({ method: 'GET', url: '/healthcheck' });
  t.equal(response.statusCode, 200);
  t.equal(response.body, 'OK');
});

t.test('authorization checks guard every other route', async (t) => {
  const cases: Array<[string, Record<string, string>, number]> = [
    ['no headers', {}, 403],
    ['internal but no service identity', { 'x-envoy-internal': 'true' }, 403],
    ['a service but not internal', { 'x-envoy-downstream-service-cluster': 'someservice' }, 403],
    ['an unbound service', { 'x-envoy-internal': 'true', 'x-envoy-downstream-service-cluster': 'stranger' }, 403],
    ['a bound service matched by regex', { 'x-envoy-internal': 'true', 'x-envoy-downstream-service-cluster': 'readonly-reports' }, 200],
    ['someservice', SERVICE, 200],
  ];
  for (const [name, headers, status] of cases) {
    const response = await app.inject({ method: 'GET', url: '/api/v1/slack/get_team/testteam', headers });
    t.equal(response.statusCode, status, name);
    if (status === 403) t.match(response.json(), { error: String }, `${name}: a JSON error`);
  }
  const unknown = await app.inject({ method: 'GET', url: '/api/v1/slack/nope', headers: {} });
  t.equal(unknown.statusCode, 404, 'an unknown path is a 404, not a 403');
});

t.test('GET /api/v1/slack/get_team/:team_name', async (t) => {
  const found = await app.inject({ method: 'GET', url: '/api/v1/slack/get_team/testteam', headers: SERVICE });
  t.equal(found.statusCode, 200);
  t.same(found.json(), { team_id: 'T12345678' });
  const missing = await app.inject({ method: 'GET', url: '/api/v1/slack/get_team/ghosts', headers: SERVICE });
  t.equal(missing.statusCode, 404);
  t.same(missing.json(), { error: 'provided team_name is not configured.' });
});

t.test('GET /api/v1/slack/get_user/:team_name/:bot_name/:email', async (t) => {
  const found = await app.inject({ method: 'GET', url: '/api/v1/slack/get_user/testteam/echobot/alice@example.com', headers: SERVICE });
  t.equal(found.statusCode, 200);
  const summary = { email: 'alice@example.com', name: 'Alice', team_id: 'T12345678', user_id: 'U1' };
  t.same(found.json(), { ...summary, user: summary }, 'the fields at the top level and under user');
  t.equal(fake.callsTo('users.lookupByEmail').at(-1)?.token, 'xoxb-echobot', 'asked Slack as the bot');

  const encoded = await app.inject({ method: 'GET', url: '/api/v1/slack/get_user/testteam/echobot/bob%40example.com', headers: SERVICE });
  t.equal(encoded.json().name, 'bob', 'a percent-encoded email works; no display name: the user name');

  const cases: Array<[string, string]> = [
    ['/api/v1/slack/get_user/testteam/echobot/nobody@example.com', 'user not found'],
    ['/api/v1/slack/get_user/ghosts/echobot/alice@example.com', 'provided team name was not found.'],
    ['/api/v1/slack/get_user/testteam/ghostbot/alice@example.com', 'provided bot name was not found.'],
    ['/api/v1/slack/get_user/testteam/nocredsbot/alice@example.com', 'provided bot name was not found.'],
  ];
  for (const [url, error] of cases) {
    const response = await app.inject({ method: 'GET', url, headers: SERVICE });
    t.equal(response.statusCode, 404, url);
    t.same(response.json(), { error }, url);
  }
});

t.test('GET /api/v1/slack/get_channel/:team_name/:bot_name/:channel_name', async (t) => {
  const found = await app.inject({ method: 'GET', url: '/api/v1/slack/get_channel/testteam/echobot/general', headers: SERVICE });
  t.equal(found.statusCode, 200);
  t.same(found.json(), { ...general, channel: general }, 'Slack\'s channel object, bare and under channel');
  const missing = await app.inject({ method: 'GET', url: '/api/v1/slack/get_channel/testteam/echobot/nowhere', headers: SERVICE });
  t.equal(missing.statusCode, 404);
  t.same(missing.json(), { error: 'provided channel_name was not found.' });
  const badBot = await app.inject({ method: 'GET', url: '/api/v1/slack/get_channel/testteam/ghostbot/general', headers: SERVICE });
  t.same(badBot.json(), { error: 'provided bot name was not found.' });
});

t.test('GET /api/v1/slack/get_ims/:team_name/:bot_name', async (t) => {
  const im = { id: 'D1234567', created: 1518129625, is_im: true, is_org_shared: true, user: 'U1234567', is_user_deleted: false, priority: 0.01234567 };
  fake.setList('conversations.list', 'channels', [im], 100);
  const response = await app.inject({ method: 'GET', url: '/api/v1/slack/get_ims/testteam/pingbot', headers: SERVICE });
  t.equal(response.statusCode, 200);
  t.same(response.json(), { ims: [im] });
  t.equal(fake.callsTo('conversations.list').at(-1)?.token, 'xoxb-pingbot');
  const unknown = await app.inject({ method: 'GET', url: '/api/v1/slack/get_ims/ghosts/pingbot', headers: SERVICE });
  t.same([unknown.statusCode, unknown.json()], [404, { error: 'provided team name was not found.' }]);
});

t.test('Slack unreachable: a JSON 502, no crash', async (t) => {
  fake.failNext('users.lookupByEmail', { status: 503 }, 10);
  const response = await app.inject({ method: 'GET', url: '/api/v1/slack/get_user/testteam/echobot/zed@example.com', headers: SERVICE });
  t.equal(response.statusCode, 502);
  t.match(response.json(), { error: 'slack request failed' });
});

t.test('no secret reaches a log line', async (t) => {
  await app.inject({
    method: 'GET',
    url: '/api/v1/slack/get_team/testteam',
    headers: { ...SERVICE, authorization: 'Bearer xoxb-echobot' },
  });
  const text = logs.join('');
  t.ok(text.length > 0, 'the app did log');
  for (const secret of Object.values(TEST_CREDENTIALS)) t.notOk(text.includes(secret), `${secret.slice(0, 10)}… not logged`);
});
