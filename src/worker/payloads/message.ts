import type { Bot } from '../../config/registry.js';
import type { Directory } from '../../directory/directory.js';
import { parserDirectoryFor } from '../../directory/parser-directory.js';
import { parseInbound } from '../../slack/parser/inbound.js';
import { botAndTeam, conversation, optionalString, parsedFields, parsedUser, requiredString, type Json } from './common.js';
import { MalformedPayloadError } from './errors.js';

/** Why omnibot would not route a message event. */
export type IgnoredMessage = 'bot' | 'slackbot' | 'subtype' | 'self';

/**
 * omnibot's Message._check_unsupported, in its order: a message from a bot
 * (it has a `bot_id`; here a `bot_profile` counts too), from Slackbot, or
 * with any subtype at all (bot_message, thread_broadcast, file_share,
 * message_changed, channel_join, …) is ignored. Messages the bot posted as
 * its own user (same user id, no bot_id) are ignored as well.
 */
export function ignoredMessage(event: Json, botUserId: string | undefined): IgnoredMessage | undefined {
  if (event.bot_id || event.bot_profile) return 'bot';
  if (event.user === 'USLACKBOT') return 'slackbot';
  if (event.subtype) return 'subtype';
  if (botUserId !== undefined && event.user === botUserId) return 'self';
  return undefined;
}

/** omnibot's Reaction._check_unsupported: reactions by bots and by Slackbot are ignored. */
export function ignoredReaction(event: Json): 'bot' | 'slackbot' | undefined {
  if (event.bot_id || event.bot_profile) return 'bot';
  if (event.user === 'USLACKBOT') return 'slackbot';
  return undefined;
}

export interface MessagePayloadOptions {
  readonly directory: Directory;
  /** The bot's own user id (auth.test): a mention of it counts as `mentioned` whatever its label. */
  readonly botUserId: string | undefined;
}

/**
 * The payload omnibot's Message built for a message or app_mention event,
 * before any handler matched (no match_type yet):
 * omnibot_payload_type, event_type, bot, team, user, parsed_user, ts,
 * thread_ts, parent_user_id, text, parsed_text, channel_id, channel (`{}`
 * when Slack doesn't know it), users, channels, subteams, specials, emojis,
 * emails, urls, directed, mentioned, command_text.
 *
 * @throws MalformedPayloadError without ts, text or channel (omnibot raised too).
 */
export async function messagePayload(bot: Bot, event: Json, options: MessagePayloadOptions): Promise<Json> {
  const ts = requiredString(event, 'ts', 'message event');
  const text = requiredString(event, 'text', 'message event');
  const channelId = requiredString(event, 'channel', 'message event');
  const user = optionalString(event.user);
  const [parsed_user, channel] = await Promise.all([
    parsedUser(bot, options.directory, user),
    conversation(bot, options.directory, channelId),
  ]);
  const parse = await parseInbound(
    text,
    { botName: bot.name, botUserId: options.botUserId, channelIsIm: channel.is_im === true },
    parserDirectoryFor(options.directory, bot),
  );
  return {
    omnibot_payload_type: 'message',
    event_type: event.type ?? null,
    ...botAndTeam(bot),
    user: event.user ?? null,
    parsed_user,
    ts,
    thread_ts: event.thread_ts ?? null,
    parent_user_id: event.parent_user_id ?? null,
    text,
    parsed_text: parse.parsed_text,
    channel_id: channelId,
    channel,
    ...parsedFields(parse),
    directed: parse.directed,
    mentioned: parse.mentioned,
    command_text: parse.command_text,
  };
}

/** What a reaction event is about; omnibot's Reaction raised without these. */
export interface ReactionItem {
  readonly emojiName: string;
  readonly itemType: string;
  readonly itemChannel: string;
  readonly itemTs: string;
  /** Who wrote the item; Slack leaves it out sometimes (e.g. on slash command responses). */
  readonly itemUser: string | undefined;
}

export function reactionItem(event: Json): ReactionItem {
  const emojiName = requiredString(event, 'reaction', 'reaction event');
  const item = event.item;
  if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new MalformedPayloadError('reaction event has no "item"');
  const fields = item as Json;
  return {
    emojiName,
    itemType: requiredString(fields, 'type', 'reaction item'),
    itemChannel: requiredString(fields, 'channel', 'reaction item'),
    itemTs: requiredString(fields, 'ts', 'reaction item'),
    itemUser: optionalString(event.item_user),
  };
}

/**
 * omnibot's Reaction payload: omnibot_payload_type `reaction`, event_type,
 * bot, team, user, parsed_user, ts (the event's), emoji_name, item_type,
 * item_channel, item_ts, item_user, channel_id (the item's channel).
 */
export async function reactionPayload(bot: Bot, event: Json, item: ReactionItem, directory: Pick<Directory, 'userById'>): Promise<Json> {
  const user = optionalString(event.user);
  return {
    omnibot_payload_type: 'reaction',
    event_type: event.type ?? null,
    ...botAndTeam(bot),
    user: event.user ?? null,
    parsed_user: await parsedUser(bot, directory, user),
    ts: event.event_ts ?? null,
    emoji_name: item.emojiName,
    item_type: item.itemType,
    item_channel: item.itemChannel,
    item_ts: item.itemTs,
    item_user: item.itemUser ?? null,
    channel_id: item.itemChannel,
  };
}
