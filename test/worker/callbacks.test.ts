import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { loadConfig } from '../../src/config/load.js';
import type { Bot } from '../../src/config/registry.js';
import { connect } from 'nats';
import { Directory } from '../../src/directory/directory.js';
import { DirectoryStore } from '../../src/directory/store.js';
import { SlackWebClient } from '../../src/slack/web-api.js';
import { httpCallback, HttpCallbackError } from '../../src/worker/callbacks/http.js';
import { formatPython, FormatError } from '../../src/worker/callbacks/python-format.js';
import { BUILT_IN_CALLBACKS, resolveCallback } from '../../src/worker/callbacks/resolve.js';
import { CallbackConfigError, type CallbackContext } from '../../src/worker/callbacks/types.js';
import { postToResponseUrl, ResponseUrlError } from '../../src/worker/response-url.js';
import { startFakeSlack } from '../helpers/fake-slack.js';
import { FIXTURE_CONFIG } from '../helpers/temp-config.js';
import { startTestNats } from '../helpers/nats.js';
import { TEST_CREDENTIALS } from '../helpers/env.js';
import { recordingLogger, startCallbackService } from './helpers.js';

const MESSAGE = 'omnibot.callbacks.message_callbacks';
const config = await loadConfig({ file: FIXTURE_CONFIG, env: TEST_CREDENTIALS });
const echobot = config.registry.bot('testteam', 'echobot') as Bot;

async function builtIn(name: string) {
  return resolveCallback(name, config.baseDir);
}

t.test('every function of omnibot\'s callbacks modules is built in under its omnibot name', async (t) => {
  t.same(Object.keys(BUILT_IN_CALLBACKS).sort(), [
    'omnibot.callbacks.interactive_component_callbacks:echo_dialog_submission_callback',
    `${MESSAGE}:channel_channel_callback`,
    `${MESSAGE}:channel_response_callback`,
    `${MESSAGE}:congratulations_bot_callback`,
    `${MESSAGE}:example_attachment_callback`,
    `${MESSAGE}:example_topic_callback`,
    `${MESSAGE}:help_callback`,
    `${MESSAGE}:specials_callback`,
    `${MESSAGE}:test_callback`,
    'omnibot.callbacks.network_callbacks:http_callback',
    'omnibot.callbacks.slash_command_callbacks:bigemoji_callback',
    'omnibot.callbacks.slash_command_callbacks:echo_callback',
    'omnibot.callbacks.slash_command_callbacks:tableflip_callback',
    'omnibot.callbacks.slash_command_callbacks:unfliptable_callback',
  ]);
  await t.rejects(resolveCallback(`${MESSAGE}:no_such_callback`, config.baseDir), CallbackConfigError);
  await t.rejects(resolveCallback(`${MESSAGE}:toString`, config.baseDir), CallbackConfigError, 'no prototype names');
});

const general = { id: 'C1', name: 'general', name_normalized: 'general', num_members: 9 };

t.test('specials_callback warns about @here / @channel in the configured channels', async (t) => {
  const specials = await builtIn(`${MESSAGE}:specials_callback`);
  const channels = {
    general: { message: "Please don't `{special}` as it notifies {member_count} people.", reaction: 'broken_heart' },
    random: { message: 'Nope {nope}' },
    quiet: {},
  };
  const payload = (channel: object, found: object) => ({ channel, specials: found, ts: '1.5', channel_id: 'C1', text: 't' });
  t.same(await specials(payload(general, { '<!here>': '@here' }), { channels }), {
    actions: [
      { action: 'chat.postMessage', kwargs: { text: "Please don't `@here` as it notifies 9 people." } },
      { action: 'reactions.add', kwargs: { name: 'broken_heart', timestamp: '1.5', channel: 'C1' } },
    ],
  });
  t.same(await specials(payload({ ...general, num_members: undefined }, { '<!channel>': '@channel' }), { channels }), {
    actions: [
      { action: 'chat.postMessage', kwargs: { text: "Please don't `@channel` as it notifies `?` people." } },
      { action: 'reactions.add', kwargs: { name: 'broken_heart', timestamp: '1.5', channel: 'C1' } },
    ],
  });
  t.same(await specials(payload({ name_normalized: 'random' }, { '<!here>': '@here' }), { channels }), {
    actions: [{ action: 'chat.postMessage', kwargs: { text: "Please don't use @here" } }],
  }, 'a template with an unknown field falls back');
  t.same(await specials(payload({ name_normalized: 'quiet' }, { '<!here>': '@here' }), { channels }), {
    actions: [{ action: 'chat.postMessage', kwargs: { text: "Please don't use @here" } }],
  });
  t.same(await specials(payload(general, {}), { channels }), {}, 'no special');
  t.same(await specials(payload({ name_normalized: 'elsewhere' }, { '<!here>': '@here' }), { channels }), {}, 'not a configured channel');
  t.throws(() => specials(payload(general, {}), {}), CallbackConfigError, 'channels is required');
});

t.test('channel_channel_callback reacts and reminds in #channel-channel only', async (t) => {
  const callback = await builtIn(`${MESSAGE}:channel_channel_callback`);
  const answer = await callback({ channel: { name_normalized: 'channel-channel' }, ts: '2.5', channel_id: 'C_CC' }, {});
  t.same(
    answer.actions?.map((a) => [a.action, a.kwargs.name ?? a.kwargs.text]),
    [
      ['reactions.add', 'please_make_sure_to_use_at_here_or_at_channel_in_your_message_next_time'],
      ['reactions.add', 'mega'],
      ['reactions.add', 'bangbang'],
      ['chat.postMessage', 'Please make sure to use <!here> or <!channel> in your message next time.'],
    ],
  );
  t.equal(answer.actions?.[3]?.kwargs.thread_ts, null, 'posted outside the thread');
  t.same(await callback({ channel: general, ts: '2.5', channel_id: 'C1' }, {}), {});
});

t.test('channel_response_callback: whole words, or phrases anywhere', async (t) => {
  const callback = await builtIn(`${MESSAGE}:channel_response_callback`);
  const channels = { general: { find: ['vpn', 'cannot log in'], message: 'See go/it' }, broken: { message: 'x' } };
  const run = (text: string, channel: object = general) => callback({ channel, parsed_text: text }, { channels });
  const posted = { actions: [{ action: 'chat.postMessage', kwargs: { text: 'See go/it' } }] };
  t.same(await run('my vpn is down'), posted);
  t.same(await run('I cannot log in today'), posted);
  t.same(await run('vpnclient is down'), {}, 'a single word must be whole');
  t.same(await run('my vpn', { name_normalized: 'broken' }), {}, 'no find list: nothing');
  t.same(await run('my vpn', {}), {});
});

t.test('congratulations_bot_callback, example callbacks and test_callback', async (t) => {
  const congratulations = await builtIn(`${MESSAGE}:congratulations_bot_callback`);
  const kwargs = { channels: ['general'], emojis: ['tada'], messages: ['Congratulations!'] };
  t.same(await congratulations({ channel: general, ts: '3.5', channel_id: 'C1' }, kwargs), {
    actions: [
      { action: 'reactions.add', kwargs: { name: 'tada', timestamp: '3.5', channel: 'C1' } },
      { action: 'chat.postMessage', kwargs: { thread_ts: '3.5', text: 'Congratulations!' } },
    ],
  });
  t.same(await congratulations({ channel: { name: 'dev' } }, kwargs), {});
  const topic = await builtIn(`${MESSAGE}:example_topic_callback`);
  t.same(await topic({ args: 'new topic', channel_id: 'C1' }, {}), {
    actions: [{ action: 'channels.setTopic', kwargs: { topic: 'new topic', channel: 'C1' } }],
  });
  const attachment = await builtIn(`${MESSAGE}:example_attachment_callback`);
  t.equal((await attachment({}, {})).actions?.[0]?.kwargs.thread, false);
  const test = await builtIn(`${MESSAGE}:test_callback`);
  t.same(await test({}, { text: 'ping' }), { actions: [{ action: 'chat.postMessage', kwargs: { text: 'ping' } }] });
  t.same(await test({}, {}), { actions: [{ action: 'chat.postMessage', kwargs: { text: '' } }] });
});

t.test('help_callback needs the worker\'s context', async (t) => {
  const help = await builtIn(`${MESSAGE}:help_callback`);
  t.throws(() => help({}, {}), CallbackConfigError);
  const context = { bot: echobot } as unknown as CallbackContext;
  t.same(await help({}, {}, context), {
    actions: [
      {
        action: 'chat.postMessage',
        kwargs: { attachments: [{ title: 'Commands:', fields: [{ title: 'help', value: 'Help documentation for omnibot.', short: false }] }] },
      },
    ],
  });
});

t.test('slash command callbacks: tableflip, unfliptable, bigemoji', async (t) => {
  const flip = await builtIn('omnibot.callbacks.slash_command_callbacks:tableflip_callback');
  t.same(await flip({}, {}), { responses: [{ response_type: 'in_channel', text: '(╯°□°)╯︵ ┻━┻' }] });
  const unflip = await builtIn('omnibot.callbacks.slash_command_callbacks:unfliptable_callback');
  t.same(await unflip({}, {}), { responses: [{ response_type: 'in_channel', text: '┬─┬ノ( º _ ºノ)' }] });

  const fake = await startFakeSlack();
  t.teardown(() => fake.close());
  fake.on('emoji.list', { ok: true, emoji: { partyparrot: 'https://emoji/parrot.gif', parrot: 'alias:partyparrot', loop: 'alias:loop' } });
  const slack = new SlackWebClient({ baseUrl: fake.url, maxRetries: 0 });
  t.teardown(() => slack.close());
  const nats = await startTestNats(t);
  const nc = await connect({ servers: nats.url });
  t.teardown(() => nc.close());
  const store = await DirectoryStore.open(nc, { entryTtlMs: 60_000 });
  const quiet = { warn() {}, info() {} };
  const directory = new Directory({ store, slack, refreshIntervalMs: 60_000, memoryTtlMs: 60_000, logger: quiet });
  const context: CallbackContext = { bot: echobot, config, directory, slack, logger: recordingLogger() };
  const bigemoji = await builtIn('omnibot.callbacks.slash_command_callbacks:bigemoji_callback');
  const answer = async (text: string) => (await bigemoji({ text, user_id: 'U1' }, {}, context)).responses?.[0];
  t.same(await answer('  :parrot:  '), {
    response_type: 'in_channel',
    text: '<@U1> `/bigemoji :parrot:` => https://emoji/parrot.gif',
    omnibot_parse: { text: ['users', 'specials', 'channels'] },
  }, 'an alias resolves to its image');
  t.equal((await answer('smile'))?.text, '<@U1> `/bigemoji :smile:` => :smile:', 'not a custom emoji: the emoji itself');
  t.equal((await answer(':loop:'))?.text, '<@U1> `/bigemoji :loop:` => :loop:', 'an alias loop resolves to nothing');
  t.same(await answer('two words'), { response_type: 'ephemeral', text: 'usage: /bigemoji :emoji:' });
  t.equal(fake.callsTo('emoji.list').length, 1, 'the emoji list is kept in the directory');
  t.equal(fake.callsTo('emoji.list')[0]?.token, 'xoxb-echobot');
});

t.test('formatPython: {name} fields and {{ }} escapes, KeyError otherwise', async (t) => {
  t.equal(formatPython('{a} and {{b}} {a}', { a: 'x' }), 'x and {b} x');
  t.throws(() => formatPython('{b}', { a: 'x' }), FormatError);
  t.throws(() => formatPython('{}', { a: 'x' }), FormatError);
  t.throws(() => formatPython('a } b', {}), FormatError);
});

t.test('http_callback: a 4xx fails the message without retrying here; non-JSON is dropped; an unreachable service fails it', async (t) => {
  const service = await startCallbackService(t);
  service.on('/bad', { status: 400, json: { error: 'no' } });
  service.on('/text', { text: 'hello' });
  service.on('/ok', { json: { actions: [] } });
  const call = (path: string) => httpCallback({ a: 1 }, { request_kwargs: { url: `${service.url}${path}`, headers: { 'x-one': 1 } } }, { attempts: 2, backoffMs: 1 });
  t.same(await call('/ok'), { actions: [] });
  t.same(service.callsTo('/ok')[0]?.body, { a: 1 });
  t.equal(service.callsTo('/ok')[0]?.headers['x-one'], '1');
  await t.rejects(call('/bad'), { name: 'HttpCallbackError', retryable: true, message: /answered 400/ });
  t.equal(service.callsTo('/bad').length, 1, 'a 4xx is not retried by the callback itself');
  await t.rejects(call('/text'), { name: 'HttpCallbackError', retryable: false });
  service.on('/deep', { text: `{"actions":${'['.repeat(5_000)}${']'.repeat(5_000)}}` });
  await t.rejects(call('/deep'), { name: 'HttpCallbackError', retryable: false, message: /nested deeper than 128 levels/ }, 'an answer nested 5,000 deep: dropped, not retried');
  await t.rejects(httpCallback({}, {}), { name: 'HttpCallbackError', retryable: false });
  const closed = await closedPort();
  const error = await httpCallback({}, { request_kwargs: { url: `http://127.0.0.1:${closed}/x` } }, { attempts: 2, backoffMs: 1 }).catch((e: unknown) => e);
  t.type(error, HttpCallbackError);
  t.equal((error as HttpCallbackError).retryable, true);
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

t.test('postToResponseUrl retries 5xx, gives up on other 4xx, and refuses other schemes', async (t) => {
  const service = await startCallbackService(t);
  let failures = 1;
  service.on('/flaky', () => (failures-- > 0 ? { status: 503, text: 'busy' } : { status: 200, text: 'ok' }));
  await postToResponseUrl(`${service.url}/flaky`, { text: 'hi' }, { backoffMs: 1 });
  t.equal(service.callsTo('/flaky').length, 2);
  t.same(service.callsTo('/flaky')[1]?.body, { text: 'hi' });

  service.on('/gone', { status: 404, text: 'expired_url' });
  await t.rejects(postToResponseUrl(`${service.url}/gone`, {}, { backoffMs: 1 }), { name: 'ResponseUrlError', retryable: false, status: 404 });
  t.equal(service.callsTo('/gone').length, 1);

  service.on('/down', { status: 500, text: 'oops' });
  await t.rejects(postToResponseUrl(`${service.url}/down`, {}, { backoffMs: 1, attempts: 3 }), { name: 'ResponseUrlError', retryable: true });
  t.equal(service.callsTo('/down').length, 3);

  await t.rejects(postToResponseUrl('file:///etc/passwd', {}), ResponseUrlError);
  await t.rejects(postToResponseUrl('not a url', {}), { name: 'ResponseUrlError', retryable: false });
});

t.test('performActions: a directory list Slack refuses skips that action only; a transport failure propagates', async (t) => {
  const { performActions } = await import('../../src/worker/dispatch.js');
  const { SlackApiError, SlackClientError } = await import('../../src/slack/web-api.js');
  const calls: Array<[string, Record<string, unknown>]> = [];
  let transportDown = false;
  const slack = {
    call: async (method: string, params: Record<string, unknown>) => {
      if (transportDown) throw new SlackClientError('request_failed', method, 'down');
      calls.push([method, params]);
      return { ok: true };
    },
  } as unknown as Pick<SlackWebClient, 'call'>;
  const parser = {
    userName: async () => null,
    channelName: async () => null,
    channelIdByName: async () => null,
    userIdByName: async () => {
      throw new SlackApiError('users.list', 'missing_scope');
    },
  };
  const logger = recordingLogger();
  const context = {
    bot: echobot,
    baseDir: config.baseDir,
    slack,
    parser,
    logger,
    logFields: {},
    callbackContext: { bot: echobot, config, directory: {} as Directory, slack, logger },
    postToResponseUrl: async () => {},
  };
  await performActions(
    context,
    [
      { action: 'chat.postMessage', kwargs: { text: 'hi @bob', omnibot_parse: { text: ['users'] } } },
      { action: 'reactions.add', kwargs: { name: 'tada' } },
      { action: 'chat.postMessage', kwargs: { text: 'plain', thread_ts: '' } },
    ],
    { channel: 'C1', threadTs: '5.5' },
  );
  t.same(calls, [
    ['reactions.add', { name: 'tada' }],
    ['chat.postMessage', { text: 'plain', channel: 'C1' }],
  ], 'the parse failure skipped its action; an empty thread_ts means no thread');
  t.equal(logger.at('error')[0]?.message, 'action skipped');
  transportDown = true;
  await t.rejects(performActions(context, [{ action: 'reactions.add', kwargs: {} }]), SlackClientError);
});
