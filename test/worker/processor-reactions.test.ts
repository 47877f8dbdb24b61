import t from 'tap';
import { processWebhook } from '../../src/worker/processor.js';
import { startTestNats } from '../helpers/nats.js';
import { eventCallback, workerWorld } from './helpers.js';

const nats = await startTestNats(t);

function reaction(fields: Record<string, unknown>, item: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'reaction_added',
    user: 'U_ALICE',
    reaction: 'white_check_mark',
    item: { type: 'message', channel: 'C_GENERAL', ts: '200.000100', ...item },
    event_ts: '201.000100',
    ...fields,
  };
}

t.test('a reaction on one of the bot\'s messages (item_user) runs the reaction handlers whose regex matches the whole name', async (t) => {
  const { fake, service, deps } = await workerWorld(t, nats);
  service.on('/reaction', { json: { actions: [{ action: 'chat.postMessage', kwargs: { text: 'thanks' } }] } });
  await processWebhook(deps, 'event', eventCallback(reaction({ item_user: 'UBOT' })));
  t.equal(service.callsTo('/reaction').length, 1);
  t.match(service.callsTo('/reaction')[0]?.body, {
    omnibot_payload_type: 'reaction',
    event_type: 'reaction_added',
    bot: { name: 'echobot', bot_id: 'A12345678' },
    team: { name: 'testteam', team_id: 'T12345678' },
    user: 'U_ALICE',
    parsed_user: { id: 'U_ALICE' },
    ts: '201.000100',
    emoji_name: 'white_check_mark',
    item_type: 'message',
    item_channel: 'C_GENERAL',
    item_ts: '200.000100',
    item_user: 'UBOT',
    channel_id: 'C_GENERAL',
    match_type: 'reaction',
    match: 'white_check_mark|heavy_check_mark',
    reaction: 'white_check_mark|heavy_check_mark',
    args: 'white_check_mark',
  });
  const post = fake.callsTo('chat.postMessage')[0];
  t.equal(post?.params.channel, 'C_GENERAL');
  t.equal(post?.params.thread_ts, '200.000100', 'answered in the reacted message\'s thread');
  t.equal(fake.callsTo('conversations.history').length, 0, 'item_user was enough');

  await processWebhook(deps, 'event', eventCallback(reaction({ item_user: 'UBOT', type: 'reaction_removed', reaction: 'heavy_check_mark' })));
  t.equal(service.callsTo('/reaction').length, 2, 'reaction_removed too, and the other alternative');

  await processWebhook(deps, 'event', eventCallback(reaction({ item_user: 'UBOT', reaction: 'white_check_mark_2' })));
  await processWebhook(deps, 'event', eventCallback(reaction({ item_user: 'UBOT', reaction: 'x_white_check_mark' })));
  t.equal(service.callsTo('/reaction').length, 2, 'the whole name must match (fullmatch)');
});

t.test('reactions on other people\'s messages, and by bots or Slackbot, are ignored', async (t) => {
  const { fake, service, deps } = await workerWorld(t, nats);
  await processWebhook(deps, 'event', eventCallback(reaction({ item_user: 'U_BOB' })));
  await processWebhook(deps, 'event', eventCallback(reaction({ item_user: 'UBOT', bot_id: 'B1' })));
  await processWebhook(deps, 'event', eventCallback(reaction({ item_user: 'UBOT', user: 'USLACKBOT' })));
  t.equal(service.calls.length, 0);
  t.equal(fake.callsTo('conversations.history').length, 0, 'item_user answered the question without asking Slack');
});

t.test('without item_user, the message is fetched and its bot\'s app compared with this bot\'s', async (t) => {
  const { fake, service, deps } = await workerWorld(t, nats);
  fake.on('conversations.history', (call) => {
    const byTs: Record<string, object> = {
      '300.000100': { type: 'message', ts: '300.000100', bot_id: 'B_ECHO', text: 'from echobot' },
      '301.000100': { type: 'message', ts: '301.000100', bot_id: 'B_OTHER', text: 'from another app' },
      '302.000100': { type: 'message', ts: '302.000100', user: 'U_BOB', text: 'from a person' },
    };
    const found = byTs[call.params.latest ?? ''];
    return { ok: true, messages: found ? [found] : [{ type: 'message', ts: '1.000001', bot_id: 'B_ECHO' }] };
  });
  fake.on('bots.info', (call) => ({ ok: true, bot: { id: call.params.bot, app_id: call.params.bot === 'B_ECHO' ? 'A12345678' : 'A_OTHER' } }));

  await processWebhook(deps, 'event', eventCallback(reaction({}, { ts: '300.000100' })));
  t.equal(service.callsTo('/reaction').length, 1, 'a message of this bot\'s app');
  const history = fake.callsTo('conversations.history')[0];
  t.match(history?.params, { channel: 'C_GENERAL', latest: '300.000100', limit: '1', inclusive: 'true' });
  t.equal(history?.token, 'xoxb-echobot');
  t.equal(fake.callsTo('bots.info')[0]?.params.bot, 'B_ECHO');

  await processWebhook(deps, 'event', eventCallback(reaction({}, { ts: '301.000100' })));
  await processWebhook(deps, 'event', eventCallback(reaction({}, { ts: '302.000100' })));
  await processWebhook(deps, 'event', eventCallback(reaction({}, { ts: '303.000100' })));
  t.equal(service.callsTo('/reaction').length, 1, 'another app\'s, a person\'s, and a message history does not hold: ignored');
  t.same(
    fake.callsTo('bots.info').map((c) => c.params.bot),
    ['B_ECHO', 'B_OTHER'],
    'bots.info only for messages with a bot_id at that ts',
  );

  await processWebhook(deps, 'event', eventCallback(reaction({ reaction: 'heavy_check_mark' }, { ts: '300.000100' })));
  t.equal(service.callsTo('/reaction').length, 2);
  t.equal(fake.callsTo('conversations.history').length, 4, 'the author of a message is remembered');
  t.equal(fake.callsTo('bots.info').length, 2, 'and the app of a bot');
});

t.test('Slack refusing the history lookup ignores the reaction', async (t) => {
  const { fake, service, deps, logger } = await workerWorld(t, nats);
  fake.on('conversations.history', { ok: false, error: 'not_in_channel' });
  await processWebhook(deps, 'event', eventCallback(reaction({})));
  t.equal(service.calls.length, 0);
  t.ok(logger.at('warn').some((line) => line.object.error === 'not_in_channel'));
});
