import t from 'tap';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { CLI, startCli } from './helpers/cli.js';
import { TEST_CREDENTIALS } from './helpers/env.js';
import { startFakeSlack } from './helpers/fake-slack.js';
import { startTestNats } from './helpers/nats.js';
import { stopNatsServersOn } from './helpers/processes.js';
import { FIXTURE_CONFIG, writeTempConfig } from './helpers/temp-config.js';

// Several processes of the built CLI: a shared, loaded machine may run them slowly.
t.setTimeout(180_000);

const SERVICE = { 'x-envoy-internal': 'true', 'x-envoy-downstream-service-cluster': 'someservice' };

t.before(() => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` (npm test does)');
});

t.test('serve: the routes on a real port, then SIGTERM exits 0', async (t) => {
  const nats = await startTestNats(t);
  const fake = await startFakeSlack();
  t.teardown(() => fake.close());
  fake.on('users.lookupByEmail', { ok: true, user: { id: 'U9', name: 'zoe', profile: { email: 'zoe@example.com', display_name: 'Zoe' } } });
  const cli = startCli(['serve'], {
    ...TEST_CREDENTIALS,
    CONFIG_FILE: FIXTURE_CONFIG,
    NATS_URL: nats.url,
    SLACK_API_URL: fake.url,
    PORT: '0',
    HOST: '127.0.0.1',
  });
  t.teardown(() => cli.child.kill('SIGKILL'));
  const base = await cli.listening;

  const health = await request(`${base}/healthcheck`);
  t.equal(health.statusCode, 200);
  t.equal(await health.body.text(), 'OK');
  const team = await request(`${base}/api/v1/slack/get_team/testteam`, { headers: SERVICE });
  t.same([team.statusCode, await team.body.json()], [200, { team_id: 'T12345678' }]);
  const user = await request(`${base}/api/v1/slack/get_user/testteam/echobot/zoe@example.com`, { headers: SERVICE });
  t.match([user.statusCode, await user.body.json()], [200, { user_id: 'U9', name: 'Zoe' }]);
  const denied = await request(`${base}/api/v1/slack/get_team/testteam`);
  t.equal(denied.statusCode, 403);
  await denied.body.dump();

  cli.child.kill('SIGTERM');
  const run = await cli.exited;
  t.equal(run.code, 0, 'a clean exit on SIGTERM');
  for (const secret of Object.values(TEST_CREDENTIALS)) t.notOk(cli.output().includes(secret), 'no secret in the output');
  t.match(cli.output(), /bot \\"nocredsbot\\" of team \\"testteam\\" \(app A00000000\) skipped/, 'the skipped bot is named in a warning');
});

t.test('serve without NATS_URL starts and stops its own nats-server', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'omnibot-data-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  // A token left over from the nats CLI means nothing to the embedded server: said, not used, not shown.
  const cli = startCli(['serve'], { ...TEST_CREDENTIALS, CONFIG_FILE: FIXTURE_CONFIG, DATA_DIR: dataDir, PORT: '0', NATS_TOKEN: 'left-over-token' });
  t.teardown(async () => {
    cli.child.kill('SIGKILL');
    await cli.exited;
    await stopNatsServersOn(path.join(dataDir, 'nats'));
  });
  const base = await cli.listening;
  const team = await request(`${base}/api/v1/slack/get_team/testteam`, { headers: SERVICE });
  t.equal(team.statusCode, 200);
  await team.body.dump();
  t.ok(existsSync(path.join(dataDir, 'nats', 'jetstream')), 'the JetStream store is under DATA_DIR/nats');
  const pid = Number(/"nats_pid":(\d+),[^\n]*started embedded nats-server/.exec(cli.output())?.[1]);
  t.ok(pid > 0, 'the child pid is logged');
  cli.child.kill('SIGTERM');
  t.equal((await cli.exited).code, 0);
  t.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, 'the embedded nats-server is gone');
  t.match(cli.output(), /NATS_TOKEN ignored: NATS_URL is not set, and the embedded nats-server takes no credentials/);
  t.notMatch(cli.output(), /left-over-token/);
});

t.test('no nats-server on the PATH and no NATS_URL: one line saying what to do', async (t) => {
  const cli = startCli(['serve'], { ...TEST_CREDENTIALS, CONFIG_FILE: FIXTURE_CONFIG, PORT: '0', PATH: '/nonexistent' });
  const run = await cli.exited;
  t.equal(run.code, 1);
  t.equal(run.stderr.trim().split('\n').length, 1, 'one line');
  t.match(run.stderr, /nats-server is not on the PATH: install it \(Debian: apt-get install -y nats-server\) or set NATS_URL/);
});

t.test('an invalid configuration file stops start-up with exit code 1, naming the file and the key', async (t) => {
  const file = await writeTempConfig(t, 'teams:\n  a: 12\n');
  const run = await startCli(['serve'], { CONFIG_FILE: file, NATS_URL: 'nats://127.0.0.1:1' }).exited;
  t.equal(run.code, 1);
  t.match(run.stderr, file);
  t.match(run.stderr, /teams\.a: expected string, got number 12/);
});

t.test('--help, --version, and bad arguments', async (t) => {
  const [bad, none, extra, help, version] = await Promise.all([
    startCli(['serv'], {}).exited,
    startCli([], {}).exited,
    startCli(['serve', 'now'], {}).exited,
    startCli(['--help'], {}).exited,
    startCli(['--version'], {}).exited,
  ]);
  t.equal(bad.code, 2, 'an unknown role exits 2');
  t.match(bad.stderr, /^omnibot: unknown role "serv"; expected one of serve, worker, watcher, all, dev, check-config\n/, 'and is named');
  t.equal(none.code, 2, 'no role exits 2');
  t.match(none.stderr, /usage: omnibot <serve\|worker\|watcher\|all\|dev\|check-config>/);
  t.equal(extra.code, 2);
  t.match(extra.stderr, /serve takes no arguments; got "now"/);
  t.equal(help.code, 0);
  t.match(help.stdout, /usage: omnibot <serve\|worker\|watcher\|all\|dev\|check-config>/);
  t.match(help.stdout, /NATS_CREDS/, 'the help names the NATS variables');
  t.equal(help.stderr, '');
  const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  t.equal(version.code, 0);
  t.equal(version.stdout, `omnibot-ts ${manifest.version}\n`);
});
