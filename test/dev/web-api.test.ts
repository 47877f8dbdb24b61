import t from 'tap';
import { fileURLToPath } from 'node:url';
import { Secret } from '../../src/config/secret.js';
import { startEmulator, type Emulator } from '../../src/dev/emulator.js';
import { loadWorkspaceFile } from '../../src/dev/workspace-file.js';
import { SlackWebClient } from '../../src/slack/web-api.js';
import { PacedSlackClient } from '../../src/slack/pacer.js';

type Teardown = { teardown(fn: () => unknown): void };

// The emulated Web API through the project's own Slack client, as the roles call it.
const WORKSPACE = fileURLToPath(new URL('../../examples/dev/workspace.yaml', import.meta.url));
const BOT = 'xoxb-example';
const USER = 'xoxp-example';
const NARROW = 'xoxb-narrow';

async function start(t: Teardown): Promise<{ emulator: Emulator; slack: SlackWebClient }> {
  const file = await loadWorkspaceFile(WORKSPACE);
  const emulator = await startEmulator({
    workspaceFile: { ...file, bots: { ...file.bots, narrow: { scopes: ['chat:write'] } } },
    team: { id: 'T12345678', name: 'example-team' },
    bots: [
      { name: 'example-bot', appId: 'A87654321', credentials: { botToken: new Secret(BOT), userToken: new Secret(USER), signingSecret: new Secret('s') } },
      { name: 'narrow', appId: 'A00000002', credentials: { botToken: new Secret(NARROW), signingSecret: new Secret('s2') } },
    ],
    commands: [],
    port: 0,
    host: '127.0.0.1',
  });
  const slack = new SlackWebClient({ baseUrl: `${emulator.url}/api/`, maxRetries: 0 });
  t.teardown(async () => {
    await slack.close();
    await emulator.close();
  });
  return { emulator, slack };
}

t.test('auth.test, unknown tokens and methods answer as Slack does', async (t) => {
  const { emulator, slack } = await start(t);
  const bot = emulator.workspace.bots.get('example-bot');
  t.match(await slack.call('auth.test', {}, BOT), { ok: true, team_id: 'T12345678', team: 'example-team', user: 'example-bot', user_id: bot?.userId, bot_id: bot?.botId });
  const asUser = await slack.call('auth.test', {}, USER);
  t.equal(asUser.user, 'alice', 'a user token acts as the workspace\'s first person');
  t.notOk('bot_id' in asUser);
  t.same(await slack.call('auth.test', {}, 'xoxb-nobody'), { ok: false, error: 'invalid_auth' });
  t.match(await slack.call('chat.unfurlEverything', {}, BOT), { ok: false, error: 'unknown_method' });
  const anonymous = await fetch(`${emulator.url}/api/auth.test`, { method: 'POST' });
  t.same(await anonymous.json(), { ok: false, error: 'not_authed' });
});

t.test('users: list by cursor, info, lookupByEmail; emails only with users:read.email', async (t) => {
  const { emulator, slack } = await start(t);
  const members: Array<{ id: string; name: string; profile: { email?: string } }> = [];
  for await (const member of slack.paginate<{ id: string; name: string; profile: { email?: string } }>('users.list', {}, BOT, 'members', { limit: 1 })) {
    members.push(member);
  }
  t.same(members.map((member) => member.name).sort(), ['alice', 'bob', 'example-bot', 'narrow']);
  t.equal(members.find((member) => member.name === 'bob')?.profile.email, 'bob@example.com');
  const bob = emulator.workspace.personByName('bob');
  t.match(await slack.call('users.info', { user: bob?.id }, BOT), { ok: true, user: { id: bob?.id, name: 'bob', is_bot: false } });
  t.same(await slack.call('users.info', { user: 'UNOBODY' }, BOT), { ok: false, error: 'user_not_found' });
  t.match(await slack.call('users.lookupByEmail', { email: 'ALICE@example.com' }, BOT), { ok: true, user: { name: 'alice' } });
  t.same(await slack.call('users.lookupByEmail', { email: 'zed@example.com' }, BOT), { ok: false, error: 'users_not_found' });
  t.match(await slack.call('users.list', {}, NARROW), { ok: false, error: 'missing_scope', needed: 'users:read', provided: 'chat:write' });
  const page = await slack.call('users.list', { limit: 2, cursor: 'bogus' }, BOT);
  t.same(page, { ok: false, error: 'invalid_cursor' });
});

t.test('conversations: what each token may see, in Slack\'s shapes and errors', async (t) => {
  const { emulator, slack } = await start(t);
  const general = emulator.workspace.channelByName('general');
  const secret = emulator.workspace.channelByName('secret');
  const publicOnes = [];
  for await (const channel of slack.paginate<{ name: string; is_member: boolean }>('conversations.list', { types: 'public_channel,private_channel' }, BOT, 'channels', { limit: 2 })) {
    publicOnes.push(channel);
  }
  t.same(publicOnes.map((channel) => channel.name), ['general', 'deploys', 'random'], 'the private channel the bot is not in is not listed');
  t.same(publicOnes.map((channel) => channel.is_member), [true, true, false]);
  const ims = await slack.call('conversations.list', { types: 'im' }, BOT);
  t.equal((ims.channels as unknown[]).length, 2, 'an IM with each person');
  t.match(await slack.call('conversations.info', { channel: general?.id }, BOT), { ok: true, channel: { id: general?.id, name: 'general', is_channel: true } });
  t.same(await slack.call('conversations.info', { channel: secret?.id }, BOT), { ok: false, error: 'channel_not_found' });
  t.match(await slack.call('conversations.info', { channel: secret?.id }, USER), { ok: true, channel: { is_private: true } }, 'alice is in it');
  t.match(await slack.call('conversations.list', { types: 'im' }, NARROW), { ok: false, error: 'missing_scope', needed: 'im:read' });
  const bob = emulator.workspace.personByName('bob');
  const opened = await slack.call('conversations.open', { users: bob?.id, return_im: true }, BOT);
  t.match(opened, { ok: true, channel: { is_im: true, user: bob?.id } });
  const random = emulator.workspace.channelByName('random');
  t.same(await slack.call('conversations.history', { channel: random?.id }, BOT), { ok: false, error: 'not_in_channel' });
});

t.test('chat and reactions: post, thread, history by cursor, update, delete, with Slack\'s refusals', async (t) => {
  const { emulator, slack } = await start(t);
  const general = emulator.workspace.channelByName('general');
  const random = emulator.workspace.channelByName('random');
  t.same(await slack.call('chat.postMessage', { channel: random?.id, text: 'hi' }, BOT), { ok: false, error: 'not_in_channel' });
  t.same(await slack.call('chat.postMessage', { channel: 'CNOWHERE', text: 'hi' }, BOT), { ok: false, error: 'channel_not_found' });
  t.same(await slack.call('chat.postMessage', { channel: general?.id }, BOT), { ok: false, error: 'no_text' });
  t.same(await slack.call('chat.postMessage', { channel: general?.id, blocks: '{not json' }, BOT), { ok: false, error: 'invalid_blocks' });

  const first = await slack.call<{ ok: boolean; ts: string; message: { blocks: Array<{ block_id: string }> } }>(
    'chat.postMessage',
    { channel: '#general', text: 'first', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'first' } }] },
    BOT,
  );
  t.ok(first.ok);
  t.match(first.message.blocks[0]?.block_id, /^\S+$/, 'a block without an id gets one, as in Slack');
  const reply = await slack.call<{ ok: boolean; ts: string }>('chat.postMessage', { channel: general?.id, text: 'in the thread', thread_ts: first.ts }, BOT);
  await slack.call('chat.postMessage', { channel: general?.id, text: 'second' }, BOT);
  const history = [];
  for await (const message of slack.paginate<{ text: string }>('conversations.history', { channel: general?.id }, BOT, 'messages', { limit: 1 })) history.push(message.text);
  t.same(history, ['second', 'first'], 'newest first, no thread replies');
  const thread = await slack.call<{ ok: boolean; messages: Array<{ text: string; reply_count?: number }> }>('conversations.replies', { channel: general?.id, ts: reply.ts }, BOT);
  t.same(thread.messages.map((message) => message.text), ['first', 'in the thread']);
  t.equal(thread.messages[0]?.reply_count, 1);

  const updated = await slack.call('chat.update', { channel: general?.id, ts: first.ts, text: 'first, edited' }, BOT);
  t.match(updated, { ok: true, text: 'first, edited', message: { edited: { user: emulator.workspace.bots.get('example-bot')?.userId } } });
  t.same(await slack.call('chat.update', { channel: general?.id, ts: first.ts, text: 'x' }, USER), { ok: false, error: 'cant_update_message' });
  t.same(await slack.call('reactions.add', { channel: general?.id, timestamp: first.ts, name: 'tada' }, BOT), { ok: true });
  t.same(await slack.call('reactions.add', { channel: general?.id, timestamp: first.ts, name: ':tada:' }, BOT), { ok: false, error: 'already_reacted' });
  t.same(await slack.call('reactions.remove', { channel: general?.id, timestamp: first.ts, name: 'eyes' }, BOT), { ok: false, error: 'no_reaction' });
  t.same(await slack.call('chat.delete', { channel: general?.id, ts: first.ts }, BOT), { ok: true, channel: general?.id, ts: first.ts });
  t.same(await slack.call('chat.delete', { channel: general?.id, ts: first.ts }, BOT), { ok: false, error: 'message_not_found' });
  const alice = emulator.workspace.personByName('alice');
  t.match(await slack.call('chat.postEphemeral', { channel: general?.id, user: alice?.id, text: 'psst' }, BOT), { ok: true, message_ts: /^\d+\.\d{6}$/ });
  t.same(emulator.workspace.ephemeralsFor(general?.id ?? '', alice?.id ?? '').map((message) => message.text), ['psst']);
});

t.test('views and dialogs need a live trigger of the same app; emoji.list', async (t) => {
  const { emulator, slack } = await start(t);
  t.same(await slack.call('views.open', { trigger_id: '1.2.3', view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] } }, BOT), { ok: false, error: 'invalid_trigger_id' });
  t.match(await slack.call('emoji.list', {}, BOT), { ok: true, emoji: { shipit: 'https://emoji.invalid/shipit.png', squirrel: 'alias:shipit' } });
  t.match(await slack.call('emoji.list', {}, NARROW), { ok: false, error: 'missing_scope', needed: 'emoji:read' });
  t.ok(emulator.url.startsWith('http://127.0.0.1:'));
});

t.test('the pacer and the client work against it unchanged', async (t) => {
  const { emulator, slack } = await start(t);
  const paced = new PacedSlackClient(slack, { perChannelPerSecond: 1000 });
  t.teardown(() => paced.close());
  const general = emulator.workspace.channelByName('general');
  const answers = await Promise.all([1, 2, 3].map((n) => paced.call('chat.postMessage', { channel: general?.id, text: `burst ${n}` }, BOT)));
  t.ok(answers.every((answer) => answer.ok));
  t.same(emulator.workspace.messages(general?.id ?? '').map((message) => message.text), ['burst 1', 'burst 2', 'burst 3'], 'in order');
});
