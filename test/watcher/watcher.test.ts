import t from 'tap';
import { AckPolicy, connect, DeliverPolicy, type NatsConnection } from 'nats';
import { loadConfig } from '../../src/config/load.js';
import type { Bot } from '../../src/config/registry.js';
import { Directory } from '../../src/directory/directory.js';
import { DirectoryStore } from '../../src/directory/store.js';
import { ensureWebhookStream } from '../../src/queue/stream.js';
import { STREAM_NAME, webhookSubject } from '../../src/queue/subjects.js';
import { SlackWebClient } from '../../src/slack/web-api.js';
import { DIRECTORY_CONSUMER } from '../../src/watcher/events.js';
import { refreshTargets } from '../../src/watcher/targets.js';
import { Watcher } from '../../src/watcher/watcher.js';
import { TEST_CREDENTIALS } from '../helpers/env.js';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import { fakeChannel, fakeUser, serveWorkspace, type FakeWorkspace } from '../helpers/fake-workspace.js';
import { startTestNats, type TestNats } from '../helpers/nats.js';
import { FIXTURE_CONFIG } from '../helpers/temp-config.js';
import { eventually, waitFor } from '../helpers/wait.js';

type Teardown = { teardown(fn: () => unknown): void };

const config = await loadConfig({ file: FIXTURE_CONFIG, env: TEST_CREDENTIALS });
const echobot = config.registry.bot('testteam', 'echobot') as Bot;
const PERIOD_MS = 1_000;

interface Line {
  readonly level: string;
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

function recorder() {
  const lines: Line[] = [];
  const at = (level: string) => (fields: object, message: string) => void lines.push({ level, fields: fields as Record<string, unknown>, message });
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

/** A Slack workspace behind a fake Web API, with a user, channels and an emoji to start with. */
async function slackWorld(t: Teardown): Promise<{ fake: FakeSlack; workspace: FakeWorkspace; slack: SlackWebClient }> {
  const fake = await startFakeSlack();
  t.teardown(() => fake.close());
  const workspace = serveWorkspace(fake);
  workspace.users.set('U1', fakeUser('U1', 'alice'));
  workspace.channels.set('C1', fakeChannel('C1', 'general'));
  workspace.emoji.set('shipit', 'https://emoji/shipit.png');
  const slack = new SlackWebClient({ baseUrl: fake.url, maxRetries: 0 });
  t.teardown(() => slack.close());
  return { fake, workspace, slack };
}

/** A watcher process: its own NATS connection and directory, as the watcher plugin builds them. */
async function watcherProcess(t: Teardown, nats: TestNats, slack: SlackWebClient, name: string, periodMs = PERIOD_MS) {
  const nc: NatsConnection = await connect({ servers: nats.url });
  t.teardown(() => nc.close());
  await ensureWebhookStream(await nc.jetstreamManager());
  const { lines, logger } = recorder();
  const store = await DirectoryStore.open(nc, { entryTtlMs: 60 * 60_000 });
  const directory = new Directory({ store, slack, refreshIntervalMs: periodMs, memoryTtlMs: 60_000, logger });
  const watcher = await Watcher.start({
    nc,
    directory,
    targets: [echobot],
    findBot: (team, bot) => config.registry.bot(team, bot),
    periodMs,
    logger,
    holder: name,
  });
  t.teardown(() => watcher.stop().catch(() => undefined));
  return { nc, watcher, directory, lines };
}

const refreshed = (lines: readonly Line[], kind: string) => lines.filter((line) => line.fields.kind === kind && /refreshed/.test(line.message));

t.test('the acting watcher refreshes each list of the primary bot every period, and logs what changed', async (t) => {
  const nats = await startTestNats(t);
  const { fake, workspace, slack } = await slackWorld(t);
  const { watcher, directory, lines } = await watcherProcess(t, nats, slack, 'only');
  await waitFor(() => ['users', 'channels', 'ims', 'emoji'].every((kind) => refreshed(lines, kind).length > 0));
  t.ok(watcher.acting);
  t.match(refreshed(lines, 'users')[0], { level: 'info', fields: { team: 'testteam', bot: 'echobot', total: 1, changed: 1, removed: 0, ms: Number } });
  t.equal(fake.callsTo('users.list')[0]?.token, 'xoxb-echobot', 'with the primary bot\'s token');
  t.equal((await directory.userByEmail(echobot, 'alice@example.com'))?.id, 'U1');
  t.equal(await directory.emojiByName(echobot, 'shipit'), 'https://emoji/shipit.png');

  // The workspace changes while it runs: the next period's refresh has it.
  workspace.users.set('U2', fakeUser('U2', 'bob'));
  workspace.channels.set('C1', fakeChannel('C1', 'general', { is_archived: true }));
  await waitFor(() => refreshed(lines, 'users').some((line) => line.fields.changed === 1 && line.fields.total === 2));
  t.equal((await directory.userByName(echobot, 'bob'))?.id, 'U2');
  await waitFor(() => refreshed(lines, 'channels').some((line) => line.fields.removed === 1));
  t.equal(await directory.channelByName(echobot, 'general'), null, 'an archived channel is swept');
  const quiet = refreshed(lines, 'users').at(-1);
  await waitFor(() => refreshed(lines, 'users').at(-1) !== quiet);
  t.match(refreshed(lines, 'users').at(-1)?.fields, { changed: 0, removed: 0 }, 'a refresh of an unchanged list changes nothing');
});

t.test('a failed refresh is logged with its team and bot, and tried again next period', async (t) => {
  const nats = await startTestNats(t);
  const { fake, slack } = await slackWorld(t);
  fake.failNext('users.list', { body: { ok: false, error: 'invalid_auth' } }, 2);
  const { lines, directory } = await watcherProcess(t, nats, slack, 'only');
  await waitFor(() => refreshed(lines, 'users').length > 0);
  const failures = lines.filter((line) => line.level === 'error' && line.fields.kind === 'users');
  t.equal(failures.length, 2, 'two periods failed');
  t.match(failures[0], { fields: { team: 'testteam', bot: 'echobot', err: { code: 'invalid_auth' } }, message: /users refresh failed; it is tried again next period/ });
  t.match(refreshed(lines, 'users')[0]?.fields, { total: 1, changed: 1 }, 'the third period succeeded');
  t.equal(fake.callsTo('users.list').length, 3);
  t.equal((await directory.userByName(echobot, 'alice'))?.id, 'U1');
});

t.test('two watchers: one acts; when it dies the other takes over and refreshes', async (t) => {
  const nats = await startTestNats(t);
  const { fake, slack } = await slackWorld(t);
  const first = await watcherProcess(t, nats, slack, 'first');
  await waitFor(() => first.watcher.acting);
  const second = await watcherProcess(t, nats, slack, 'second');
  await waitFor(() => refreshed(first.lines, 'users').length >= 2);
  t.notOk(second.watcher.acting, 'the second waits');
  t.equal(refreshed(second.lines, 'users').length, 0, 'and refreshes nothing');

  await first.nc.close();
  await waitFor(() => second.watcher.acting, 20_000);
  const calls = fake.callsTo('users.list').length;
  await waitFor(() => refreshed(second.lines, 'users').length > 0, 20_000);
  t.ok(fake.callsTo('users.list').length > calls, 'the second refreshes now');
  t.ok(second.lines.some((line) => /stopped renewing its claim; taking over/.test(line.message)));
});

t.test('events update the directory through the watcher\'s own consumer, leaving the worker\'s messages alone', async (t) => {
  const nats = await startTestNats(t);
  const { workspace, slack } = await slackWorld(t);
  const nc = await connect({ servers: nats.url });
  t.teardown(() => nc.close());
  const jsm = await nc.jetstreamManager();
  await ensureWebhookStream(jsm);
  await jsm.consumers.add(STREAM_NAME, { durable_name: 'omnibot-worker', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
  // A long period: after the first refresh, only the events change the directory.
  const { directory, watcher, lines } = await watcherProcess(t, nats, slack, 'only', 60_000);
  await waitFor(() => refreshed(lines, 'users').length > 0 && refreshed(lines, 'channels').length > 0);
  await eventually(async () => jsm.consumers.info(STREAM_NAME, DIRECTORY_CONSUMER).catch(() => undefined));

  const js = nc.jetstream();
  const publish = (event: Record<string, unknown>) =>
    js.publish(webhookSubject('event', 'testteam', 'echobot'), JSON.stringify({ event: { type: 'event_callback', team_id: 'T12345678', event } }));
  // Slack changes, and says so.
  workspace.users.set('U9', fakeUser('U9', 'zed'));
  workspace.channels.set('C1', fakeChannel('C1', 'town-square'));
  await publish({ type: 'message', text: 'hello', user: 'U1', channel: 'C1' });
  await publish({ type: 'team_join', user: fakeUser('U9', 'zed') });
  await publish({ type: 'channel_rename', channel: { id: 'C1', name: 'town-square', created: 1 } });

  await eventually(async () => ((await directory.userByEmail(echobot, 'zed@example.com'))?.id === 'U9' ? true : undefined));
  await eventually(async () => ((await directory.channelByName(echobot, 'town-square'))?.id === 'C1' ? true : undefined));
  const ours = await eventually(async () => {
    const info = await jsm.consumers.info(STREAM_NAME, DIRECTORY_CONSUMER);
    return info.delivered.stream_seq === 3 && info.num_ack_pending === 0 ? info : undefined;
  });
  t.match(ours.config, { filter_subject: 'omnibot.event.>', ack_policy: AckPolicy.Explicit });
  const worker = await jsm.consumers.info(STREAM_NAME, 'omnibot-worker');
  t.equal(worker.num_pending, 3, 'the worker\'s consumer still has every message to do');
  t.equal(refreshed(lines, 'users').length, 1, 'no refresh ran meanwhile: the events did it');
});

t.test('refresh targets: each team\'s primary bot; a team whose bot is not there is named and skipped', async (t) => {
  const targets = refreshTargets({ testteam: 'echobot', test2ndteam: 'ghostbot', nowhere: 'echobot' }, config.registry);
  t.same(targets.bots.map((bot) => `${bot.team.name}/${bot.name}`), ['testteam/echobot']);
  t.match(targets.skipped, [/primary_bot\.test2ndteam: bot "ghostbot" is not configured or has no credentials; team "test2ndteam" is not refreshed/, /team "nowhere" is not configured/]);
});
