import t from 'tap';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { CLI, runCli } from '../helpers/cli-process.js';
import { TEST_CREDENTIALS } from '../helpers/env.js';
import { startFakeSlack } from '../helpers/fake-slack.js';
import { fakeChannel, fakeUser, serveWorkspace } from '../helpers/fake-workspace.js';
import { startTestNats } from '../helpers/nats.js';
import { slackJson } from '../helpers/slack-requests.js';
import { FIXTURE_CONFIG, writeTempConfig } from '../helpers/temp-config.js';
import { eventually } from '../helpers/wait.js';
import { eventCallback } from '../worker/helpers.js';

// The watcher role end to end: the built CLI, a real nats-server, and a fake Slack whose workspace
// changes while omnibot-ts runs.

const SERVICE = { 'x-envoy-internal': 'true', 'x-envoy-downstream-service-cluster': 'someservice' };
const ENVOY = { 'x-envoy-downstream-service-cluster': 'envoy' };

t.before(() => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` (npm test does)');
});

/** The fixture configuration with its own refresh period (and any lines added). */
async function configWith(t: Parameters<typeof writeTempConfig>[0], periodSeconds: number, extra = ''): Promise<string> {
  // Elsewhere than the fixture, its callback modules are found by their absolute path.
  const fixture = (await readFile(FIXTURE_CONFIG, 'utf8')).replaceAll('"./callbacks/', `"${path.dirname(FIXTURE_CONFIG)}/callbacks/`);
  return writeTempConfig(t, `${fixture}\nlist_provider_update_frequency: ${periodSeconds}\n${extra}`);
}

/** Slack's event callback for echobot, signed with its signing secret. */
function slackEvent(event: Record<string, unknown>) {
  return slackJson(eventCallback(event), 'signing-secret-echobot');
}

t.test('omnibot all: the directory is filled by the watcher, then kept by Slack\'s events at once', async (t) => {
  const nats = await startTestNats(t);
  const fake = await startFakeSlack();
  t.teardown(() => fake.close());
  const workspace = serveWorkspace(fake);
  workspace.users.set('U1', fakeUser('U1', 'alice'));
  workspace.users.set('U2', fakeUser('U2', 'bob'));
  workspace.channels.set('C1', fakeChannel('C1', 'general'));
  workspace.channels.set('C2', fakeChannel('C2', 'random'));
  // A long period: after the first refresh, only events change the directory.
  const cli = runCli(t, ['all'], {
    ...TEST_CREDENTIALS,
    CONFIG_FILE: await configWith(t, 600),
    NATS_URL: nats.url,
    SLACK_API_URL: fake.url,
    PORT: '0',
  });
  const base = (await cli.waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/))[1] as string;
  await cli.waitFor(/"kind":"users".*directory users refreshed/);
  await cli.waitFor(/"kind":"channels".*directory channels refreshed/);
  const get = async (path: string) => {
    const response = await request(`${base}/api/v1/slack/${path}`, { headers: SERVICE });
    return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
  };

  t.match(await get('get_user/testteam/echobot/bob@example.com'), { status: 200, body: { user_id: 'U2', name: 'bob' } });
  t.match(await get('get_channel/testteam/echobot/general'), { status: 200, body: { id: 'C1' } });
  t.equal(fake.callsTo('users.lookupByEmail').length, 0, 'answered from what the watcher stored');

  // Slack renames a channel and deactivates a user, and says so in events.
  workspace.channels.set('C1', fakeChannel('C1', 'town-square'));
  workspace.users.set('U2', fakeUser('U2', 'bob', { deleted: true }));
  const listCalls = fake.callsTo('conversations.list').length + fake.callsTo('users.list').length;
  for (const event of [
    { type: 'channel_rename', channel: { id: 'C1', name: 'town-square', created: 1 } },
    { type: 'user_change', user: workspace.users.get('U2') },
    { type: 'channel_archive', channel: 'C2', user: 'U1' },
  ]) {
    const signed = slackEvent(event);
    const response = await request(`${base}/api/v1/slack/event`, { method: 'POST', body: signed.payload, headers: { ...ENVOY, ...signed.headers } });
    t.equal(response.statusCode, 200, `${event.type} accepted`);
    await response.body.dump();
  }
  const renamed = await eventually(async () => {
    const found = await get('get_channel/testteam/echobot/town-square');
    return found.status === 200 ? found : undefined;
  });
  t.match(renamed.body, { id: 'C1', name: 'town-square' }, 'the new name answers');
  t.match(await get('get_channel/testteam/echobot/general'), { status: 404 }, 'the old name no longer does');
  await eventually(async () => ((await get('get_user/testteam/echobot/bob@example.com')).status === 404 ? true : undefined));
  t.pass('a deactivated user stops answering by email');
  await eventually(async () => ((await get('get_channel/testteam/echobot/random')).status === 404 ? true : undefined));
  t.pass('an archived channel stops answering by name');
  t.equal(fake.callsTo('conversations.list').length + fake.callsTo('users.list').length, listCalls, 'no list was loaded again: the events did it');

  cli.child.kill('SIGTERM');
  t.equal(await cli.exited, 0);
  for (const secret of Object.values(TEST_CREDENTIALS)) t.notOk(cli.output().includes(secret), 'no secret in the output');
});

t.test('two watchers of omnibot\'s own kind of configuration: one acts; kill it and the other takes over', async (t) => {
  const nats = await startTestNats(t);
  const fake = await startFakeSlack();
  t.teardown(() => fake.close());
  const workspace = serveWorkspace(fake);
  workspace.users.set('U1', fakeUser('U1', 'alice'));
  // As omnibot's own test configuration does: a primary_bot that names a bot the file does not configure.
  const file = await configWith(t, 2);
  const text = (await readFile(file, 'utf8')).replace('primary_bot:\n  "testteam": "echobot"\n', 'primary_bot:\n  "testteam": "echobot"\n  "test2ndteam": "test2ndteambot"\n');
  const config = await writeTempConfig(t, text);
  const env = { ...TEST_CREDENTIALS, CONFIG_FILE: config, NATS_URL: nats.url, SLACK_API_URL: fake.url, PORT: '0' };

  const first = runCli(t, ['watcher'], env);
  await first.waitFor(/watcher acting: this process holds the claim/);
  t.match(first.output(), /primary_bot\.test2ndteam: bot \\"test2ndteambot\\" is not in bots\.test2ndteam/, 'the missing primary bot is named in a warning');
  await first.waitFor(/directory users refreshed/);
  const second = runCli(t, ['watcher'], env);
  await second.waitFor(/watcher standing by: another process acts/);

  first.child.kill('SIGKILL');
  await first.exited;
  workspace.users.set('U2', fakeUser('U2', 'bob'));
  const takeover = second.output().length;
  await second.waitFor(/the acting watcher stopped renewing its claim; taking over/, 30_000, takeover);
  await second.waitFor(/watcher acting: this process holds the claim/, 30_000, takeover);
  const refreshed = await second.waitFor(/"kind":"users","total":(\d+),"changed":(\d+).*directory users refreshed/, 30_000, takeover);
  t.same(refreshed.slice(1, 3), ['2', '1'], 'the new acting watcher refreshed, and saw the new user');
  t.notOk(/"level":50/.test(second.output()), 'no error logged');

  second.child.kill('SIGTERM');
  t.equal(await second.exited, 0, 'a clean exit on SIGTERM');
});
