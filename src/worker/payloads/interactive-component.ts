import type { Bot } from '../../config/registry.js';
import type { Directory } from '../../directory/directory.js';
import { interactiveCallbackId } from '../../slack/interactive.js';
import { parseInbound } from '../../slack/parser/inbound.js';
import { inboundLookups, optionalString, parsedFields, parsedUser as lookupUser, type Json } from './common.js';

function idOf(value: unknown): string | undefined {
  const id = value && typeof value === 'object' ? (value as Json).id : undefined;
  return typeof id === 'string' ? id : undefined;
}

type Lookups = Pick<Directory, 'userById' | 'channelById'>;

/**
 * omnibot's InteractiveComponent._parse_message: a copy of the component's
 * message with parsed_user (`{}` when Slack doesn't know the user, null for a
 * bot's message) and, when it has text, the parser's fields: users,
 * parsed_text, channels, subteams, specials, emojis, emails, urls.
 */
async function parsedMessage(bot: Bot, message: Json, directory: Lookups): Promise<Json> {
  const parsed: Json = { ...message, parsed_user: await lookupUser(bot, directory, optionalString(message.user)) };
  if (typeof message.text !== 'string') return parsed;
  const parse = await parseInbound(message.text, { botName: bot.name, channelIsIm: false }, inboundLookups(bot, directory));
  return { ...parsed, parsed_text: parse.parsed_text, ...parsedFields(parse) };
}

/**
 * The payload omnibot hands an interactive component's callbacks: Slack's
 * fields it names, plus who the bot and team are and the user and channel as
 * the directory knows them.
 */
export async function interactiveComponentPayload(bot: Bot, component: Json, directory: Lookups): Promise<Json> {
  const userId = idOf(component.user);
  const channelId = idOf(component.channel);
  const message = component.message;
  const [parsedUser, parsedChannel, parsedMessageValue] = await Promise.all([
    userId ? directory.userById(bot, userId) : undefined,
    channelId ? directory.channelById(bot, channelId) : undefined,
    message !== null && typeof message === 'object' && !Array.isArray(message) && Object.keys(message).length > 0
      ? parsedMessage(bot, message as Json, directory)
      : undefined,
  ]);
  const payload: Json = {
    omnibot_payload_type: 'interactive_component',
    bot: { name: bot.name, bot_id: bot.appId },
    team: { name: bot.team.name, team_id: bot.team.id },
    type: component.type,
    callback_id: interactiveCallbackId(component) ?? null,
    action_ts: component.action_ts ?? null,
    message_ts: component.message_ts ?? null,
    trigger_id: component.trigger_id ?? null,
    response_url: component.response_url ?? null,
    original_message: component.original_message ?? null,
    view: component.view ?? null,
    state: component.state ?? null,
    user: component.user ?? null,
    channel: component.channel ?? null,
    message: parsedMessageValue ?? component.message ?? null,
    submission: component.submission ?? null,
    actions: component.actions ?? null,
  };
  // omnibot sets these only when there is a user or a channel to look up.
  if (userId) payload.parsed_user = parsedUser ?? {};
  if (channelId) payload.parsed_channel = parsedChannel ?? {};
  return payload;
}
