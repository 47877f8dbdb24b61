import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { nkeys } from 'nats';
import { request } from 'undici';
import { startCli, timeToListen, type CliRun } from './helpers/cli.js';
import { TEST_CREDENTIALS } from './helpers/env.js';
import { makeTlsFiles, mintOperator, startConfiguredNats, tempDir } from './helpers/nats-auth.js';
import { FIXTURE_CONFIG } from './helpers/temp-config.js';

// Many processes of the built CLI: a shared, loaded machine may run them slowly.
t.setTimeout(180_000);

// The operator's NATS, one server per way of authenticating, each configured as a platform team would.
const dir = await tempDir(t, 'omnibot-nats-auth-');
const file = async (name: string, text: string): Promise<string> => {
  const target = path.join(dir, name);
  await writeFile(target, text);
  return target;
};

const password = `pw-${randomBytes(8).toString('hex')}`;
const token = `tok-${randomBytes(8).toString('hex')}`;
const nkeyUser = nkeys.createUser();
const nkeySeed = await file('omnibot.nk', `${new TextDecoder().decode(nkeyUser.getSeed())}\n`);
const strangerSeed = await file('stranger.nk', `${new TextDecoder().decode(nkeys.createUser().getSeed())}\n`);
const tls = await makeTlsFiles(dir);
const operator = mintOperator();
const creds = await file('omnibot.creds', operator.creds);
const strangerCreds = await file('stranger.creds', operator.strangerCreds);

const [users, tokens, tlsServer, jwtServer] = await Promise.all([
  startConfiguredNats(t, `authorization { users: [ { user: "omnibot", password: "${password}" }, { nkey: "${nkeyUser.getPublicKey()}" } ] }\n`),
  startConfiguredNats(t, `authorization { token: "${token}" }\n`),
  startConfiguredNats(t, `tls { cert_file: "${tls.serverCert}", key_file: "${tls.serverKey}", ca_file: "${tls.ca}", verify: true }\n`),
  startConfiguredNats(t, operator.serverConfig),
]);

const SECRETS = [password, token, operator.userSeed, new TextDecoder().decode(nkeyUser.getSeed())];

function serve(env: Record<string, string>) {
  return startCli(['serve'], { ...TEST_CREDENTIALS, CONFIG_FILE: FIXTURE_CONFIG, PORT: '0', ...env });
}

/** Starts, is ready, stops on SIGTERM with exit code 0, and never prints a secret. */
async function connects(t: Test, name: string, env: Record<string, string>): Promise<void> {
  const cli = serve(env);
  t.teardown(() => cli.child.kill('SIGKILL'));
  let base: string;
  try {
    base = await cli.listening;
  } catch (error) {
    t.fail(`${name}: did not start: ${(error as Error).message}`);
    return;
  }
  const ready = await request(`${base}/readyz`);
  t.equal(ready.statusCode, 200, `${name}: ready`);
  await ready.body.dump();
  cli.child.kill('SIGTERM');
  const run = await cli.exited;
  t.equal(run.code, 0, `${name}: exit code 0 on SIGTERM`);
  for (const secret of SECRETS) t.notOk(cli.output().includes(secret), `${name}: no secret in the output`);
}

/** A start-up that succeeds, beside a batch of failing ones: what the same work costs on this (shared) machine now. */
function baseline(): Promise<number> {
  return timeToListen(['serve'], { ...TEST_CREDENTIALS, CONFIG_FILE: FIXTURE_CONFIG, PORT: '0', NATS_URL: `nats://${token}@${tokens.hostPort}` });
}

/**
 * Exits 1 with one line on stderr that matches `says`, and never prints a secret;
 * within 5 s of what a start-up that succeeds took beside it (the machine is shared).
 */
function refused(t: Test, name: string, run: CliRun, says: RegExp, baseMs: number): void {
  t.equal(run.code, 1, `${name}: exit code 1`);
  t.ok(run.elapsedMs - baseMs < 5_000, `${name}: exited within 5 s (${run.elapsedMs} ms; a start-up that succeeds: ${baseMs} ms)`);
  const lines = run.stderr.trim().split('\n');
  t.equal(lines.length, 1, `${name}: one line`);
  t.match(lines[0], says, name);
  t.notMatch(run.stderr, /\n\s+at /, `${name}: no stack`);
  for (const secret of SECRETS) t.notOk(run.stdout.includes(secret) || run.stderr.includes(secret), `${name}: no secret in the output`);
}

t.test('every way of authenticating that the nats CLI knows connects', async (t) => {
  await Promise.all([
    connects(t, 'user and password in NATS_URL', { NATS_URL: `nats://omnibot:${password}@${users.hostPort}` }),
    connects(t, 'NATS_USER and NATS_PASSWORD', { NATS_URL: `nats://${users.hostPort}`, NATS_USER: 'omnibot', NATS_PASSWORD: password }),
    connects(t, 'NATS_NKEY', { NATS_URL: `nats://${users.hostPort}`, NATS_NKEY: nkeySeed }),
    connects(t, 'a token in NATS_URL', { NATS_URL: `nats://${token}@${tokens.hostPort}` }),
  ]);
  await Promise.all([
    connects(t, 'NATS_TOKEN', { NATS_URL: `nats://${tokens.hostPort}`, NATS_TOKEN: token }),
    connects(t, 'tls:// with NATS_CA, NATS_CERT and NATS_KEY', {
      NATS_URL: `tls://${tlsServer.hostPort}`,
      NATS_CA: tls.ca,
      NATS_CERT: tls.clientCert,
      NATS_KEY: tls.clientKey,
    }),
    connects(t, 'NATS_CREDS (a JWT of an operator-mode server)', { NATS_URL: `nats://${jwtServer.hostPort}`, NATS_CREDS: creds }),
  ]);
});

type Case = readonly [name: string, env: Record<string, string>, says: RegExp];

/** Runs the cases at once, beside a baseline, and checks each as refused(). */
async function allRefused(t: Test, cases: readonly Case[]): Promise<void> {
  const [base, ...runs] = await Promise.all([baseline(), ...cases.map(([, env]) => serve(env).exited)]);
  cases.forEach(([name, , says], index) => refused(t, name, runs[index] as CliRun, says, base as number));
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const at = (server: { hostPort: string }, scheme = 'nats'): string => escape(`NATS at ${scheme}://${server.hostPort}`);

t.test('a refused credential exits 1 with one line naming it, never the secret', async (t) => {
  const url = `nats://${users.hostPort}`;
  await allRefused(t, [
    [
      'a wrong password',
      { NATS_URL: url, NATS_USER: 'omnibot', NATS_PASSWORD: `${password}-wrong` },
      new RegExp(`^omnibot: ${at(users)} refused user "omnibot" and its password \\(NATS_USER, NATS_PASSWORD\\): Authorization Violation$`),
    ],
    ['no credentials', { NATS_URL: url }, new RegExp(`^omnibot: ${at(users)} refused no credentials \\(none of NATS_USER`)],
    ['an unknown NKEY', { NATS_URL: url, NATS_NKEY: strangerSeed }, new RegExp(`refused the NKEY seed in ${escape(strangerSeed)} \\(NATS_NKEY\\)`)],
    [
      'a wrong token',
      { NATS_URL: `nats://${token}x@${tokens.hostPort}` },
      new RegExp(`^omnibot: ${at(tokens)} refused the token in NATS_URL: Authorization Violation$`),
    ],
    [
      'a JWT of an account the server does not know',
      { NATS_URL: `nats://${jwtServer.hostPort}`, NATS_CREDS: strangerCreds },
      new RegExp(`^omnibot: ${at(jwtServer)} refused the JWT credentials in ${escape(strangerCreds)} \\(NATS_CREDS\\)`),
    ],
  ]);
});

t.test('a TLS failure exits 1 with one line saying what to set', async (t) => {
  const url = `tls://${tlsServer.hostPort}`;
  const tlsFailed = `^omnibot: TLS with ${at(tlsServer, 'tls')} failed: `;
  await allRefused(t, [
    ['no NATS_CA', { NATS_URL: url }, new RegExp(`${tlsFailed}.*set NATS_CA to the CA that signed the server's certificate$`)],
    [
      'the wrong CA',
      { NATS_URL: url, NATS_CA: tls.otherCa, NATS_CERT: tls.clientCert, NATS_KEY: tls.clientKey },
      new RegExp(`${tlsFailed}.*check NATS_CA, NATS_CERT and NATS_KEY$`),
    ],
    [
      'no client certificate',
      { NATS_URL: url, NATS_CA: tls.ca },
      /did not complete the connection in time \(a server that verifies TLS clients drops one without a certificate: set NATS_CERT and NATS_KEY\)/,
    ],
    ['a server without TLS', { NATS_URL: `nats://${users.hostPort}`, NATS_CA: tls.ca }, new RegExp(`^omnibot: ${at(users)} does not offer TLS`)],
  ]);
});
