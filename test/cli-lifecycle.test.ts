import t, { type Test } from 'tap';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { connect } from 'nats';
import { request } from 'undici';
import { startCallbackService } from './helpers/callback-service.js';
import { startCli, timeToListen, type CliRun } from './helpers/cli.js';
import { TEST_CREDENTIALS } from './helpers/env.js';
import { startFakeSlack } from './helpers/fake-slack.js';
import { tempDir } from './helpers/nats-auth.js';
import { startTestNats } from './helpers/nats.js';
import { alive, natsServersOn, stopNatsServersOn } from './helpers/processes.js';
import { slackJson } from './helpers/slack-requests.js';
import { callbackConfigYaml, FIXTURE_CONFIG, SLACK_ROUTES_OPEN } from './helpers/temp-config.js';
import { eventCallback, message, serveSlackWorld } from './worker/helpers.js';

// Several processes of the built CLI: a shared, loaded machine may run them slowly.
t.setTimeout(180_000);

const dir = await tempDir(t, 'omnibot-lifecycle-');
const nats = await startTestNats(t);
const fake = await startFakeSlack();
t.teardown(() => fake.close());
serveSlackWorld(fake);

async function config(name: string, yaml: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, yaml);
  return file;
}

const checks = (check: string) => `
authorization:
  checks:
${check}
teams: { "testteam": "T12345678" }
bots: { "testteam": { "echobot": "A12345678" } }
`;

function cli(args: string[], env: Record<string, string | undefined>, options: { detached?: boolean } = {}) {
  const process = startCli(args, { ...TEST_CREDENTIALS, CONFIG_FILE: FIXTURE_CONFIG, SLACK_API_URL: fake.url, PORT: '0', ...env }, options);
  t.teardown(() => process.child.kill('SIGKILL'));
  return process;
}

function webhook(text: string) {
  return slackJson(eventCallback(message(`<@UBOT> ${text}`)), 'signing-secret-echobot');
}

async function post(base: string, signed: { payload: string; headers: Record<string, string> }): Promise<number> {
  const response = await request(`${base}/api/v1/slack/event`, { method: 'POST', body: signed.payload, headers: signed.headers });
  await response.body.dump();
  return response.statusCode;
}

t.test('every start-up failure exits 1 with one line naming its cause, at once', async (t) => {
  const busy = net.createServer();
  busy.listen(0, '127.0.0.1');
  await once(busy, 'listening');
  t.teardown(() => busy.close());
  const busyPort = (busy.address() as AddressInfo).port;
  const url = nats.url;
  const cases: [name: string, env: Record<string, string>, says: RegExp][] = [
    ['port in use', { NATS_URL: url, PORT: String(busyPort) }, new RegExp(`^omnibot: cannot listen on 127\\.0\\.0\\.1:${busyPort}: the port is in use; stop what listens there, or set PORT`)],
    ['invalid configuration', { NATS_URL: url, CONFIG_FILE: await config('bad.yaml', 'teams:\n  a: 12\nbots: 3\n') }, /^omnibot: invalid configuration file \S+bad\.yaml: .*teams\.a: expected string, got number 12/],
    [
      'unknown authorization check module',
      { NATS_URL: url, CONFIG_FILE: await config('unknown-check.yaml', checks('    - module: "omnibot.authnz:nope"')) },
      /^omnibot: invalid authorization configuration: authorization\.checks\[0\]\.module: "omnibot\.authnz:nope" is not one of omnibot's built-in checks/,
    ],
    [
      'a check module that is not there',
      { NATS_URL: url, CONFIG_FILE: await config('missing-check.yaml', checks('    - module: "./nowhere.js:check"')) },
      /^omnibot: invalid authorization configuration: authorization\.checks\[0\]\.module: cannot load "\.\/nowhere\.js:check"/,
    ],
    [
      'invalid authorization regex',
      { NATS_URL: url, CONFIG_FILE: await config('bad-regex.yaml', checks('    - module: "omnibot.authnz:allowed_paths"\n      kwargs: { paths: ["/api/(unclosed"] }')) },
      /^omnibot: invalid authorization configuration: .*paths/,
    ],
    ['NATS unreachable', { NATS_URL: 'nats://127.0.0.1:1' }, /^omnibot: cannot connect to NATS at nats:\/\/127\.0\.0\.1:1: connection refused; check NATS_URL, or unset it/],
    ['DNS failure', { NATS_URL: 'nats://no-such-host.invalid:4222' }, /^omnibot: cannot connect to NATS at nats:\/\/no-such-host\.invalid:4222: the host name "no-such-host\.invalid" does not resolve/],
    ['invalid environment', { NATS_URL: url, OMNIBOT_STREAM_MAX_AGE: 'a month' }, /^omnibot: environment variable OMNIBOT_STREAM_MAX_AGE: expected a duration/],
  ];
  // A start-up that succeeds, beside them: what the same work costs on this (shared) machine now.
  const baseline = timeToListen(['serve'], { ...TEST_CREDENTIALS, CONFIG_FILE: FIXTURE_CONFIG, NATS_URL: url, PORT: '0' });
  const [base, ...runs] = await Promise.all([baseline, ...cases.map(([, env]) => cli(['serve'], env).exited)]);
  cases.forEach(([name, , says], index) => {
    const run = runs[index] as CliRun;
    t.equal(run.code, 1, `${name}: exit code 1`);
    const lines = run.stderr.trim().split('\n');
    t.equal(lines.length, 1, `${name}: one line`);
    t.match(lines[0], says, name);
    t.ok(run.elapsedMs - (base as number) < 5_000, `${name}: within 5 s (${run.elapsedMs} ms; a start-up that succeeds: ${base} ms)`);
  });

  const debug = await cli(['serve'], { NATS_URL: 'nats://127.0.0.1:1', LOG_LEVEL: 'debug' }).exited;
  t.equal(debug.code, 1);
  t.match(debug.stderr, /^omnibot: cannot connect to NATS at nats:\/\/127\.0\.0\.1:1: connection refused.*\n\S*Error.*\n\s+at /, 'the stack at LOG_LEVEL=debug');
});

t.test('SIGTERM exits 0 within the drain time, with NATS gone; /readyz said what was missing', async (t) => {
  const outage = await startTestNats(t);
  const drainSeconds = 2;
  const all = cli(['all'], { NATS_URL: outage.url, WEBHOOK_WORKER_DRAIN_SECONDS: String(drainSeconds) });
  const base = await all.listening;
  const ready = await request(`${base}/readyz`);
  t.same([ready.statusCode, await ready.body.json()], [200, { status: 'ready', checks: { nats: 'ok', 'stream OMNIBOT': 'ok', 'consumer omnibot-worker': 'ok' } }]);

  await outage.stop();
  await all.waitFor(/"nats":"disconnect"/);
  const down = await request(`${base}/readyz`);
  t.equal(down.statusCode, 503);
  t.match(await down.body.json(), { status: 'not ready', missing: ['nats', 'stream OMNIBOT', 'consumer omnibot-worker'] });

  const signalled = Date.now();
  all.child.kill('SIGTERM');
  const run = await all.exited;
  t.equal(run.code, 0, 'exit code 0');
  t.ok(Date.now() - signalled < (drainSeconds + 5) * 1000, `within WEBHOOK_WORKER_DRAIN_SECONDS + 5 s (${Date.now() - signalled} ms)`);
  t.match(run.stdout, /"signal":"SIGTERM","msg":"shutting down"/);
});

t.test('a second signal exits at once, even while messages drain', async (t) => {
  const service = await startCallbackService();
  t.teardown(() => service.close());
  let arrived: () => void = () => undefined;
  const inFlight = new Promise<void>((resolve) => (arrived = resolve));
  service.on('/slow', () => {
    arrived();
    return new Promise(() => undefined); // never answers: the worker drains for its whole drain time
  });
  const file = await config('slow.yaml', callbackConfigYaml('slow', `${service.url}/slow`));
  const all = cli(['all'], { NATS_URL: nats.url, CONFIG_FILE: file, WEBHOOK_WORKER_DRAIN_SECONDS: '60' });
  const base = await all.listening;
  t.equal(await post(base, webhook('slow')), 200);
  await inFlight;
  all.child.kill('SIGTERM');
  await all.waitFor(/shutting down/);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.ok(alive(all.child.pid as number), 'the first signal drains: still running');
  const second = Date.now();
  all.child.kill('SIGTERM');
  const run = await all.exited;
  t.ok(Date.now() - second < 3_000, `the second signal exits at once (${Date.now() - second} ms)`);
  t.equal(run.code, 1);
  t.match(run.stderr, /omnibot: SIGTERM again: exiting now/);
});

t.test('Ctrl-C to the process group stops omnibot and its nats-server; the store serves the next start', async (t) => {
  const dataDir = await tempDir(t, 'omnibot-group-');
  const storeDir = path.join(dataDir, 'nats');
  // On a failure the processes are SIGKILLed (at the end of the file), and their servers must not outlive them.
  t.teardown(() => stopNatsServersOn(storeDir));
  const file = await config('group.yaml', SLACK_ROUTES_OPEN);
  const first = cli(['all'], { DATA_DIR: dataDir, CONFIG_FILE: file, WEBHOOK_WORKER_DRAIN_SECONDS: '2' }, { detached: true });
  const base = await first.listening;
  const natsPid = Number((await first.waitFor(/"nats_pid":(\d+)/))[1]);
  t.same(await natsServersOn(storeDir), [natsPid]);
  // No handler matches "kept": the message stays in the stream for any subscriber.
  t.equal(await post(base, webhook('kept')), 200);

  const signalled = Date.now();
  process.kill(-(first.child.pid as number), 'SIGINT');
  const run = await first.exited;
  t.equal(run.code, 0, 'exit code 0');
  t.ok(Date.now() - signalled < 7_000, `within the drain time + 5 s (${Date.now() - signalled} ms)`);
  t.notOk(alive(natsPid), 'the embedded nats-server stopped');
  t.same(await natsServersOn(storeDir), []);

  const second = cli(['serve'], { DATA_DIR: dataDir, CONFIG_FILE: file });
  await second.listening;
  const url = (await second.waitFor(/"url":"(nats:\/\/[^"]+)"[^\n]*started embedded nats-server/))[1] as string;
  const nc = await connect({ servers: url });
  t.teardown(() => nc.close());
  const info = await (await nc.jetstreamManager()).streams.info('OMNIBOT');
  t.equal(info.state.messages, 1, 'the webhook stored before Ctrl-C is still there');
  second.child.kill('SIGTERM');
  t.equal((await second.exited).code, 0);
});
