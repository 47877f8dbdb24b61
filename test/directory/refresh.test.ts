import t from 'tap';
import { connect } from 'nats';
import { loadConfig } from '../../src/config/load.js';
import type { Bot } from '../../src/config/registry.js';
import { Directory, type RefreshRun } from '../../src/directory/directory.js';
import { DirectoryStore } from '../../src/directory/store.js';
import { PacedSlackClient } from '../../src/slack/pacer.js';
import { SlackWebClient } from '../../src/slack/web-api.js';
import { TEST_CREDENTIALS } from '../helpers/env.js';
import { startFakeSlack } from '../helpers/fake-slack.js';
import { fakeChannel, fakeUser, serveWorkspace, type FakeWorkspaceOptions } from '../helpers/fake-workspace.js';
import { startTestNats } from '../helpers/nats.js';
import { FIXTURE_CONFIG } from '../helpers/temp-config.js';

const nats = await startTestNats(t);
const config = await loadConfig({ file: FIXTURE_CONFIG, env: TEST_CREDENTIALS });
const echobot = config.registry.bot('testteam', 'echobot') as Bot;
const nc = await connect({ servers: nats.url });
t.teardown(() => nc.close());
const store = await DirectoryStore.open(nc, { entryTtlMs: 60 * 60_000 });

let teamNumber = 0;
/** A fresh fake Slack with a workspace, and a fresh team name (its own keys in the shared buckets). */
async function setup(t: { teardown(fn: () => unknown): void }, options: FakeWorkspaceOptions & { paced?: boolean } = {}) {
  const fake = await startFakeSlack();
  t.teardown(() => fake.close());
  const workspace = serveWorkspace(fake, options);
  const slack = new SlackWebClient({ baseUrl: fake.url, retryBaseDelayMs: 5, maxRetries: 1 });
  t.teardown(() => slack.close());
  const lines: Array<{ fields: Record<string, unknown>; message: string }> = [];
  const logger = {
    info: (fields: object, message: string) => lines.push({ fields: fields as Record<string, unknown>, message }),
    warn: (fields: object, message: string) => lines.push({ fields: fields as Record<string, unknown>, message }),
  };
  let lists: PacedSlackClient | undefined;
  if (options.paced && options.tier2) {
    // As the directory plugin paces lists: the tier's rate, no burst.
    lists = new PacedSlackClient(slack, { tiers: { 2: (options.tier2.calls * 60_000) / options.tier2.windowMs }, tierBurst: { 2: 1 } });
    t.teardown(() => lists?.close());
  }
  const directory = new Directory({
    store,
    slack,
    ...(lists ? { lists } : {}),
    ...(options.maxLimit ? { listPageSize: options.maxLimit } : {}),
    refreshIntervalMs: 60_000,
    memoryTtlMs: 0,
    logger,
  });
  teamNumber += 1;
  const team = { ...echobot.team, name: `refresh-team-${teamNumber}` };
  const bot: Bot = { ...echobot, team, logContext: { ...echobot.logContext, team: team.name } };
  return { fake, workspace, directory, bot, lines };
}

function outcome(run: RefreshRun) {
  if (!run.ran) throw new Error('the refresh did not run');
  return run.outcome;
}

t.test('users are stored page by page at Slack\'s largest page, and only what changed is written again', async (t) => {
  const { fake, workspace, directory, bot, lines } = await setup(t);
  for (let i = 0; i < 2_500; i++) workspace.users.set(`U${i}`, fakeUser(`U${i}`, `user${i}`));

  const first = outcome(await directory.refreshList('users', bot, { force: true, sweep: true }));
  t.same(first, { total: 2_500, changed: 2_500, removed: 0 });
  const calls = fake.callsTo('users.list');
  t.same(calls.map((call) => call.params.limit), ['1000', '1000', '1000'], 'three pages of at most 1000');
  t.equal(calls[0]?.params.team_id, 'T12345678', 'the team is named, as omnibot did');
  t.equal((await directory.userByEmail(bot, 'user1234@example.com'))?.id, 'U1234');
  t.equal((await directory.userByName(bot, 'user2499'))?.id, 'U2499');
  t.equal(fake.callsTo('users.lookupByEmail').length, 0, 'found in the directory, not asked of Slack');
  t.match(lines.at(-1), {
    fields: { team: bot.team.name, bot: 'echobot', kind: 'users', total: 2_500, changed: 2_500, removed: 0, ms: Number },
    message: /directory users refreshed: 2500 entries changed in \d+ ms/,
  });

  const teamKey = Buffer.from(bot.team.name).toString('base64url');
  const keysOf = ['id.U0', 'id.U2499', `email.${Buffer.from('user7@example.com').toString('base64url')}`].map((key) => `${teamKey}.${key}`);
  const revisions = async () => Promise.all(keysOf.map(async (key) => (await store.getEntry('users', key))?.revision));
  const before = await revisions();
  const again = outcome(await directory.refreshList('users', bot, { force: true, sweep: true }));
  t.same(again, { total: 2_500, changed: 0, removed: 0 });
  t.same(await revisions(), before, 'unchanged users and their indexes are not written again');
});

t.test('a refresh takes renames, new emails, deactivations and removals, and sweeps what Slack no longer lists', async (t) => {
  const { workspace, directory, bot } = await setup(t);
  for (const name of ['ann', 'ben', 'cat', 'dan', 'eve']) workspace.users.set(`U_${name}`, fakeUser(`U_${name}`, name));
  await directory.refreshList('users', bot, { force: true, sweep: true });

  workspace.users.set('U_ann', fakeUser('U_ann', 'ann', { profile: { email: 'ann@example.com', display_name: 'annie' } }));
  workspace.users.set('U_ben', fakeUser('U_ben', 'ben', { profile: { email: 'benjamin@example.com', display_name: 'ben' } }));
  workspace.users.set('U_cat', fakeUser('U_cat', 'cat', { deleted: true }));
  workspace.users.delete('U_dan');
  const run = outcome(await directory.refreshList('users', bot, { force: true, sweep: true }));
  t.same(run, { total: 4, changed: 3, removed: 1 });

  t.equal(await directory.userByName(bot, 'ann'), null, 'no longer by the old name');
  t.equal((await directory.userByName(bot, 'annie'))?.id, 'U_ann', 'by the new name');
  t.equal((await directory.userByEmail(bot, 'benjamin@example.com'))?.id, 'U_ben');
  t.equal(await directory.userByEmail(bot, 'ben@example.com'), null, 'the old email no longer answers');
  t.equal(await directory.userByEmail(bot, 'cat@example.com'), null, 'a deactivated user does not answer by email');
  t.equal(await directory.userByName(bot, 'cat'), null, 'nor by name');
  t.equal((await directory.userById(bot, 'U_cat'))?.deleted, true, 'but is kept by id');
  t.equal(await store.get('users', `${Buffer.from(bot.team.name).toString('base64url')}.id.U_dan`), null, 'a user Slack no longer lists is removed');
  t.equal((await directory.userByEmail(bot, 'eve@example.com'))?.id, 'U_eve', 'the others are untouched');
});

t.test('channels: public and private, archived excluded; the sweep removes public channels only', async (t) => {
  const { fake, workspace, directory, bot } = await setup(t);
  workspace.channels.set('C1', fakeChannel('C1', 'general'));
  workspace.channels.set('C2', fakeChannel('C2', 'old-news'));
  workspace.channels.set('C3', fakeChannel('C3', 'secret', { is_channel: false, is_group: true, is_private: true }));
  workspace.channels.set('C4', fakeChannel('C4', 'closed', { is_archived: true }));
  workspace.channels.set('C5', fakeChannel('C5', 'doomed'));
  const first = outcome(await directory.refreshList('channels', bot, { force: true, sweep: true }));
  t.same(first, { total: 4, changed: 4, removed: 0 }, 'the archived channel is not listed');
  const params = fake.callsTo('conversations.list')[0]?.params;
  t.match(params, { types: 'public_channel,private_channel', exclude_archived: 'true', limit: '1000', team_id: 'T12345678' });
  t.equal(await directory.channelByName(bot, 'closed'), null);

  workspace.channels.set('C2', fakeChannel('C2', 'old-news', { is_archived: true }));
  workspace.channels.delete('C5');
  // The bot left the private channel: it no longer lists it, but another bot may still see it.
  workspace.privateMembers.set('C3', new Set());
  const second = outcome(await directory.refreshList('channels', bot, { force: true, sweep: true }));
  t.same(second, { total: 1, changed: 0, removed: 2 });
  t.equal(await directory.channelByName(bot, 'old-news'), null, 'an archived channel stops answering by name');
  t.equal(await directory.channelByName(bot, 'doomed'), null, 'a deleted channel too');
  t.equal((await directory.channelByName(bot, 'secret'))?.id, 'C3', 'a private channel out of sight is kept');
  t.equal((await directory.channelByName(bot, '#general'))?.id, 'C1');
});

t.test('Slack\'s short and empty pages with a cursor are followed to the end', async (t) => {
  const { fake, workspace, directory, bot } = await setup(t);
  // 2,500 conversations, most archived: conversations.list filters after paging.
  for (let i = 0; i < 2_500; i++) workspace.channels.set(`C${i}`, fakeChannel(`C${i}`, `c${i}`, { is_archived: i < 1_500 || i % 2 === 0 }));
  const run = outcome(await directory.refreshList('channels', bot, { force: true }));
  t.equal(run.total, 500);
  const pages = fake.callsTo('conversations.list');
  t.equal(pages.length, 3, 'three pages, the first one empty');
  t.equal((await directory.channelByName(bot, 'c2499'))?.id, 'C2499');
});

t.test('IMs are the bot\'s own; emoji have their aliases resolved as omnibot did', async (t) => {
  const { workspace, directory, bot } = await setup(t);
  workspace.ims.set('xoxb-echobot', new Map([['D1', { id: 'D1', is_im: true, user: 'U1' }], ['D2', { id: 'D2', is_im: true, user: 'U2' }]]));
  t.same(outcome(await directory.refreshList('ims', bot, { force: true, sweep: true })), { total: 2, changed: 2, removed: 0 });
  workspace.ims.get('xoxb-echobot')?.delete('D2');
  t.same(outcome(await directory.refreshList('ims', bot, { force: true, sweep: true })), { total: 1, changed: 0, removed: 1 });
  t.same((await directory.ims(bot)).map((im) => im.id), ['D1']);

  workspace.emoji.set('partyparrot', 'https://emoji/parrot.gif');
  workspace.emoji.set('parrot', 'alias:partyparrot');
  workspace.emoji.set('thumbs', 'alias:+1');
  workspace.emoji.set('loop', 'alias:loop');
  workspace.emoji.set('gone', 'https://emoji/gone.png');
  t.same(outcome(await directory.refreshList('emoji', bot, { force: true, sweep: true })), { total: 3, changed: 3, removed: 0 });
  t.equal(await directory.emojiByName(bot, 'parrot'), 'https://emoji/parrot.gif', 'an alias resolves to its image');
  t.equal(await directory.emojiByName(bot, 'thumbs'), null, 'an alias of a standard emoji resolves to nothing');
  t.equal(await directory.emojiByName(bot, 'loop'), null, 'a loop resolves to nothing');
  workspace.emoji.delete('gone');
  t.same(outcome(await directory.refreshList('emoji', bot, { force: true, sweep: true })), { total: 2, changed: 0, removed: 1 });
  t.equal(await directory.emojiByName(bot, 'gone'), null, 'a removed emoji is swept');
});

t.test('what an event writes while a refresh runs is newer than the list, and survives its sweep', async (t) => {
  let hold: Promise<void> | undefined;
  let release = (): void => {};
  let reachedSecondPage = (): void => {};
  const atSecondPage = new Promise<void>((resolve) => (reachedSecondPage = resolve));
  const { workspace, directory, bot } = await setup(t, {
    beforePage: async (call) => {
      if (call.params.cursor && !hold) {
        hold = new Promise((resolve) => (release = resolve));
        reachedSecondPage();
        await hold;
      }
    },
  });
  for (let i = 0; i < 1_500; i++) workspace.users.set(`U${i}`, fakeUser(`U${i}`, `user${i}`));
  const refresh = directory.refreshList('users', bot, { force: true, sweep: true });
  await atSecondPage;
  await directory.updateUser(bot, fakeUser('U_NEW', 'newcomer') as never);
  release();
  t.same(outcome(await refresh), { total: 1_500, changed: 1_500, removed: 0 });
  t.equal((await directory.userByName(bot, 'newcomer'))?.id, 'U_NEW', 'the user an event added is kept');
});

t.test('a refresh that fails part-way removes nothing, throws, and is due again a period later', async (t) => {
  const { fake, workspace, directory, bot } = await setup(t);
  for (let i = 0; i < 1_500; i++) workspace.users.set(`U${i}`, fakeUser(`U${i}`, `user${i}`));
  await directory.refreshList('users', bot, { force: true, sweep: true });
  workspace.users.delete('U0');
  fake.failNext('users.list', { body: { ok: false, error: 'ratelimited' } });
  await t.rejects(directory.refreshList('users', bot, { force: true, sweep: true }), { code: 'ratelimited' });
  t.equal((await directory.userByName(bot, 'user0'))?.id, 'U0', 'nothing swept after a failed page');
  const next = await directory.refreshList('users', bot, { sweep: true });
  t.equal(next.ran, false, 'not due again at once');
  if (!next.ran) t.ok(next.dueAt - Date.now() > 50_000, 'due a period after the failed one began');
});

t.test('paced as the directory plugin paces them, lists never trip Slack\'s Tier 2; unpaced, they would', async (t) => {
  const tier2 = { calls: 3, windowMs: 600 };
  const paced = await setup(t, { tier2, paced: true, maxLimit: 100 });
  for (let i = 0; i < 1_000; i++) paced.workspace.users.set(`U${i}`, fakeUser(`U${i}`, `user${i}`));
  t.equal(outcome(await paced.directory.refreshList('users', paced.bot, { force: true })).total, 1_000);
  t.equal(paced.fake.callsTo('users.list').length, 10, 'ten pages of Slack\'s (here smaller) largest page');
  t.equal(paced.fake.rateLimited.length, 0, 'Slack never had to refuse one');

  const unpaced = await setup(t, { tier2, maxLimit: 100 });
  for (let i = 0; i < 1_000; i++) unpaced.workspace.users.set(`U${i}`, fakeUser(`U${i}`, `user${i}`));
  await unpaced.directory.refreshList('users', unpaced.bot, { force: true }).catch(() => undefined);
  t.ok(unpaced.fake.rateLimited.length > 0, 'the same list unpaced is refused (the check can fail)');
});
