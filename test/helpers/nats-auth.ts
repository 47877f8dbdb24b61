import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { nkeys } from 'nats';
import { startNatsServer, type NatsServerProcess } from '../../src/queue/nats-server.js';

type Teardown = { teardown(fn: () => unknown): void };

const run = promisify(execFile);

/** A temporary directory, removed after the test. */
export async function tempDir(t: Teardown, prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export interface ConfiguredNats {
  readonly port: number;
  readonly hostPort: string;
  readonly process: NatsServerProcess;
}

/** A real nats-server with JetStream, configured by `config` (authorization, TLS, operator mode), on a free loopback port. */
export async function startConfiguredNats(t: Teardown, config: string): Promise<ConfiguredNats> {
  const dir = await tempDir(t, 'omnibot-nats-conf-');
  const configFile = path.join(dir, 'nats.conf');
  await writeFile(configFile, config);
  const server = await startNatsServer({ storeDir: path.join(dir, 'store'), configFile });
  t.teardown(() => server.stop());
  return { port: server.port, hostPort: `127.0.0.1:${server.port}`, process: server };
}

export interface TlsFiles {
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** A CA that signed nothing here: trusting it alone must fail. */
  readonly otherCa: string;
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl for this test. */
export async function makeTlsFiles(dir: string): Promise<TlsFiles> {
  const file = (name: string) => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'];
  await run('openssl', ['req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-subj', '/CN=omnibot-test-ca']);
  await run('openssl', ['req', '-x509', ...ec, '-keyout', file('other-ca.key'), '-out', file('other-ca.pem'), '-subj', '/CN=other-ca']);
  const signed = ['-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-addext', 'basicConstraints=critical,CA:FALSE'];
  await run('openssl', [
    'req', '-x509', ...ec, '-keyout', file('server.key'), '-out', file('server.pem'), '-subj', '/CN=localhost', ...signed,
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  await run('openssl', [
    'req', '-x509', ...ec, '-keyout', file('client.key'), '-out', file('client.pem'), '-subj', '/CN=omnibot', ...signed,
    '-addext', 'extendedKeyUsage=clientAuth',
  ]);
  return {
    ca: file('ca.pem'),
    serverCert: file('server.pem'),
    serverKey: file('server.key'),
    clientCert: file('client.pem'),
    clientKey: file('client.key'),
    otherCa: file('other-ca.pem'),
  };
}

type KeyPair = ReturnType<typeof nkeys.createUser>;

/** A NATS JWT (v2), signed with an NKEY as nats-server checks it. */
function jwt(claims: Record<string, unknown>, signer: KeyPair): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = { ...claims, iat: Math.floor(Date.now() / 1000), iss: signer.getPublicKey() };
  const jti = createHash('sha256').update(JSON.stringify(body)).digest('hex').toUpperCase();
  const unsigned = `${encode({ typ: 'JWT', alg: 'ed25519-nkey' })}.${encode({ jti, ...body })}`;
  return `${unsigned}.${Buffer.from(signer.sign(new TextEncoder().encode(unsigned))).toString('base64url')}`;
}

export interface Operator {
  /** The server configuration for operator mode with a memory resolver holding the account. */
  readonly serverConfig: string;
  /** A .creds file's text for a user of the account. */
  readonly creds: string;
  /** A .creds file's text for a user of an account the server does not know. */
  readonly strangerCreds: string;
  /** The user's seed, which must never appear in a log. */
  readonly userSeed: string;
}

function credsFile(userJwt: string, seed: string): string {
  return `-----BEGIN NATS USER JWT-----\n${userJwt}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n`;
}

/** An operator, an account with JetStream and a user of it, minted with nkeys.js for this test. */
export function mintOperator(): Operator {
  const operator = nkeys.createOperator();
  const account = nkeys.createAccount();
  const user = nkeys.createUser();
  const system = nkeys.createAccount();
  const stranger = nkeys.createAccount();
  const strangerUser = nkeys.createUser();
  const unlimited = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };
  const operatorJwt = jwt({ name: 'test-operator', sub: operator.getPublicKey(), nats: { type: 'operator', version: 2 } }, operator);
  const accountJwt = jwt(
    {
      name: 'omnibot',
      sub: account.getPublicKey(),
      nats: {
        limits: { ...unlimited, mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 },
        default_permissions: { pub: {}, sub: {} },
        type: 'account',
        version: 2,
      },
    },
    operator,
  );
  // JetStream needs a system account in operator mode.
  const systemJwt = jwt({ name: 'SYS', sub: system.getPublicKey(), nats: { limits: unlimited, type: 'account', version: 2 } }, operator);
  const userClaims = (subject: KeyPair) => ({
    name: 'omnibot',
    sub: subject.getPublicKey(),
    nats: { pub: {}, sub: {}, subs: -1, data: -1, payload: -1, type: 'user', version: 2 },
  });
  const decoder = new TextDecoder();
  const userSeed = decoder.decode(user.getSeed());
  return {
    serverConfig: [
      `operator: ${operatorJwt}`,
      `system_account: ${system.getPublicKey()}`,
      'resolver: MEMORY',
      `resolver_preload: {\n  ${account.getPublicKey()}: ${accountJwt}\n  ${system.getPublicKey()}: ${systemJwt}\n}`,
      '',
    ].join('\n'),
    creds: credsFile(jwt(userClaims(user), account), userSeed),
    strangerCreds: credsFile(jwt(userClaims(strangerUser), stranger), decoder.decode(strangerUser.getSeed())),
    userSeed,
  };
}
