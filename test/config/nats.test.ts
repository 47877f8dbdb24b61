import t from 'tap';
import { inspect } from 'node:util';
import { ConfigError } from '../../src/config/errors.js';
import { describeAuth, readNatsSettings } from '../../src/config/nats.js';
import { readSettings } from '../../src/config/settings.js';

function refused(env: Record<string, string>): string {
  try {
    readNatsSettings(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

t.test('no NATS_URL: the embedded server, and NATS_* variables named as ignored', async (t) => {
  const settings = readNatsSettings({ NATS_USER: 'u', NATS_CA: '/ca.pem' });
  t.equal(settings.servers, undefined);
  t.same(settings.auth, { kind: 'none' });
  t.same(settings.ignored, ['NATS_USER', 'NATS_CA']);
});

t.test('credentials in NATS_URL are used, and taken out of the servers', async (t) => {
  const user = readNatsSettings({ NATS_URL: 'nats://omni%40bot:p%3Ass@nats-1:4222,nats://omni%40bot:p%3Ass@nats-2:4222' });
  t.same(user.servers, ['nats://nats-1:4222', 'nats://nats-2:4222']);
  t.equal(user.auth.kind, 'user');
  if (user.auth.kind === 'user') {
    t.equal(user.auth.user, 'omni@bot', 'percent-decoded');
    t.equal(user.auth.password.reveal(), 'p:ss');
    t.equal(user.auth.from, 'NATS_URL');
  }
  const token = readNatsSettings({ NATS_URL: 's3cret-token@127.0.0.1:4222' });
  t.same(token.servers, ['nats://127.0.0.1:4222'], 'a server without a scheme is nats://');
  t.equal(token.auth.kind, 'token', 'a lone name is a token, as nats.go reads it');
  if (token.auth.kind === 'token') t.equal(token.auth.token.reveal(), 's3cret-token');
  t.notMatch(inspect(user) + JSON.stringify(token), /p:ss|s3cret-token/, 'secrets print as placeholders');
  t.notMatch(describeAuth(token.auth) + describeAuth(user.auth), /p:ss|s3cret-token/);
  const mixed = readNatsSettings({ NATS_URL: 'nats://u:p@a:4222,nats://b:4222' });
  t.equal(mixed.auth.kind, 'user', 'one server with credentials gives them to all');
  t.match(refused({ NATS_URL: 'nats://u:p@a:4222,nats://v:q@b:4222' }), /servers hold different credentials/);
});

t.test('the nats CLI variables', async (t) => {
  const url = 'nats://127.0.0.1:4222';
  const user = readNatsSettings({ NATS_URL: url, NATS_USER: 'u', NATS_PASSWORD: 'pw' });
  t.match(user.auth, { kind: 'user', user: 'u', from: 'NATS_USER' });
  t.match(readNatsSettings({ NATS_URL: url, NATS_TOKEN: 'tk' }).auth, { kind: 'token', from: 'NATS_TOKEN' });
  t.same(readNatsSettings({ NATS_URL: url, NATS_CREDS: '/x.creds' }).auth, { kind: 'creds', file: '/x.creds' });
  t.same(readNatsSettings({ NATS_URL: url, NATS_NKEY: '/x.nk' }).auth, { kind: 'nkey', file: '/x.nk' });
  const overridden = readNatsSettings({ NATS_URL: 'nats://a:b@127.0.0.1:4222', NATS_USER: 'u', NATS_PASSWORD: 'pw' });
  t.match(overridden.auth, { kind: 'user', user: 'a', from: 'NATS_URL' }, 'the URL wins, as with nats.go');
  t.match(refused({ NATS_URL: url, NATS_TOKEN: 'tk', NATS_CREDS: '/x.creds' }), /NATS_TOKEN and NATS_CREDS: set one way of authenticating/);
  t.match(refused({ NATS_URL: url, NATS_PASSWORD: 'pw' }), /NATS_PASSWORD is set without NATS_USER/);
  t.match(refused({ NATS_URL: 'nats://a:b@127.0.0.1:4222', NATS_NKEY: '/x.nk' }), /NATS_URL and NATS_NKEY/);
});

t.test('TLS: tls:// or any of NATS_CA, NATS_CERT, NATS_KEY asks for it', async (t) => {
  t.same(readNatsSettings({ NATS_URL: 'nats://h:4222' }).tls, { required: false });
  t.same(readNatsSettings({ NATS_URL: 'tls://h:4222' }).tls, { required: true });
  t.same(readNatsSettings({ NATS_URL: 'nats://h:4222', NATS_CA: '/ca.pem' }).tls, { required: true, caFile: '/ca.pem' });
  t.same(readNatsSettings({ NATS_URL: 'tls://h:4222', NATS_CERT: '/c.pem', NATS_KEY: '/c.key' }).tls, {
    required: true,
    certFile: '/c.pem',
    keyFile: '/c.key',
  });
  t.match(refused({ NATS_URL: 'tls://h:4222', NATS_CERT: '/c.pem' }), /NATS_KEY is missing/);
});

t.test('a bad NATS_URL is named without echoing what may be a password', async (t) => {
  t.match(refused({ NATS_URL: 'http://u:hunter2@h:4222' }), /NATS_URL: expected nats:\/\/host:port or tls:\/\/host:port .*got a http:\/\/ URL/);
  t.notMatch(refused({ NATS_URL: 'http://u:hunter2@h:4222' }), /hunter2/);
  t.match(refused({ NATS_URL: 'ws://h:4222' }), /got a ws:\/\/ URL/);
  t.match(refused({ NATS_URL: 'nats://u:hunter2@[bad' }), /not a URL/);
  t.notMatch(refused({ NATS_URL: 'nats://u:hunter2@[bad' }), /hunter2/);
});

t.test('stream settings: defaults, formats and clear refusals', async (t) => {
  t.same(readSettings({}).stream, { replicas: 1, maxAgeMs: 7 * 24 * 3600 * 1000, maxBytes: -1 });
  t.same(readSettings({ OMNIBOT_STREAM_REPLICAS: '3', OMNIBOT_STREAM_MAX_AGE: '30d', OMNIBOT_STREAM_MAX_BYTES: '10GB' }).stream, {
    replicas: 3,
    maxAgeMs: 30 * 24 * 3600 * 1000,
    maxBytes: 10 * 1024 ** 3,
  });
  t.same(readSettings({ OMNIBOT_STREAM_MAX_AGE: 'unlimited' }).stream.maxAgeMs, 0);
  t.throws(() => readSettings({ OMNIBOT_STREAM_REPLICAS: '7' }), { message: /OMNIBOT_STREAM_REPLICAS: expected an integer from 1 to 5, got "7"/ });
  t.throws(() => readSettings({ OMNIBOT_STREAM_MAX_AGE: '30 days' }), {
    message: /OMNIBOT_STREAM_MAX_AGE: expected a duration of at least 10m such as 30d, 720h or 1h30m .*got "30 days"/,
  });
  t.throws(() => readSettings({ OMNIBOT_STREAM_MAX_AGE: '5m' }), { message: /at least 10m/ }, 'shorter than the duplicate window');
  t.throws(() => readSettings({ OMNIBOT_STREAM_MAX_BYTES: '10XB' }), { message: /OMNIBOT_STREAM_MAX_BYTES: expected a size of at least 1MB such as 10GB.*got "10XB"/ });
  t.throws(() => readSettings({ OMNIBOT_STREAM_MAX_BYTES: '1000' }), { message: /at least 1MB/ });
});
