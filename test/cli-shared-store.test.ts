import t from 'tap';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { request } from 'undici';
import { startCallbackService } from './helpers/callback-service.js';
import { startCli, type CliProcess } from './helpers/cli.js';
import { TEST_CREDENTIALS } from './helpers/env.js';
import { startFakeSlack } from './helpers/fake-slack.js';
import { tempDir } from './helpers/nats-auth.js';
import { natsServersOn, stopNatsServersOn } from './helpers/processes.js';
import { slackJson } from './helpers/slack-requests.js';
import { callbackConfigYaml } from './helpers/temp-config.js';
import { waitFor } from './helpers/wait.js';
import { eventCallback, message, serveSlackWorld } from './worker/helpers.js';

// Several processes of the built CLI: a shared, loaded machine may run them slowly.
t.setTimeout(180_000);

t.test('serve and worker with one DATA_DIR and no NATS_URL share one nats-server, and survive its owner being killed', async (t) => {
  const dir = await tempDir(t, 'omnibot-shared-cli-');
  const dataDir = path.join(dir, 'data');
  const storeDir = path.join(dataDir, 'nats');
  const service = await startCallbackService();
  t.teardown(() => service.close());
  const fake = await startFakeSlack();
  t.teardown(() => fake.close());
  serveSlackWorld(fake);
  const configFile = path.join(dir, 'omnibot.yaml');
  await writeFile(configFile, callbackConfigYaml('work', `${service.url}/work`));
  const processes: CliProcess[] = [];
  t.teardown(async () => {
    processes.forEach((cli) => cli.child.kill('SIGKILL'));
    await Promise.all(processes.map((cli) => cli.exited));
    await stopNatsServersOn(storeDir);
  });
  const start = (role: 'serve' | 'worker'): CliProcess => {
    const cli = startCli([role], {
      ...TEST_CREDENTIALS,
      CONFIG_FILE: configFile,
      SLACK_API_URL: fake.url,
      DATA_DIR: dataDir,
      PORT: '0',
      WEBHOOK_WORKER_DRAIN_SECONDS: '2',
    });
    processes.push(cli);
    return cli;
  };
  const webhookTo = async (base: string): Promise<number> => {
    const signed = slackJson(eventCallback(message('<@UBOT> work')), 'signing-secret-echobot');
    const response = await request(`${base}/api/v1/slack/event`, { method: 'POST', body: signed.payload, headers: signed.headers });
    await response.body.dump();
    return response.statusCode;
  };

  // Both at once: the race for the store's lock.
  let serve = start('serve');
  let worker = start('worker');
  const [serveBase] = await Promise.all([serve.listening, worker.listening]);
  const owners = [serve, worker].filter((cli) => /started embedded nats-server/.test(cli.output()));
  const guests = [serve, worker].filter((cli) => /using the embedded nats-server that omnibot process/.test(cli.output()));
  t.equal(owners.length, 1, 'one process started the nats-server');
  t.equal(guests.length, 1, 'the other uses it, and says so in its log');
  const [owner, guest] = [owners[0] as CliProcess, guests[0] as CliProcess];
  t.match(guest.output(), new RegExp(`using the embedded nats-server that omnibot process ${owner.child.pid} runs for DATA_DIR`));
  t.equal((await natsServersOn(storeDir)).length, 1, 'one nats-server on the store');

  t.equal(await webhookTo(serveBase), 200, 'serve stores the webhook');
  await waitFor(() => service.callsTo('/work').length === 1);
  t.pass("the worker process handled the webhook that serve answered 200");

  // The owner dies without any clean-up; the other process takes the server over on the same URL.
  owner.child.kill('SIGKILL');
  await owner.exited;
  await guest.waitFor(/took over the embedded nats-server on the same port/);
  t.equal((await natsServersOn(storeDir)).length, 1, 'still one nats-server on the store, after the take-over');
  if (owner === serve) serve = start('serve');
  else worker = start('worker');
  const [newServeBase] = await Promise.all([serve.listening, worker.listening]);
  const restarted = owner === serve ? serve : worker;
  t.match(restarted.output(), /using the embedded nats-server that omnibot process \d+ runs/, 'the restarted process uses it');
  t.equal(await webhookTo(newServeBase), 200);
  await waitFor(() => service.callsTo('/work').length === 2);
  t.pass('a webhook answered 200 after the take-over is handled too');

  serve.child.kill('SIGTERM');
  worker.child.kill('SIGTERM');
  const [serveRun, workerRun] = await Promise.all([serve.exited, worker.exited]);
  t.same([serveRun.code, workerRun.code], [0, 0], 'both exit 0 on SIGTERM');
  t.same(await natsServersOn(storeDir), [], 'and no nats-server is left on the store');
});
