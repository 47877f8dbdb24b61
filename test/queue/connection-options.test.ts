import t from 'tap';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readNatsSettings } from '../../src/config/nats.js';
import { natsSecurityOptions } from '../../src/queue/connection-options.js';
import { makeTlsFiles, mintOperator, tempDir } from '../helpers/nats-auth.js';

const dir = await tempDir(t, 'omnibot-connection-');
const tls = await makeTlsFiles(dir);
const url = 'nats://127.0.0.1:4222';

async function refusal(env: Record<string, string>): Promise<string> {
  try {
    await natsSecurityOptions(readNatsSettings({ NATS_URL: url, ...env }));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('accepted');
}

t.test('files named by NATS_* variables are checked at start-up, each named with its variable', async (t) => {
  const notCreds = path.join(dir, 'not.creds');
  await writeFile(notCreds, 'hello\n');
  t.match(await refusal({ NATS_CREDS: path.join(dir, 'missing.creds') }), /^environment variable NATS_CREDS: cannot read \S+missing\.creds \(ENOENT\)$/);
  t.match(await refusal({ NATS_CREDS: notCreds }), /NATS_CREDS: \S+not\.creds does not hold NATS user credentials/);
  t.match(await refusal({ NATS_NKEY: tls.ca }), /NATS_NKEY: \S+ca\.pem does not hold an NKEY seed/);
  t.match(await refusal({ NATS_CA: path.join(dir, 'missing.pem') }), /NATS_CA: cannot read \S+missing\.pem \(ENOENT\)/);
  t.match(await refusal({ NATS_CA: tls.ca, NATS_CERT: tls.clientKey, NATS_KEY: tls.clientKey }), /NATS_CERT: \S+client\.key is not a PEM file holding a certificate/);
  t.match(await refusal({ NATS_CA: tls.ca, NATS_CERT: tls.clientCert, NATS_KEY: tls.clientCert }), /NATS_KEY: \S+client\.pem is not a PEM file holding a private key/);
});

t.test('what nats.js gets: an authenticator that reveals the secret only when asked, TLS only when asked for', async (t) => {
  const user = await natsSecurityOptions(readNatsSettings({ NATS_URL: url, NATS_USER: 'omnibot', NATS_PASSWORD: 'pw-1' }));
  t.equal(user.tls, undefined, 'no TLS unless asked for');
  t.same(user.authenticator?.('nonce'), { user: 'omnibot', pass: 'pw-1' });
  const token = await natsSecurityOptions(readNatsSettings({ NATS_URL: 'nats://tok-1@127.0.0.1:4222' }));
  t.same(token.authenticator?.('nonce'), { auth_token: 'tok-1' });
  const secured = await natsSecurityOptions(readNatsSettings({ NATS_URL: 'tls://127.0.0.1:4222', NATS_CA: tls.ca, NATS_CERT: tls.clientCert, NATS_KEY: tls.clientKey }));
  t.same(secured.tls, { caFile: tls.ca, certFile: tls.clientCert, keyFile: tls.clientKey });
  t.same((await natsSecurityOptions(readNatsSettings({ NATS_URL: 'tls://127.0.0.1:4222' }))).tls, {}, 'tls:// alone: TLS required, the system CAs');
});

t.test('a .creds file is read again at each connect, so that a rotated file is used', async (t) => {
  const file = path.join(dir, 'rotating.creds');
  const first = mintOperator();
  const second = mintOperator();
  await writeFile(file, first.creds);
  const { authenticator } = await natsSecurityOptions(readNatsSettings({ NATS_URL: url, NATS_CREDS: file }));
  const jwtOf = (creds: string) => /-----BEGIN NATS USER JWT-----\n(\S+)\n/.exec(creds)?.[1];
  t.match(authenticator?.('nonce'), { jwt: jwtOf(first.creds) });
  await writeFile(file, second.creds);
  t.match(authenticator?.('nonce'), { jwt: jwtOf(second.creds) }, 'the new file, without a restart');
});
