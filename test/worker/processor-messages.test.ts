import t from 'tap';
import { SlackClientError } from '../../src/slack/web-api.js';
import { HttpCallbackError } from '../../src/worker/callbacks/http.js';
import { processWebhook, UnroutableMessageError } from '../../src/worker/processor.js';
import { startTestNats } from '../helpers/nats.js';
import { eventCallback, message, workerConfigYaml, workerWorld } from './helpers.js';

const nats = await startTestNats(t);

t.test('a directed command reaches its http callback with omnibot\'s payload; its actions reach Slack', async (t) => {
  const { fake, service, deps } = await workerWorld(t, nats);
  service.on('/deploy', {
    json: { actions: [{ action: 'chat.postMessage', kwargs: { text: 'deploying for @alice', omnibot_parse: { text: ['users'] } } }] },
  });
  const event = message('<@UBOT> deploy api now', { ts: '100.000100' });
  await processWebhook(deps, 'event', eventCallback(event));

  t.equal(service.callsTo('/deploy').length, 1, 'the deploy callback was called once');
  t.equal(service.callsTo('/dep').length, 0, 'only the first matching command runs');
  const payload = service.callsTo('/deploy')[0]?.body ?? {};
  t.match(payload, {
    omnibot_payload_type: 'message',
    event_type: 'message',
    bot: { name: 'echobot', bot_id: 'A12345678' },
    team: { name: 'testteam', team_id: 'T12345678' },
    user: 'U_ALICE',
    parsed_user: { id: 'U_ALICE', name: 'alice' },
    text: '<@UBOT> deploy api now',
    parsed_text: '@echobot deploy api now',
    users: { '<@UBOT>': 'echobot' },
    channels: {},
    subteams: {},
    specials: {},
    emojis: {},
    emails: {},
    urls: {},
    channel_id: 'C_GENERAL',
    channel: { id: 'C_GENERAL', name: 'general' },
    directed: true,
    mentioned: true,
    command_text: 'deploy api now',
    ts: '100.000100',
    thread_ts: null,
    parent_user_id: null,
    match_type: 'command',
    match: 'deploy',
    command: 'deploy',
    args: 'api now',
  });
  t.notOk('request_kwargs' in payload, 'no configuration leaks into the payload');

  const posts = fake.callsTo('chat.postMessage');
  t.equal(posts.length, 1);
  t.equal(posts[0]?.params.channel, 'C_GENERAL', 'channel defaults to the message\'s');
  t.equal(posts[0]?.params.thread_ts, '100.000100', 'thread defaults to the message');
  t.equal(posts[0]?.token, 'xoxb-echobot', 'as the bot');
  t.equal(posts[0]?.params.text, 'deploying for <@U_ALICE|alice>', 'omnibot_parse applied');
  t.notOk('omnibot_parse' in (posts[0]?.params ?? {}), 'omnibot_parse is not sent to Slack');
  t.equal(fake.callsTo('auth.test').length, 1);

  // The bot's user id is asked of Slack once per bot.
  await processWebhook(deps, 'event', eventCallback(message('<@UBOT> deploy again')));
  t.equal(fake.callsTo('auth.test').length, 1, 'auth.test is cached');
  t.equal(service.callsTo('/deploy').length, 2);
});

t.test('commands: the first matching handler only, matched as a prefix of command_text', async (t) => {
  const { service, deps } = await workerWorld(t, nats);
  await processWebhook(deps, 'event', eventCallback(message('<@UBOT> dep something')));
  t.equal(service.callsTo('/dep').length, 1, '"dep something" is the dep command');
  t.equal(service.callsTo('/deploy').length, 0);
  t.equal(service.callsTo('/dep')[0]?.body.args, 'something');

  await processWebhook(deps, 'event', eventCallback(message('<@UBOT> deployment')));
  t.equal(service.callsTo('/deploy').length, 1, 'a prefix: "deployment" starts with deploy');
  t.equal(service.callsTo('/dep').length, 1, 'and dep, which also matches, does not run');
});

t.test('a directed message and a regex match both run; an explicit channel and thread_ts are kept', async (t) => {
  const { fake, service, deps } = await workerWorld(t, nats);
  service.on('/incident', { json: { actions: [{ action: 'chat.postMessage', kwargs: { channel: 'C_DEV', thread_ts: null, text: 'seen' } }] } });
  await processWebhook(deps, 'event', eventCallback(message('<@UBOT> deploy because of an incident')));
  t.equal(service.callsTo('/deploy').length, 1);
  t.equal(service.callsTo('/incident').length, 1);
  t.match(service.callsTo('/incident')[0]?.body, { match_type: 'regex', match: '\\bincident\\b', regex: '\\bincident\\b' });
  t.notOk('command' in (service.callsTo('/incident')[0]?.body ?? {}), 'each handler gets its own match fields');
  const post = fake.callsTo('chat.postMessage')[0];
  t.equal(post?.params.channel, 'C_DEV');
  t.notOk(post && 'thread_ts' in post.params, 'thread_ts: null posts outside any thread');
});

t.test('regex handlers search parsed_text as Python\'s re.search; absence handlers call back when it does not match', async (t) => {
  const { fake, service, deps } = await workerWorld(t, nats);
  await processWebhook(deps, 'event', eventCallback(message('we have an incident in prod')));
  t.equal(service.callsTo('/incident').length, 1, 'found anywhere in the text');
  await processWebhook(deps, 'event', eventCallback(message('incidentally, nothing')));
  t.equal(service.callsTo('/incident').length, 1, '\\b is honoured');

  const absence = { api_app_id: 'A33333333' };
  await processWebhook(deps, 'event', eventCallback(message('hello everyone'), absence));
  t.equal(service.callsTo('/absence').length, 1, 'no @here: the absence handler runs');
  t.match(service.callsTo('/absence')[0]?.body, { bot: { name: 'absencebot' }, match_type: 'regex', directed: false });
  await processWebhook(deps, 'event', eventCallback(message('hello <!here>'), absence));
  t.equal(service.callsTo('/absence').length, 1, '@here present: it does not');
  t.equal(fake.callsTo('chat.postMessage').length, 0, 'nothing was directed, so no help either');
});

t.test('thread replies go only to handlers with match_reply, and replies stay in the thread', async (t) => {
  const { fake, service, deps } = await workerWorld(t, nats);
  service.on('/thread', { json: { actions: [{ action: 'chat.postMessage', kwargs: { text: 'in thread' } }] } });
  const reply = message('an incident, thread-ok', { thread_ts: '50.000001', parent_user_id: 'U_BOB', ts: '60.000001' });
  await processWebhook(deps, 'event', eventCallback(reply));
  t.equal(service.callsTo('/incident').length, 0, 'the incident regex has no match_reply');
  t.equal(service.callsTo('/thread').length, 1, 'the match_reply handler ran');
  t.match(service.callsTo('/thread')[0]?.body, { thread_ts: '50.000001', parent_user_id: 'U_BOB', ts: '60.000001' });
  t.equal(fake.callsTo('chat.postMessage')[0]?.params.thread_ts, '50.000001', 'answered in the thread (its parent ts)');

  await processWebhook(deps, 'event', eventCallback(message('<@UBOT> deploy', { thread_ts: '50.000001' })));
  t.equal(service.callsTo('/deploy').length, 0, 'a directed command in a thread does not match a handler without match_reply');
});

t.test('match_mention: a command handler takes messages that mention the bot without being directed at it', async (t) => {
  const { service, deps } = await workerWorld(t, nats);
  await processWebhook(deps, 'event', eventCallback(message('hey <@UMENTION> status please'), { api_app_id: 'A22222222' }));
  t.equal(service.callsTo('/status').length, 1);
  t.match(service.callsTo('/status')[0]?.body, { directed: false, mentioned: true, command_text: 'status please', args: 'please' });
  await processWebhook(deps, 'event', eventCallback(message('hey all, status please'), { api_app_id: 'A22222222' }));
  t.equal(service.callsTo('/status').length, 1, 'not mentioned: not matched');

  await processWebhook(deps, 'event', eventCallback(message('hey <@UBOT> deploy')));
  t.equal(service.callsTo('/deploy').length, 0, 'without match_mention a mention is not enough');
});

t.test('an IM is directed whatever its text, and answers in it are not threaded', async (t) => {
  const { fake, service, deps } = await workerWorld(t, nats);
  service.on('/deploy', { json: { actions: [{ action: 'chat.postMessage', kwargs: { text: 'ok' } }] } });
  await processWebhook(deps, 'event', eventCallback(message('deploy web', { channel: 'D_ALICE' })));
  t.equal(service.callsTo('/deploy').length, 1);
  t.match(service.callsTo('/deploy')[0]?.body, { directed: true, channel: { id: 'D_ALICE', is_im: true }, args: 'web' });
  const post = fake.callsTo('chat.postMessage')[0];
  t.equal(post?.params.channel, 'D_ALICE');
  t.notOk(post && 'thread_ts' in post.params, 'no thread in an IM');
});

t.test('an unmatched directed message gets the built-in help; an unmatched undirected one gets nothing', async (t) => {
  const { fake, service, deps } = await workerWorld(t, nats);
  await processWebhook(deps, 'event', eventCallback(message('just chatting about lunch')));
  t.equal(service.calls.length, 0);
  t.equal(fake.callsTo('chat.postMessage').length, 0, 'not directed: no help');

  await processWebhook(deps, 'event', eventCallback(message('<@UBOT> what can you do', { ts: '70.000007' })));
  t.equal(service.calls.length, 0, 'no handler matched');
  const posts = fake.callsTo('chat.postMessage');
  t.equal(posts.length, 1, 'help was posted');
  t.equal(posts[0]?.params.channel, 'C_GENERAL');
  t.equal(posts[0]?.params.thread_ts, '70.000007');
  const attachments = JSON.parse(posts[0]?.params.attachments ?? '[]') as Array<{ title: string; fields: Array<{ title: string; value: string; short: boolean }> }>;
  t.same(
    attachments.map((a) => a.title),
    ['Commands:', 'Regex matches:'],
  );
  t.same(attachments[0]?.fields[0], { title: 'deploy', value: 'Deploys a service.', short: false });
  t.ok(attachments[0]?.fields.some((f) => f.title === 'boom' && f.value === ''), 'a handler without description shows an empty one');
  t.same(
    attachments[1]?.fields.map((f) => f.title),
    ['\\bincident\\b', 'thread-ok'],
    'regex handlers of this bot only (not reaction handlers, not other bots\')',
  );
});

t.test('help_callback from the configuration replaces the built-in help; default_to_help: false turns it off', async (t) => {
  const withHelp = await workerWorld(t, nats, {
    yaml: (service) =>
      workerConfigYaml(
        service,
        `help_callback:
  callback:
    module: "omnibot.callbacks.network_callbacks:http_callback"
    kwargs:
      request_kwargs:
        url: "${service}/help"
`,
      ),
  });
  await processWebhook(withHelp.deps, 'event', eventCallback(message('<@UBOT> what can you do')));
  t.equal(withHelp.service.callsTo('/help').length, 1);
  t.match(withHelp.service.callsTo('/help')[0]?.body, { directed: true, command_text: 'what can you do' });
  t.notOk('match_type' in (withHelp.service.callsTo('/help')[0]?.body ?? {}), 'help is not a match');
  t.equal(withHelp.fake.callsTo('chat.postMessage').length, 0, 'the built-in help did not run');

  const noHelp = await workerWorld(t, nats, { yaml: (service) => workerConfigYaml(service, 'default_to_help: false\n') });
  await processWebhook(noHelp.deps, 'event', eventCallback(message('<@UBOT> what can you do')));
  t.equal(noHelp.fake.callsTo('chat.postMessage').length, 0);
});

t.test('messages from bots, from Slackbot, from the bot itself and with any subtype are ignored', async (t) => {
  const { fake, service, deps } = await workerWorld(t, nats);
  const ignored = [
    message('an incident', { bot_id: 'B123' }),
    message('an incident', { bot_profile: { id: 'B123' }, user: 'U_BOB' }),
    message('an incident', { subtype: 'bot_message', user: undefined }),
    message('an incident', { subtype: 'thread_broadcast', thread_ts: '1.0' }),
    message('an incident', { subtype: 'file_share' }),
    message('an incident', { subtype: 'message_changed' }),
    message('an incident', { user: 'USLACKBOT' }),
    message('an incident', { user: 'UBOT' }),
  ];
  for (const event of ignored) await processWebhook(deps, 'event', eventCallback(event));
  t.equal(service.calls.length, 0, 'no callback ran');
  t.equal(fake.callsTo('chat.postMessage').length, 0);
  t.equal(fake.callsTo('users.info').length + fake.callsTo('conversations.info').length, 0, 'nothing was looked up for them');

  await processWebhook(deps, 'event', eventCallback({ ...message('an incident'), type: 'app_mention' }));
  t.equal(service.callsTo('/incident').length, 1, 'app_mention events are messages too');
  t.equal(service.callsTo('/incident')[0]?.body.event_type, 'app_mention');
});

t.test('other events and malformed messages are logged, not thrown', async (t) => {
  const { service, deps, logger } = await workerWorld(t, nats);
  await processWebhook(deps, 'event', eventCallback({ type: 'channel_created', channel: { id: 'C9' } }));
  await processWebhook(deps, 'event', eventCallback({ type: 'message', user: 'U_ALICE', channel: 'C_GENERAL', ts: '1.0' }));
  t.equal(service.calls.length, 0);
  t.ok(logger.at('error').some((line) => line.message === 'message event not processed'), 'the message without text is logged');
});

t.test('a webhook for a team or bot that is not configured is unroutable', async (t) => {
  const { deps } = await workerWorld(t, nats);
  await t.rejects(processWebhook(deps, 'event', eventCallback(message('hi'), { api_app_id: 'A_UNKNOWN' })), UnroutableMessageError);
  await t.rejects(processWebhook(deps, 'event', eventCallback(message('hi'), { team_id: 'T_UNKNOWN' })), UnroutableMessageError);
  await t.rejects(processWebhook(deps, 'event', eventCallback(message('hi'), { team_id: 'T99999999' })), UnroutableMessageError, 'the app is not installed in that team');
  await t.rejects(processWebhook(deps, 'slash_command', { team_id: 'T12345678', command: '/deploy' }), UnroutableMessageError, 'no omnibot_bot_id');
});

t.test('a callback that throws, and an http callback whose service stays down, propagate (the message is retried)', async (t) => {
  const { service, deps } = await workerWorld(t, nats);
  await t.rejects(processWebhook(deps, 'event', eventCallback(message('<@UBOT> boom'))), { message: 'callback exploded' });
  service.on('/flaky', { status: 503, json: {} });
  const error = await processWebhook(deps, 'event', eventCallback(message('<@UBOT> flaky'))).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.type(error, HttpCallbackError);
  t.equal((error as HttpCallbackError).retryable, true);
  t.equal(service.callsTo('/flaky').length, 2, 'after its own bounded retries');
});

t.test('a Slack that cannot be reached propagates; Slack\'s ok:false does not, after trying the user token', async (t) => {
  const { fake, service, deps, logger } = await workerWorld(t, nats, { slackMaxRetries: 0 });
  service.on('/deploy', { json: { actions: [{ action: 'chat.postMessage', kwargs: { text: 'hello' } }] } });

  fake.on('chat.postMessage', (call) => (call.token === 'xoxb-echobot' ? { ok: false, error: 'not_in_channel' } : { ok: false, error: 'is_archived' }));
  await processWebhook(deps, 'event', eventCallback(message('<@UBOT> deploy')));
  t.same(
    fake.callsTo('chat.postMessage').map((c) => c.token),
    ['xoxb-echobot', 'xoxp-echobot-user'],
    'refused for the bot token, tried as the user',
  );
  t.ok(logger.at('warn').some((line) => line.message === 'Slack refused the action' && line.object.error === 'is_archived'));

  fake.failNext('chat.postMessage', { status: 500 }, 1);
  await t.rejects(processWebhook(deps, 'event', eventCallback(message('<@UBOT> deploy'))), SlackClientError);
});

t.test('unusable callback answers are logged and skipped; the rest still runs', async (t) => {
  const { fake, service, deps, logger } = await workerWorld(t, nats);
  await processWebhook(deps, 'event', eventCallback(message('<@UBOT> garbage')));
  t.equal(fake.callsTo('chat.postMessage').length, 0, 'no malformed action reached Slack');
  const errors = logger.at('error').map((line) => line.message);
  t.ok(errors.includes('Action in response is not a dict.'));
  t.ok(errors.includes('action skipped'), 'an invalid method name is skipped');
  t.ok(errors.includes('action kwargs is not an object; action skipped'));

  service.on('/deploy', { text: 'this is not JSON' });
  await processWebhook(deps, 'event', eventCallback(message('<@UBOT> deploy because of an incident')));
  t.equal(service.callsTo('/incident').length, 1, 'the next handler ran after a callback answered garbage');
  t.ok(logger.at('error').some((line) => line.message.startsWith('callback failed')));
});

t.test('JavaScript callbacks get the payload, a copy of their kwargs and the worker\'s context', async (t) => {
  const { fake, deps } = await workerWorld(t, nats);
  await processWebhook(deps, 'event', eventCallback(message('<@UBOT> context  x y ')));
  t.equal(fake.callsTo('chat.postMessage')[0]?.params.text, 'echobot/testteam hi context [x y]');
});

t.test('a callback that changes its payload or kwargs changes nothing for the next callback or the configuration', async (t) => {
  const { service, deps, config, logger } = await workerWorld(t, nats);
  for (let i = 0; i < 2; i++) await processWebhook(deps, 'event', eventCallback(message('<@UBOT> mutate')));
  t.same(
    service.callsTo('/after-mutate').map((call) => call.body.text),
    ['<@UBOT> mutate', '<@UBOT> mutate'],
  );
  const handler = config.registry.bot('testteam', 'echobot')?.handlers.message.find((h) => h.match === 'mutate');
  t.same(handler?.callbacks?.[0]?.kwargs, { greeting: 'hi' });
  t.equal(logger.at('error').length, 0);
});

t.test('a message callback answering with responses: nothing is posted (no response_url), and a warning says why', async (t) => {
  const { fake, service, deps, logger } = await workerWorld(t, nats);
  service.on('/deploy', { json: { responses: [{ text: 'deploying' }], attachments: [] } });
  await processWebhook(deps, 'event', eventCallback(message('<@UBOT> deploy api now', { ts: '300.000100' })));
  t.equal(service.callsTo('/deploy').length, 1, 'the callback ran');
  t.equal(fake.callsTo('chat.postMessage').length, 0, 'nothing posted, as omnibot posted nothing');
  const warning = logger.at('warn').find((line) => line.message.startsWith('callback answered with keys that nothing uses'));
  t.ok(warning, 'warned');
  t.match(warning?.message, /keys that nothing uses: responses, attachments \(a message callback's answer may have actions\)/);
  t.same(warning?.object.unused_keys, ['responses', 'attachments']);
  t.match(warning?.object.hint, /a message has no response_url.*chat\.postMessage/);
  t.ok(logger.at('debug').some((line) => line.message === 'callback answered' && line.object.responses === 1 && line.object.actions === 0), 'and at debug, what it answered');
});

t.test('an answer with only keys that are used: no warning', async (t) => {
  const { service, deps, logger } = await workerWorld(t, nats);
  service.on('/deploy', { json: { actions: [] } });
  await processWebhook(deps, 'event', eventCallback(message('<@UBOT> deploy api now', { ts: '301.000100' })));
  t.equal(logger.at('warn').filter((line) => line.message.includes('nothing uses')).length, 0);
});
