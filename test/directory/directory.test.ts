import t from 'tap';
import { connect, type NatsConnection } from 'nats';
import { loadConfig } from '../../src/config/load.js';
import type { Bot } from '../../src/config/registry.js';
import { Directory } from '../../src/directory/directory.js';
import { DirectoryStore } from '../../src/directory/store.js';
import { SlackWebClient } from '../../src/slack/web-api.js';
import { TEST_CREDENTIALS } from '../helpers/env.js';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import { startTestNats } from '../helpers/nats.js';
import { eventually } from '../helpers/wait.js';
import { FIXTURE_CONFIG } from '../helpers/temp-config.js';

const quiet = { warn() {}, info() {} };

const users = [
  { id: 'U1', name: 'alice.smith', profile: { email: 'alice@example.com', display_name: 'alice' } },
  { id: 'U2', name: 'bob', profile: { email: 'Bob@Example.com', display_name: '' } },
  { id: 'U3', name: 'carol', deleted: true, profile: { email: 'carol@example.com', display_name: 'carol' } },
  { id: 'U4', name: 'dave', profile: { email: 'dave@example.com', display_name: 'dave' } },
  { id: 'U5', name: 'erin', profile: { email: 'erin@example.com', display_name: 'erin' } },
];
const channels = [
  { id: 'C1', name: 'general', is_channel: true },
  { id: 'C2', name: 'secret-plans', is_private: true, is_group: true },
  { id: 'C3', name: 'random', is_channel: true },
];
const ims = [
  { id: 'D1', is_im: true, user: 'U1' },
  { id: 'D2', is_im: true, user: 'U3', is_user_deleted: true },
];

const nats = await startTestNats(t);
const config = await loadConfig({ file: FIXTURE_CONFIG, env: TEST_CREDENTIALS });
const echobot = config.registry.bot('testteam', 'echobot') as Bot;
const pingbot = config.registry.bot('testteam', 'pingbot') as Bot;
const connections: NatsConnection[] = [];
t.teardown(async () => {
  for (const nc of connections) await nc.close();
});

let fixtureNumber = 0;
/** A fresh fake Slack and a fresh team namespace in KV, so the cases don't see each other's data. */
async function setup(options: { refreshIntervalMs?: number; memoryTtlMs?: number; refreshWaitMs?: number } = {}) {
  const fake: FakeSlack = await startFakeSlack();
  t.teardown(() => fake.close());
  fake.setList('users.list', 'members', users, 2);
  fake.on('conversations.list', () => ({ ok: false, error: 'not_set_up' }));
  const slack = new SlackWebClient({ baseUrl: fake.url, retryBaseDelayMs: 5 });
  t.teardown(() => slack.close());
  const nc = await connect({ servers: nats.url });
  connections.push(nc);
  const store = await DirectoryStore.open(nc, { entryTtlMs: 60_000 });
  const make = () =>
    new Directory({
      store,
      slack,
      refreshIntervalMs: options.refreshIntervalMs ?? 60_000,
      memoryTtlMs: options.memoryTtlMs ?? 60_000,
      ...(options.refreshWaitMs === undefined ? {} : { refreshWaitMs: options.refreshWaitMs }),
      logger: quiet,
    });
  // Every case gets its own team name, hence its own keys in the shared buckets.
  fixtureNumber += 1;
  const team = { ...echobot.team, name: `team-${fixtureNumber}` };
  const bot: Bot = { ...echobot, team };
  return { fake, directory: make(), make, bot };
}

t.test('a user by email is filled from Slack once, then served from memory and from KV', async (t) => {
  const { fake, directory, make, bot } = await setup();
  fake.on('users.lookupByEmail', (call) => {
    const user = users.find((u) => u.profile.email.toLowerCase() === call.params.email?.toLowerCase());
    return user ? { ok: true, user } : { ok: false, error: 'users_not_found' };
  });
  const user = await directory.userByEmail(bot, 'alice@example.com');
  t.equal(user?.id, 'U1');
  t.equal(fake.callsTo('users.lookupByEmail').length, 1);
  t.equal(fake.callsTo('users.lookupByEmail')[0]?.token, 'xoxb-echobot', 'called with the bot token');

  t.equal((await directory.userByEmail(bot, 'ALICE@example.com'))?.id, 'U1', 'case-insensitive, from memory');
  const otherProcess = make();
  t.equal((await otherProcess.userByEmail(bot, 'alice@example.com'))?.id, 'U1', 'another process finds it in KV');
  t.equal(fake.callsTo('users.lookupByEmail').length, 1, 'Slack was asked once in all');

  t.equal(await directory.userByEmail(bot, 'nobody@example.com'), null);
  t.equal(await directory.userByEmail(bot, 'nobody@example.com'), null);
  t.equal(fake.callsTo('users.lookupByEmail').length, 2, 'a miss is remembered for the memory TTL');

  t.equal(await directory.userByEmail(bot, 'carol@example.com'), null, 'deleted users are not returned');
});

t.test('a user by id comes from users.info, deleted ones included', async (t) => {
  const { fake, directory, bot } = await setup();
  fake.on('users.info', (call) => {
    const user = users.find((u) => u.id === call.params.user);
    return user ? { ok: true, user } : { ok: false, error: 'user_not_found' };
  });
  t.equal((await directory.userById(bot, 'U4'))?.name, 'dave');
  t.equal((await directory.userById(bot, 'U3'))?.deleted, true);
  t.equal(await directory.userById(bot, 'U404'), null);
  await directory.userById(bot, 'U4');
  t.equal(fake.callsTo('users.info').length, 3);
});

t.test('a user by name loads the paginated list once, preferring the display name', async (t) => {
  const { fake, directory, bot } = await setup();
  t.equal((await directory.userByName(bot, '@alice'))?.id, 'U1', 'display name, leading @ ignored');
  const pages = fake.callsTo('users.list').length;
  t.equal(pages, 3, 'five users, two a page');
  const listCalls = fake.callsTo('users.list');
  t.notOk(listCalls[0]?.params.cursor, 'the first page has no cursor');
  t.ok(listCalls.slice(1).every((c) => c.params.cursor), 'later pages follow the cursor');
  t.equal((await directory.userByName(bot, 'bob'))?.id, 'U2', 'user name when there is no display name');
  t.equal(await directory.userByName(bot, 'alice.smith'), null, 'the user name is not a name when a display name exists');
  t.equal(await directory.userByName(bot, 'carol'), null, 'deleted users are not returned');
  t.equal(await directory.userByName(bot, 'zed'), null);
  t.equal(fake.callsTo('users.list').length, pages, 'misses within the interval do not reload the list');
});

t.test('concurrent misses share one refresh, within a process and across processes', async (t) => {
  const { fake, directory, make, bot } = await setup();
  const other = make();
  const lookups = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? directory : other).userByName(bot, i % 4 < 2 ? 'dave' : 'ghost'));
  const results = await Promise.all(lookups);
  t.equal(results.filter((u) => u?.id === 'U4').length, 10);
  t.equal(results.filter((u) => u === null).length, 10);
  t.ok(fake.callsTo('users.list').length <= 3, `one pass over the list (${fake.callsTo('users.list').length} page calls)`);
});

t.test('a lookup by name waits a bounded time for a slow list, reading the pages stored so far', async (t) => {
  const { fake, directory, bot } = await setup({ refreshWaitMs: 300 });
  // The first page at once, the others slowly, as Slack's Tier 2 pace makes a long list.
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  fake.on('users.list', async (call) => {
    if (!call.params.cursor) return { ok: true, members: users.slice(0, 2), response_metadata: { next_cursor: 'page2' } };
    await released;
    return { ok: true, members: users.slice(2), response_metadata: { next_cursor: '' } };
  });
  t.equal((await directory.userByName(bot, 'alice'))?.id, 'U1', 'found on the first page, without waiting for the rest');
  t.equal(await directory.userByName(bot, 'dave'), null, 'not stored yet: not found');
  release();
  const dave = await eventually(async () => (await directory.userByName(bot, 'dave')) ?? undefined);
  t.equal(dave.id, 'U4', 'found once the refresh that went on has stored it');
  t.equal(fake.callsTo('users.list').length, 2, 'one refresh, not one per lookup');
});

t.test('refreshes run again once the interval has passed', async (t) => {
  // Long enough that a loaded machine's first refresh ends well within it.
  const { fake, directory, bot } = await setup({ refreshIntervalMs: 2_000 });
  t.equal(await directory.userByName(bot, 'frank'), null);
  const first = fake.callsTo('users.list').length;
  t.equal(await directory.userByName(bot, 'frank'), null);
  t.equal(fake.callsTo('users.list').length, first, 'not again within the interval');
  fake.setList('users.list', 'members', [...users, { id: 'U6', name: 'frank', profile: { email: 'f@example.com' } }], 2);
  await new Promise((resolve) => setTimeout(resolve, 2_100));
  t.equal((await directory.userByName(bot, 'frank'))?.id, 'U6', 'found after the next refresh');
});

t.test('a renamed user is not found under the old name', async (t) => {
  const { fake, directory, bot } = await setup({ refreshIntervalMs: 1, memoryTtlMs: 0 });
  t.equal((await directory.userByName(bot, 'erin'))?.id, 'U5');
  fake.setList('users.list', 'members', users.map((u) => (u.id === 'U5' ? { ...u, profile: { ...u.profile, display_name: 'erin2' } } : u)), 2);
  await directory.refreshUsers(bot, { force: true });
  t.equal(await directory.userByName(bot, 'erin'), null);
  t.equal((await directory.userByName(bot, 'erin2'))?.id, 'U5');
});

t.test('channels by name (public and private) and by id', async (t) => {
  const { fake, directory, bot } = await setup();
  fake.setList('conversations.list', 'channels', channels, 2);
  fake.on('conversations.info', (call) => {
    const channel = channels.find((c) => c.id === call.params.channel);
    return channel ? { ok: true, channel } : { ok: false, error: 'channel_not_found' };
  });
  t.equal((await directory.channelByName(bot, '#secret-plans'))?.id, 'C2');
  t.equal((await directory.channelByName(bot, 'general'))?.id, 'C1');
  t.equal(await directory.channelByName(bot, 'nope'), null);
  const listCalls = fake.callsTo('conversations.list');
  t.equal(listCalls[0]?.params.types, 'public_channel,private_channel');
  t.equal(listCalls.length, 2, 'one pass over two pages');
  t.equal((await directory.channelById(bot, 'C3'))?.name, 'random', 'known from the list: no conversations.info');
  t.equal(fake.callsTo('conversations.info').length, 0);
  t.equal(await directory.channelById(bot, 'C404'), null);
  t.equal(fake.callsTo('conversations.info').length, 1);
});

t.test('IMs belong to a bot', async (t) => {
  const { fake, directory, bot } = await setup();
  fake.setList('conversations.list', 'channels', ims, 1);
  const list = await directory.ims(bot);
  t.same(list.map((im) => im.id), ['D1', 'D2']);
  t.equal(fake.callsTo('conversations.list')[0]?.params.types, 'im');
  t.equal((await directory.imByUser(bot, 'U1'))?.id, 'D1');
  t.equal(await directory.imByUser(bot, 'U3'), null, 'an IM with a deleted user is not used');
  const calls = fake.callsTo('conversations.list').length;
  await directory.ims(bot);
  t.equal(fake.callsTo('conversations.list').length, calls, 'listed again from KV, not Slack');

  const otherBot: Bot = { ...pingbot, team: bot.team };
  t.equal((await directory.ims(otherBot)).length, 2, 'another bot lists its own IMs, with its own token');
  t.equal(fake.callsTo('conversations.list').at(-1)?.token, 'xoxb-pingbot');
});
