import type { Bot } from '../config/registry.js';
import { SlackApiError } from '../slack/errors.js';
import { slackPages, type SlackPageCaller } from '../slack/pages.js';
import { botCallToken } from '../slack/tokens.js';
import { customEmoji } from './emoji.js';
import { CHANNEL_SHAPE, EMOJI_SHAPE, IM_SHAPE, USER_SHAPE, type DirectoryEntries, type EmojiEntry } from './entries.js';
import { directoryKeys as keys } from './keys.js';
import { refreshList, type ListRefreshOutcome } from './refresh.js';
import { DIRECTORY_KINDS, type DirectoryKind, type DirectoryStore } from './store.js';
import type { SlackConversation, SlackUser } from './types.js';

/** The lists the watcher keeps fresh: one per kind of directory entry. */
export type ListKind = DirectoryKind;
export const LIST_KINDS: readonly ListKind[] = DIRECTORY_KINDS;

/** Public and private channels the bot can see, as omnibot's refresh asked for them (archived excluded). */
const CHANNEL_TYPES = 'public_channel,private_channel';

export interface LoadListOptions {
  readonly entries: DirectoryEntries;
  readonly store: DirectoryStore;
  /** Pages go through this: a pacer within Slack's Tier 2. */
  readonly lists: SlackPageCaller;
  readonly pageSize: number;
  readonly writeConcurrency: number;
  /** Remove what the list no longer has (the primary bot's periodic refresh). */
  readonly sweep: boolean;
  readonly signal?: AbortSignal;
}

/** Loads one of Slack's lists, as one bot sees it, into the directory. */
export function loadList(kind: ListKind, bot: Bot, options: LoadListOptions): Promise<ListRefreshOutcome> {
  const scope = { team: bot.team.name, bot: bot.name };
  const team = bot.team.name;
  const token = botCallToken(bot);
  const { entries, store, sweep, signal } = options;
  const common = { scope, writeConcurrency: options.writeConcurrency };
  // team_id as omnibot passed it: what an org-wide token needs, and ignored otherwise.
  const pages = <T>(method: string, params: Record<string, unknown>, itemsKey: string): AsyncIterable<T[]> =>
    slackPages<T>(options.lists, method, { ...params, team_id: bot.team.id }, token, itemsKey, {
      limit: options.pageSize,
      ...(signal ? { signal } : {}),
    });
  switch (kind) {
    case 'users':
      return refreshList(entries, store, {
        ...common,
        shape: USER_SHAPE,
        pages: pages<SlackUser>('users.list', {}, 'members'),
        ...(sweep ? { sweep: { filter: keys.objectsOf(team) } } : {}),
      });
    case 'channels':
      return refreshList(entries, store, {
        ...common,
        shape: CHANNEL_SHAPE,
        pages: pages<SlackConversation>('conversations.list', { types: CHANNEL_TYPES, exclude_archived: true }, 'channels'),
        // The bot is shown every public channel, but only the private ones it is in: a private one it
        // no longer sees may still be there for another bot (events remove those).
        ...(sweep ? { sweep: { filter: keys.objectsOf(team), gone: (channel: SlackConversation) => !isPrivate(channel) } } : {}),
      });
    case 'ims':
      return refreshList(entries, store, {
        ...common,
        shape: IM_SHAPE,
        pages: pages<SlackConversation>('conversations.list', { types: 'im' }, 'channels'),
        ...(sweep ? { sweep: { filter: keys.imsOf(team, bot.name) } } : {}),
      });
    case 'emoji':
      return refreshList(entries, store, {
        ...common,
        shape: EMOJI_SHAPE,
        pages: emojiPage(options.lists, token, signal),
        ...(sweep ? { sweep: { filter: keys.emojiOf(team) } } : {}),
      });
  }
}

/** emoji.list is one answer, not paged: one page of every custom emoji, aliases resolved. */
async function* emojiPage(lists: SlackPageCaller, token: string, signal: AbortSignal | undefined): AsyncGenerator<EmojiEntry[]> {
  const response = await lists.call('emoji.list', {}, token, signal ? { signal } : {});
  const raw = response.emoji;
  if (!response.ok || typeof raw !== 'object' || raw === null) {
    throw new SlackApiError('emoji.list', response.error ?? 'invalid_response', response.response_metadata?.messages);
  }
  yield customEmoji(raw as Record<string, unknown>);
}

function isPrivate(channel: SlackConversation): boolean {
  return channel.is_private === true || channel['is_group'] === true || channel.is_mpim === true;
}
