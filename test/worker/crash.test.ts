import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildTestApp } from '../helpers/app.js';
import { startCallbackService } from '../helpers/callback-service.js';
import { TEST_CREDENTIALS } from '../helpers/env.js';
import { slackJson } from '../helpers/slack-requests.js';
import { callbackConfigYaml, writeTempConfig } from '../helpers/temp-config.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

t.test('a worker killed while a callback is in flight: the message is delivered again to the next worker', async (t) => {
  t.ok(existsSync(CLI), 'the built CLI (npm test builds it)');
  const service = await startCallbackService();
  t.teardown(() => service.close());
  const yaml = callbackConfigYaml('work', `${service.url}/work`);
  // The HTTP role only, in this process; the workers are separate processes of the built CLI.
  const { app, fake, nats } = await buildTestApp(t, { yaml });
  fake.on('auth.test', { ok: true, user_id: 'UBOT', bot_id: 'BBOT' });
  fake.on('users.info', (call) => ({ ok: true, user: { id: call.params.user, name: call.params.user === 'UBOT' ? 'echobot' : 'alice' } }));
  fake.on('conversations.info', (call) => ({ ok: true, channel: { id: call.params.channel, name: 'general' } }));
  const configFile = await writeTempConfig(t, yaml);

  const workers: ChildProcess[] = [];
  t.teardown(() => workers.forEach((w) => w.kill('SIGKILL')));
  const startWorker = (): ChildProcess => {
    const child = spawn(process.execPath, [CLI, 'worker'], {
      env: {
        PATH: process.env.PATH,
        ...TEST_CREDENTIALS,
        CONFIG_FILE: configFile,
        NATS_URL: nats.url,
        SLACK_API_URL: fake.url,
        LOG_LEVEL: 'warn',
        // A worker listens too, for /healthcheck and /readyz: on a free port.
        PORT: '0',
        WEBHOOK_WORKER_ACK_WAIT_SECONDS: '2',
      },
      stdio: 'ignore',
    });
    workers.push(child);
    return child;
  };

  let firstArrived: (() => void) | undefined;
  const arrived = new Promise<void>((resolve) => (firstArrived = resolve));
  service.on('/work', () => {
    if (service.callsTo('/work').length === 1) {
      firstArrived?.();
      return new Promise(() => undefined); // never answers: the worker dies waiting
    }
    return { json: {} };
  });

  const first = startWorker();
  const request = slackJson(
    {
      token: 'verify-echobot',
      team_id: 'T12345678',
      api_app_id: 'A12345678',
      type: 'event_callback',
      event_id: 'EvCRASH1',
      event: { type: 'message', channel: 'C1', user: 'U1', text: '<@UBOT> work', ts: '1700000000.000100', event_ts: '1700000000.000100' },
    },
    'signing-secret-echobot',
  );
  const response = await app.inject({ method: 'POST', url: '/api/v1/slack/event', payload: request.payload, headers: request.headers });
  t.equal(response.statusCode, 200);
  await arrived;
  first.kill('SIGKILL');
  await once(first, 'exit');

  const second = startWorker();
  const deadline = Date.now() + 20_000;
  while (service.callsTo('/work').length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const calls = service.callsTo('/work');
  t.equal(calls.length, 2, 'the callback was called again, by the next worker');
  t.equal(calls[1]?.body.ts, calls[0]?.body.ts, 'with the same message');
  t.equal(calls[1]?.body.command_text, 'work');

  // SIGTERM drains and exits 0.
  second.kill('SIGTERM');
  const [code] = (await once(second, 'exit')) as [number | null];
  t.equal(code, 0, 'the worker exits 0 on SIGTERM');
});
