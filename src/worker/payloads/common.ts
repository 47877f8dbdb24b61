import type { Bot } from '../../config/registry.js';
import type { Directory } from '../../directory/directory.js';
import { userDisplayName, type SlackConversation } from '../../directory/types.js';
import type { ParserDirectory } from '../../slack/parser/directory.js';
import type { InboundParse } from '../../slack/parser/inbound.js';
import { MalformedPayloadError } from './errors.js';

export type Json = Record<string, unknown>;

/** Who the bot and its team are, as omnibot puts them in every payload (never the bot's credentials). */
export function botAndTeam(bot: Bot): { bot: Json; team: Json } {
  return { bot: { name: bot.name, bot_id: bot.appId }, team: { name: bot.team.name, team_id: bot.team.id } };
}

export function requiredString(source: Json, key: string, what: string): string {
  const value = source[key];
  if (typeof value !== 'string') throw new MalformedPayloadError(`${what} has no "${key}"`);
  return value;
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A user as omnibot's get_user answered: the user, or `{}` when Slack doesn't know it. */
export async function parsedUser(bot: Bot, directory: Pick<Directory, 'userById'>, userId: string | undefined): Promise<Json | null> {
  if (!userId) return null;
  return (await directory.userById(bot, userId)) ?? {};
}

/**
 * A conversation by id, as omnibot's get_channel answered (`{}` when Slack
 * doesn't know it). IM ids (`D…`) are looked for among the bot's IMs first,
 * where the directory keeps them.
 */
export async function conversation(
  bot: Bot,
  directory: Pick<Directory, 'channelById'> & Partial<Pick<Directory, 'imById'>>,
  channelId: string,
): Promise<SlackConversation | Record<string, never>> {
  if (channelId.startsWith('D') && directory.imById) {
    const im = await directory.imById(bot, channelId);
    if (im) return im;
  }
  return (await directory.channelById(bot, channelId)) ?? {};
}

/**
 * The lookups parseInbound makes (a user's name, a channel's name, by id),
 * answered by the directory; the by-name lookups, which only outbound parsing
 * makes, find nothing.
 */
export function inboundLookups(bot: Bot, directory: Pick<Directory, 'userById' | 'channelById'>): ParserDirectory {
  return {
    async userName(id) {
      const user = await directory.userById(bot, id);
      return user ? (userDisplayName(user) ?? null) : null;
    },
    async channelName(id) {
      return (await directory.channelById(bot, id))?.name ?? null;
    },
    userIdByName: async () => null,
    channelIdByName: async () => null,
  };
}

/** The fields omnibot's parser adds to every text it parses, in omnibot's order. */
export function parsedFields(parse: InboundParse): Json {
  return {
    users: parse.users,
    channels: parse.channels,
    subteams: parse.subteams,
    specials: parse.specials,
    emojis: parse.emojis,
    emails: parse.emails,
    urls: parse.urls,
  };
}
