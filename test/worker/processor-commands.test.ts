import t from 'tap';
import { processWebhook } from '../../src/worker/processor.js';
import { ResponseUrlError } from '../../src/worker/response-url.js';
import { startTestNats } from '../helpers/nats.js';
import { workerWorld } from './helpers.js';

const nats = await startTestNats(t);

function slashCommand(service: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    token: 'verify-echobot',
    team_id: 'T12345678',
    team_domain: 'test',
    channel_id: 'C_GENERAL',
    channel_name: 'general',
    user_id: 'U_ALICE',
    user_name: 'alice',
    command: '/deploy',
    text: 'api <@U_BOB> <#C_DEV>',
    api_app_id: 'A12345678',
    response_url: `${service}/response`,
    trigger_id: '123.456.abc',
    omnibot_bot_id: 'A12345678',
    ...fields,
  };
}

t.test('a slash command\'s callback gets omnibot\'s payload; its responses go to response_url with the handler\'s response_type', async (t) => {
  const { fake, service, deps } = await workerWorld(t, nats);
  service.on('/slash', {
    json: {
      responses: [
        { text: 'deploying, @here', omnibot_parse: { text: ['specials'] } },
        { text: 'just for you', response_type: 'ephemeral' },
      ],
      actions: [{ action: 'chat.postMessage', kwargs: { channel: 'C_DEV', text: 'deployed' } }],
    },
  });
  await processWebhook(deps, 'slash_command', slashCommand(service.url));

  t.equal(service.callsTo('/slash').length, 1);
  const payload = service.callsTo('/slash')[0]?.body ?? {};
  t.match(payload, {
    omnibot_payload_type: 'slash_command',
    bot: { name: 'echobot', bot_id: 'A12345678' },
    team: { name: 'testteam', team_id: 'T12345678' },
    enterprise_id: null,
    enterprise_name: null,
    command: '/deploy',
    response_url: `${service.url}/response`,
    trigger_id: '123.456.abc',
    user_id: 'U_ALICE',
    parsed_user: { id: 'U_ALICE', name: 'alice' },
    text: 'api <@U_BOB> <#C_DEV>',
    parsed_text: 'api @bob #dev',
    channel_id: 'C_GENERAL',
    channel: { id: 'C_GENERAL', name: 'general' },
    users: { '<@U_BOB>': 'bob' },
    channels: { '<#C_DEV>': 'dev' },
    specials: {},
  });
  t.notOk('token' in payload, 'Slack\'s verification token is not passed on');

  const responses = service.callsTo('/response').map((call) => call.body);
  t.equal(responses.length, 2, 'both responses were posted, by the default poster');
  t.equal(responses[0]?.response_type, 'in_channel', 'the handler\'s response_type');
  t.match(responses[0]?.text, /^deploying, <!here/, 'after omnibot_parse');
  t.notOk(responses[0] && 'omnibot_parse' in responses[0]);
  t.equal(responses[1]?.response_type, 'ephemeral', 'a response keeps its own');
  t.equal(service.callsTo('/response')[0]?.headers['content-type'], 'application/json; charset=utf-8');

  const posts = fake.callsTo('chat.postMessage');
  t.equal(posts.length, 1);
  t.equal(posts[0]?.params.channel, 'C_DEV');
  t.notOk(posts[0] && 'thread_ts' in posts[0].params, 'slash command actions go as given');
});

t.test('omnibot\'s echo_callback, with responses posted through an injected poster; unknown commands do nothing', async (t) => {
  const posted: Array<{ url: string; body: Record<string, unknown> }> = [];
  const { fake, service, deps } = await workerWorld(t, nats, {
    deps: {
      postToResponseUrl: async (url, body) => {
        posted.push({ url, body });
      },
    },
  });
  await processWebhook(deps, 'slash_command', slashCommand(service.url, { command: '/echo', text: 'hi <@U_BOB>' }));
  t.same(posted, [{ url: `${service.url}/response`, body: { response_type: 'ephemeral', text: 'hi <@U_BOB|bob>' } }], 'ephemeral by default');
  const post = fake.callsTo('chat.postMessage')[0];
  t.equal(post?.params.channel, 'echo');
  t.match(post?.params.text, /^<!here(\|here)?> hi <@U_BOB\|bob>$/);

  await processWebhook(deps, 'slash_command', slashCommand(service.url, { command: '/unknown' }));
  t.equal(posted.length, 1);
  t.equal(service.calls.length, 0);
});

t.test('a response_url that refuses is logged; one that can\'t be reached is retried later', async (t) => {
  const { service, deps, logger } = await workerWorld(t, nats);
  service.on('/slash', { json: { responses: [{ text: 'one' }] } });
  service.on('/response', { status: 404, text: 'expired_url' });
  await processWebhook(deps, 'slash_command', slashCommand(service.url));
  t.ok(logger.at('error').some((line) => line.message === 'response_url refused the response'));

  const down = await workerWorld(t, nats, {
    deps: {
      postToResponseUrl: async () => {
        throw new ResponseUrlError('response_url failed after 3 attempts (ECONNREFUSED)', true);
      },
    },
  });
  down.service.on('/slash', { json: { responses: [{ text: 'one' }] } });
  await t.rejects(processWebhook(down.deps, 'slash_command', slashCommand(down.service.url)), ResponseUrlError);
});

function blockAction(service: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'block_actions',
    token: 'verify-echobot',
    team: { id: 'T12345678', domain: 'test' },
    user: { id: 'U_ALICE', username: 'alice' },
    api_app_id: 'A12345678',
    channel: { id: 'C_GENERAL', name: 'general' },
    trigger_id: '789.012.def',
    response_url: `${service}/iresponse`,
    message: { type: 'message', user: 'U_BOB', text: 'please approve <@U_ALICE> in <#C_DEV>', ts: '400.000100' },
    actions: [{ block_id: 'approve', action_id: 'yes', type: 'button', value: '1' }],
    omnibot_bot_id: 'A12345678',
    ...fields,
  };
}

t.test('an interactive component runs its handler\'s (asynchronous) callbacks; responses to response_url, actions to Slack', async (t) => {
  const { fake, service, deps } = await workerWorld(t, nats);
  service.on('/interactive', {
    json: { responses: [{ text: 'approved' }], actions: [{ action: 'chat.postMessage', kwargs: { text: 'done' } }] },
  });
  await processWebhook(deps, 'interactive_component', blockAction(service.url));

  t.equal(service.callsTo('/interactive').length, 1, 'the synchronous callback (which throws) was not run');
  t.match(service.callsTo('/interactive')[0]?.body, {
    omnibot_payload_type: 'interactive_component',
    bot: { name: 'echobot', bot_id: 'A12345678' },
    type: 'block_actions',
    callback_id: 'approve',
    trigger_id: '789.012.def',
    user: { id: 'U_ALICE' },
    parsed_user: { id: 'U_ALICE', name: 'alice' },
    channel: { id: 'C_GENERAL' },
    parsed_channel: { id: 'C_GENERAL', name: 'general' },
    message: {
      text: 'please approve <@U_ALICE> in <#C_DEV>',
      parsed_user: { id: 'U_BOB' },
      parsed_text: 'please approve @alice in #dev',
      users: { '<@U_ALICE>': 'alice' },
      channels: { '<#C_DEV>': 'dev' },
    },
    actions: [{ block_id: 'approve' }],
  });
  t.same(
    service.callsTo('/iresponse').map((call) => call.body),
    [{ response_type: 'in_channel', text: 'approved' }],
  );
  const post = fake.callsTo('chat.postMessage')[0];
  t.equal(post?.params.channel, 'C_GENERAL', 'the component\'s channel');
  t.notOk(post && 'thread_ts' in post.params);

  await processWebhook(deps, 'interactive_component', blockAction(service.url, { actions: [{ block_id: 'nobody', action_id: 'x' }] }));
  t.equal(service.callsTo('/interactive').length, 1, 'no handler for that block');
});

t.test('omnibot\'s echo_dialog_submission_callback answers a dialog with its field', async (t) => {
  const { service, deps } = await workerWorld(t, nats);
  await processWebhook(deps, 'interactive_component', {
    type: 'dialog_submission',
    team: { id: 'T12345678' },
    user: { id: 'U_ALICE' },
    channel: { id: 'C_GENERAL' },
    callback_id: 'echo_dialog_1',
    response_url: `${service.url}/dialog-response`,
    submission: { echo_element: 'hello @here' },
    omnibot_bot_id: 'A12345678',
  });
  const bodies = service.callsTo('/dialog-response').map((call) => call.body);
  t.equal(bodies.length, 1);
  t.equal(bodies[0]?.response_type, 'ephemeral');
  t.match(bodies[0]?.text, /^hello <!here/);
});

t.test('Slack refusing the user list omnibot_parse needs skips that response; the rest goes on', async (t) => {
  const { fake, service, deps, logger } = await workerWorld(t, nats);
  fake.on('users.list', { ok: false, error: 'missing_scope' });
  service.on('/slash', {
    json: {
      responses: [{ text: 'hi @somebody', omnibot_parse: { text: ['users'] } }, { text: 'plain' }],
      actions: [
        { action: 'chat.postMessage', kwargs: { channel: 'C_DEV', text: 'hi @somebody', omnibot_parse: { text: ['users'] } } },
        { action: 'chat.postMessage', kwargs: { channel: 'C_DEV', text: 'plain' } },
      ],
    },
  });
  await processWebhook(deps, 'slash_command', slashCommand(service.url));
  t.same(
    service.callsTo('/response').map((call) => call.body.text),
    ['plain'],
  );
  t.equal(logger.at('error').filter((line) => line.message === 'response skipped').length, 1);
  t.same(
    fake.callsTo('chat.postMessage').map((call) => call.params.text),
    ['hi @somebody', 'plain'],
    'the directory does not ask for the list again within its interval: the name stays as written',
  );
  t.equal(fake.callsTo('users.list').length, 1);
});

t.test('a slash command callback answering {text} instead of {responses: [{text}]}: a warning names the key', async (t) => {
  const { service, deps, logger } = await workerWorld(t, nats);
  service.on('/slash', { json: { text: 'pong' } });
  await processWebhook(deps, 'slash_command', slashCommand(service.url));
  t.equal(service.callsTo('/response').length, 0, 'nothing to post');
  const warning = logger.at('warn').find((line) => line.message.includes('nothing uses'));
  t.match(warning?.message, /keys that nothing uses: text \(a slash command callback's answer may have actions and responses\)/);
});
