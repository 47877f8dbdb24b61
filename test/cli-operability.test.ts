import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { TEST_CREDENTIALS } from './helpers/env.js';
import { startFakeSlack } from './helpers/fake-slack.js';
import { startTestNats } from './helpers/nats.js';
import { FIXTURE_CONFIG, writeTempConfig } from './helpers/temp-config.js';

// The built CLI (npm test builds first): what an operator sees of logs and metrics.
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const SERVICE = { 'x-envoy-internal': 'true', 'x-envoy-downstream-service-cluster': 'someservice' };

/** Starts a role; `listening` resolves with its address from the log, `stop()` sends SIGTERM and resolves with the exit code. */
function startRole(role: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, role], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const listening = new Promise<string>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    void exited.then((code) => reject(new Error(`exited ${code}: ${output}`)));
  });
  listening.catch(() => undefined);
  return {
    listening,
    output: () => output,
    kill: () => child.kill('SIGKILL'),
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

t.test('LOG_FORMAT=pretty and LOG_LEVEL=DEBUG: lines for people, at debug, secrets still hidden', async (t) => {
  const nats = await startTestNats(t);
  const fake = await startFakeSlack();
  t.teardown(() => fake.close());
  fake.on('users.lookupByEmail', { ok: true, user: { id: 'U9', name: 'zoe', profile: { email: 'zoe@example.com' } } });
  const cli = startRole('serve', {
    ...TEST_CREDENTIALS,
    CONFIG_FILE: FIXTURE_CONFIG,
    NATS_URL: nats.url,
    SLACK_API_URL: fake.url,
    PORT: '0',
    LOG_FORMAT: 'pretty',
    LOG_LEVEL: 'DEBUG',
  });
  t.teardown(cli.kill);
  const base = await cli.listening;
  const user = await request(`${base}/api/v1/slack/get_user/testteam/echobot/zoe@example.com`, { headers: SERVICE });
  t.equal(user.statusCode, 200);
  await user.body.dump();
  t.equal(await cli.stop(), 0);
  const lines = cli.output().split('\n').filter((line) => line.trim() !== '');
  t.ok(lines.length > 3, 'it logged');
  t.notOk(lines.some((line) => line.startsWith('{')), 'no JSON line');
  t.match(cli.output(), /INFO.*Server listening at/, 'levels in words');
  t.match(cli.output(), /DEBUG.*Slack answered/, 'debug lines are written at LOG_LEVEL=DEBUG');
  for (const secret of Object.values(TEST_CREDENTIALS)) t.notOk(cli.output().includes(secret), 'no secret in the output');
});

t.test('worker: only /metrics (behind the checks) and the probes', async (t) => {
  const nats = await startTestNats(t);
  const file = await writeTempConfig(
    t,
    'authorization:\n  checks:\n    - module: "omnibot.authnz:allowed_paths"\n      kwargs: { paths: ["/metrics"] }\nteams:\n  "testteam": "T12345678"\n',
  );
  const cli = startRole('worker', { CONFIG_FILE: file, NATS_URL: nats.url, PORT: '0' });
  t.teardown(cli.kill);
  const base = await cli.listening;
  const metrics = await request(`${base}/metrics`);
  t.equal(metrics.statusCode, 200);
  t.match(await metrics.body.text(), /^# TYPE omnibot_worker_messages_total counter$/m);
  const health = await request(`${base}/healthcheck`);
  t.equal(await health.body.text(), 'OK');
  const ready = await request(`${base}/readyz`);
  t.equal(ready.statusCode, 200, '/readyz is open');
  await ready.body.dump();
  const api = await request(`${base}/api/v1/slack/get_team/testteam`);
  t.equal(api.statusCode, 404, 'no API in a worker');
  await api.body.dump();
  t.equal(await cli.stop(), 0);
});
