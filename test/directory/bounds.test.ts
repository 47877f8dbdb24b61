import t from 'tap';
import { connect, type NatsConnection } from 'nats';
import { loadConfig } from '../../src/config/load.js';
import type { Bot } from '../../src/config/registry.js';
import { Directory } from '../../src/directory/directory.js';
import { DirectoryKeyError, directoryKeys, MAX_KEY_LENGTH } from '../../src/directory/keys.js';
import { DirectoryStore } from '../../src/directory/store.js';
import { SlackWebClient } from '../../src/slack/web-api.js';
import { TEST_CREDENTIALS } from '../helpers/env.js';
import { startFakeSlack } from '../helpers/fake-slack.js';
import { startTestNats } from '../helpers/nats.js';
import { FIXTURE_CONFIG } from '../helpers/temp-config.js';

const nats = await startTestNats(t);
const config = await loadConfig({ file: FIXTURE_CONFIG, env: TEST_CREDENTIALS });
const bot = config.registry.bot('testteam', 'echobot') as Bot;
const fake = await startFakeSlack();
t.teardown(() => fake.close());
fake.setList('users.list', 'members', [{ id: 'U1', name: 'alice', profile: { email: 'alice@example.com', display_name: 'alice' } }]);
fake.setList('conversations.list', 'channels', [{ id: 'C1', name: 'general' }]);
fake.on('users.lookupByEmail', () => ({ ok: false, error: 'users_not_found' }));
fake.on('users.info', () => ({ ok: false, error: 'user_not_found' }));
fake.on('conversations.info', () => ({ ok: false, error: 'channel_not_found' }));
fake.on('conversations.open', () => ({ ok: false, error: 'user_not_found' }));

const slack = new SlackWebClient({ baseUrl: fake.url });
t.teardown(() => slack.close());
const nc: NatsConnection = await connect({ servers: nats.url });
t.teardown(() => nc.close());
const statuses: string[] = [];
void (async () => {
  for await (const status of nc.status()) statuses.push(status.type);
})();
const directory = new Directory({
  store: await DirectoryStore.open(nc, { entryTtlMs: 60_000 }),
  slack,
  refreshIntervalMs: 60_000,
  memoryTtlMs: 60_000,
  logger: { warn() {}, info() {} },
});

t.test('what is longer than Slack allows is "not found" at once: no Slack call, no KV key, the NATS connection untouched', async (t) => {
  const huge = 'x'.repeat(5_000);
  const calls = fake.calls.length;
  t.equal(await directory.userByEmail(bot, `${huge}@example.com`), null, 'an email over 254 characters');
  t.equal(await directory.userByName(bot, `@${huge}`), null, 'a user name over 80 characters');
  t.equal(await directory.userByName(bot, '🙂'.repeat(81)), null, 'counted in characters: 81 emoji');
  t.equal(await directory.channelByName(bot, `#${huge}`), null, 'a channel name over 80 characters');
  t.equal(await directory.userById(bot, `U${'A'.repeat(4_200)}`), null, 'a mention of <@U + 4,200 characters>');
  t.equal(await directory.channelById(bot, `C${'A'.repeat(4_200)}`), null);
  t.equal(await directory.imByUser(bot, `U${'A'.repeat(4_200)}`), null);
  t.equal(await directory.openIm(bot, `U${'A'.repeat(4_200)}`), null);
  t.equal(await directory.userById(bot, 'U1 and more'), null, 'not shaped like an id');
  t.equal(fake.calls.length, calls, 'Slack was not asked');
  t.notOk(nc.isClosed());
  t.same(statuses.filter((type) => type === 'disconnect' || type === 'error'), [], 'no disconnect, no server error');
});

t.test('within the limits, lookups work as before', async (t) => {
  t.equal((await directory.userByName(bot, `@alice`))?.id, 'U1');
  t.equal((await directory.userByName(bot, '🙂'.repeat(80))), null, '80 emoji is a name Slack allows: looked up, not found');
  t.equal((await directory.channelByName(bot, '#general'))?.id, 'C1');
  t.equal(await directory.userByEmail(bot, `${'a'.repeat(240)}@example.com`), null, 'a long but possible email is looked up');
  t.equal(fake.callsTo('users.lookupByEmail').length, 1);
  t.same(statuses.filter((type) => type === 'disconnect' || type === 'error'), []);
});

t.test('the last line of defence: no key over MAX_KEY_LENGTH is ever built', async (t) => {
  t.throws(() => directoryKeys.userIdByName('testteam', 'n'.repeat(MAX_KEY_LENGTH)), DirectoryKeyError);
  t.throws(() => directoryKeys.userById('testteam', 'U'.repeat(MAX_KEY_LENGTH)), DirectoryKeyError);
  t.ok(directoryKeys.userIdByEmail('testteam', `${'a'.repeat(250)}@x.io`).length < MAX_KEY_LENGTH, 'the longest email fits well within it');
});
