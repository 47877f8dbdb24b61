import t from 'tap';
import { connect } from 'nats';
import { loadConfig } from '../../src/config/load.js';
import type { Bot } from '../../src/config/registry.js';
import { Directory } from '../../src/directory/directory.js';
import { DirectoryStore } from '../../src/directory/store.js';
import { webhookSubject } from '../../src/queue/subjects.js';
import { SlackWebClient } from '../../src/slack/web-api.js';
import { applyQueuedEvent } from '../../src/watcher/apply-event.js';
import { TEST_CREDENTIALS } from '../helpers/env.js';
import { startFakeSlack } from '../helpers/fake-slack.js';
import { fakeChannel, fakeUser, serveWorkspace } from '../helpers/fake-workspace.js';
import { startTestNats } from '../helpers/nats.js';
import { FIXTURE_CONFIG } from '../helpers/temp-config.js';
import { eventually } from '../helpers/wait.js';

const nats = await startTestNats(t);
const config = await loadConfig({ file: FIXTURE_CONFIG, env: TEST_CREDENTIALS });
const echobot = config.registry.bot('testteam', 'echobot') as Bot;
const fake = await startFakeSlack();
t.teardown(() => fake.close());
const workspace = serveWorkspace(fake);
const slack = new SlackWebClient({ baseUrl: fake.url, maxRetries: 0 });
t.teardown(() => slack.close());
const quiet = { warn() {}, info() {} };

/** A process's directory: its own connection, memory and watch of KV changes, as the directory plugin builds it. */
async function processDirectory(memoryTtlMs = 60_000): Promise<Directory> {
  const nc = await connect({ servers: nats.url });
  t.teardown(() => nc.close());
  const store = await DirectoryStore.open(nc, { entryTtlMs: 60 * 60_000 });
  const directory = new Directory({ store, slack, refreshIntervalMs: 60_000, memoryTtlMs, logger: quiet });
  const watching = await store.watchChanges((kind, key) => directory.forget(kind, key));
  t.teardown(() => watching.stop());
  return directory;
}

const watcher = await processDirectory();
const findBot = (team: string, bot: string) => config.registry.bot(team, bot);

/** An event as the webhook route queues it: subject omnibot.event.<team>.<bot>, body {"event": callback}. */
function apply(event: Record<string, unknown>, bot: Bot = echobot) {
  const body = { event: { token: 'verify-echobot', team_id: 'T12345678', api_app_id: bot.appId, type: 'event_callback', event } };
  return applyQueuedEvent(watcher, findBot, webhookSubject('event', bot.team.name, bot.name), new TextEncoder().encode(JSON.stringify(body)));
}

t.test('user_change and team_join: a new user, a rename, a deactivation', async (t) => {
  t.same(await apply({ type: 'team_join', user: fakeUser('U_NEW', 'newbie') }), { type: 'team_join', changed: true });
  t.equal((await watcher.userByEmail(echobot, 'newbie@example.com'))?.id, 'U_NEW');
  t.equal((await watcher.userByName(echobot, 'newbie'))?.id, 'U_NEW');

  await apply({ type: 'user_change', user: fakeUser('U_NEW', 'newbie', { profile: { email: 'newbie@example.com', display_name: 'veteran' } }) });
  t.equal((await watcher.userByName(echobot, 'veteran'))?.id, 'U_NEW', 'the new name answers at once');
  t.equal(await watcher.userByName(echobot, 'newbie'), null, 'the old name no longer does');

  await apply({ type: 'user_change', user: fakeUser('U_NEW', 'newbie', { deleted: true, profile: { email: 'newbie@example.com', display_name: 'veteran' } }) });
  t.equal(await watcher.userByEmail(echobot, 'newbie@example.com'), null, 'a deactivated user stops answering by email');
  t.equal(await watcher.userByName(echobot, 'veteran'), null, 'and by name');
  t.equal((await watcher.userById(echobot, 'U_NEW'))?.deleted, true, 'but is known by id');
  t.equal(fake.callsTo('users.info').length, 0, 'nothing was asked of Slack by id');
});

t.test('channels: created, renamed, archived, unarchived, deleted', async (t) => {
  workspace.channels.set('C_NEW', fakeChannel('C_NEW', 'launch', { purpose: { value: 'rockets' } }));
  t.equal((await watcher.channelById(echobot, 'C_NEW'))?.name, 'launch', 'known by id');
  await apply({ type: 'channel_rename', channel: { id: 'C_NEW', name: 'liftoff', created: 1 } });
  t.equal((await watcher.channelByName(echobot, 'liftoff'))?.id, 'C_NEW', 'the new name answers at once');
  t.match(await watcher.channelByName(echobot, '#liftoff'), { purpose: { value: 'rockets' }, name_normalized: 'liftoff' }, 'the rest of the channel is kept');
  workspace.channels.set('C_NEW', fakeChannel('C_NEW', 'liftoff'));
  t.equal(await watcher.channelByName(echobot, 'launch'), null, 'the old name no longer does');

  await apply({ type: 'channel_archive', channel: 'C_NEW', user: 'U1' });
  t.equal(await watcher.channelByName(echobot, 'liftoff'), null, 'an archived channel stops answering by name');
  t.equal((await watcher.channelById(echobot, 'C_NEW'))?.is_archived, true, 'but is known by id');
  await apply({ type: 'channel_unarchive', channel: 'C_NEW', user: 'U1' });
  t.equal((await watcher.channelByName(echobot, 'liftoff'))?.id, 'C_NEW', 'unarchived, it answers again');
  workspace.channels.delete('C_NEW');
  await apply({ type: 'channel_deleted', channel: 'C_NEW' });
  t.equal(await watcher.channelByName(echobot, 'liftoff'), null, 'a deleted channel stops answering by name');
  t.equal(await watcher.channelById(echobot, 'C_NEW'), null, 'and by id');

  workspace.channels.set('C_MADE', fakeChannel('C_MADE', 'fresh', { topic: { value: 'from conversations.info' } }));
  await apply({ type: 'channel_created', channel: { id: 'C_MADE', name: 'fresh', created: 1, creator: 'U1' } });
  t.match(await watcher.channelByName(echobot, 'fresh'), { id: 'C_MADE', topic: { value: 'from conversations.info' } }, 'created: the whole object, from Slack');
  await apply({ type: 'channel_created', channel: { id: 'C_GHOST', name: 'ghost', created: 1, creator: 'U1' } });
  t.match(await watcher.channelByName(echobot, 'ghost'), { id: 'C_GHOST', is_channel: true }, 'or the event\'s sketch when Slack won\'t say');
});

t.test('private channels: group_rename, group_archive, group_unarchive', async (t) => {
  workspace.channels.set('G1', fakeChannel('G1', 'plans', { is_channel: false, is_group: true, is_private: true }));
  await apply({ type: 'group_rename', channel: { id: 'G1', name: 'schemes', created: 1 } });
  t.match(await watcher.channelByName(echobot, 'schemes'), { id: 'G1', is_private: true });
  await apply({ type: 'group_archive', channel: 'G1' });
  t.equal(await watcher.channelByName(echobot, 'schemes'), null);
  await apply({ type: 'group_unarchive', channel: 'G1' });
  t.equal((await watcher.channelByName(echobot, 'schemes'))?.id, 'G1');
});

t.test('im_created belongs to the bot that received it', async (t) => {
  const pingbot = config.registry.bot('testteam', 'pingbot') as Bot;
  await apply({ type: 'im_created', user: 'U_IM', channel: { id: 'D_IM', created: 1 } }, pingbot);
  t.equal((await watcher.imById(pingbot, 'D_IM'))?.user, 'U_IM');
  t.equal(await watcher.imById(echobot, 'D_IM'), null, 'not another bot\'s');
});

t.test('emoji_changed: add (an alias resolved), rename, remove', async (t) => {
  await apply({ type: 'emoji_changed', subtype: 'add', name: 'shipit', value: 'https://emoji/shipit.png' });
  await apply({ type: 'emoji_changed', subtype: 'add', name: 'squirrel', value: 'alias:shipit' });
  t.equal(await watcher.emojiByName(echobot, 'squirrel'), 'https://emoji/shipit.png');
  await apply({ type: 'emoji_changed', subtype: 'rename', old_name: 'shipit', new_name: 'ship_it', value: 'https://emoji/shipit.png' });
  t.equal(await watcher.emojiByName(echobot, 'ship_it'), 'https://emoji/shipit.png');
  await apply({ type: 'emoji_changed', subtype: 'remove', names: ['ship_it', 'squirrel'] });
  t.equal(await watcher.emojiByName(echobot, 'ship_it'), null);
  t.equal(await watcher.emojiByName(echobot, 'squirrel'), null);
});

t.test('what is not a directory event, or not for a configured bot, is left alone', async (t) => {
  t.equal(await apply({ type: 'message', text: '"type":"user_change"', user: 'U1', channel: 'C1' }), undefined, 'a message that quotes one');
  t.equal(await apply({ type: 'user_change' }), undefined, 'one without its user');
  const subject = webhookSubject('event', 'testteam', 'ghostbot');
  const body = new TextEncoder().encode(JSON.stringify({ event: { event: { type: 'team_join', user: fakeUser('U_X', 'x') } } }));
  t.equal(await applyQueuedEvent(watcher, findBot, subject, body), undefined, 'a bot no longer configured');
  t.equal(await applyQueuedEvent(watcher, findBot, webhookSubject('event', 'testteam', 'echobot'), new TextEncoder().encode('{"type":"team_join"')), undefined, 'a body that is not JSON');
});

t.test('a process that read an entry before another process changed it answers the change', async (t) => {
  const a = await processDirectory();
  const b = await processDirectory();
  await b.updateUser(echobot, fakeUser('U_RACE', 'racer') as never);
  t.equal((await a.userByName(echobot, 'racer'))?.id, 'U_RACE', 'a has it in memory now');
  await b.updateUser(echobot, fakeUser('U_RACE', 'racer', { profile: { email: 'racer@example.com', display_name: 'winner' } }) as never);
  await eventually(async () => ((await a.userByName(echobot, 'winner'))?.id === 'U_RACE' ? true : undefined), 5_000);
  t.equal(await a.userByName(echobot, 'racer'), null, 'the old name is gone from a\'s memory too');
});
