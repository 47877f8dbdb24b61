import type { Bot } from '../config/registry.js';
import type { Directory } from '../directory/directory.js';
import type { SlackConversation, SlackUser } from '../directory/types.js';

/** The events Slack sends a bot that change the directory. */
export const DIRECTORY_EVENT_TYPES: readonly string[] = [
  'user_change',
  'team_join',
  'channel_created',
  'channel_rename',
  'channel_archive',
  'channel_unarchive',
  'channel_deleted',
  'group_rename',
  'group_archive',
  'group_unarchive',
  'im_created',
  'emoji_changed',
];

// Most events are messages: this finds the few that matter without parsing the others.
const MENTIONS_A_DIRECTORY_EVENT = new RegExp(`"type"\\s*:\\s*"(?:${DIRECTORY_EVENT_TYPES.join('|')})"`);
const decoder = new TextDecoder();

export type DirectoryUpdate = Pick<Directory, 'updateUser' | 'updateChannel' | 'updateIm' | 'updateEmoji' | 'removeEmoji'>;

/** What a queued event did to the directory, for the log. */
export interface AppliedEvent {
  readonly type: string;
  readonly changed: boolean;
}

/**
 * Applies one message of stream OMNIBOT (subject `omnibot.event.<team>.<bot>`,
 * body omnibot's `{"event": <Slack's event callback>}`) to the directory, as
 * the bot that received it sees the team. Anything else (other events, a
 * team or bot no longer configured, a malformed body) is left alone:
 * undefined.
 */
export async function applyQueuedEvent(
  directory: DirectoryUpdate,
  findBot: (teamName: string, botName: string) => Bot | undefined,
  subject: string,
  data: Uint8Array,
): Promise<AppliedEvent | undefined> {
  const text = decoder.decode(data);
  if (!MENTIONS_A_DIRECTORY_EVENT.test(text)) return undefined;
  const [, , teamToken, botToken] = subject.split('.');
  if (teamToken === undefined || botToken === undefined) return undefined;
  const bot = findBot(decodeToken(teamToken), decodeToken(botToken));
  if (!bot) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const event = record(record(record(body)?.['event'])?.['event']);
  const type = event?.['type'];
  if (!event || typeof type !== 'string' || !DIRECTORY_EVENT_TYPES.includes(type)) return undefined;
  const changed = await applySlackEvent(directory, bot, type, event);
  return changed === undefined ? undefined : { type, changed };
}

/** One Slack event (the inner `event` object) applied; undefined when it lacks what its type needs. */
export async function applySlackEvent(directory: DirectoryUpdate, bot: Bot, type: string, event: Record<string, unknown>): Promise<boolean | undefined> {
  switch (type) {
    case 'user_change':
    case 'team_join': {
      const user = record(event['user']);
      return typeof user?.['id'] === 'string' ? directory.updateUser(bot, user as unknown as SlackUser) : undefined;
    }
    case 'channel_created': {
      const channel = conversationIn(event);
      if (!channel) return undefined;
      // The event carries a sketch (id, name, creator); conversations.info gives the whole object.
      return directory.updateChannel(bot, channel.id, (current) => ({ ...(current ?? { ...channel, is_channel: true }), name: channel.name }), {
        fetch: true,
      });
    }
    case 'channel_rename':
    case 'group_rename': {
      const channel = conversationIn(event);
      if (!channel) return undefined;
      const sketch = type === 'group_rename' ? { ...channel, is_group: true, is_private: true } : { ...channel, is_channel: true };
      return directory.updateChannel(bot, channel.id, (current) => renamed(current ?? sketch, channel.name), { fetch: true });
    }
    case 'channel_archive':
    case 'group_archive': {
      const id = event['channel'];
      if (typeof id !== 'string') return undefined;
      return directory.updateChannel(bot, id, (current) => (current ? { ...current, is_archived: true } : null));
    }
    case 'channel_unarchive':
    case 'group_unarchive': {
      const id = event['channel'];
      if (typeof id !== 'string') return undefined;
      return directory.updateChannel(bot, id, (current) => (current ? { ...current, is_archived: false } : null), { fetch: true });
    }
    case 'channel_deleted': {
      const id = event['channel'];
      return typeof id === 'string' ? directory.updateChannel(bot, id, () => null) : undefined;
    }
    case 'im_created': {
      const im = record(event['channel']);
      if (typeof im?.['id'] !== 'string') return undefined;
      const user = typeof im['user'] === 'string' ? im['user'] : event['user'];
      return directory.updateIm(bot, { ...(im as unknown as SlackConversation), ...(typeof user === 'string' ? { user } : {}) });
    }
    case 'emoji_changed':
      return applyEmojiChange(directory, bot, event);
    default:
      return undefined;
  }
}

/** `emoji_changed`: subtype add (`name`, `value`), remove (`names`), rename (`old_name`, `new_name`, `value`). */
async function applyEmojiChange(directory: DirectoryUpdate, bot: Bot, event: Record<string, unknown>): Promise<boolean | undefined> {
  const { subtype } = event;
  if (subtype === 'add' && typeof event['name'] === 'string' && typeof event['value'] === 'string') {
    return directory.updateEmoji(bot, event['name'], event['value']);
  }
  if (subtype === 'remove' && Array.isArray(event['names'])) {
    let changed = false;
    for (const name of event['names']) {
      if (typeof name === 'string' && (await directory.removeEmoji(bot, name))) changed = true;
    }
    return changed;
  }
  if (subtype === 'rename' && typeof event['old_name'] === 'string' && typeof event['new_name'] === 'string' && typeof event['value'] === 'string') {
    const removed = await directory.removeEmoji(bot, event['old_name']);
    return (await directory.updateEmoji(bot, event['new_name'], event['value'])) || removed;
  }
  return undefined;
}

/** A channel event's `channel` object, when it has the id and name every such event carries. */
function conversationIn(event: Record<string, unknown>): SlackConversation & { name: string } | undefined {
  const channel = record(event['channel']);
  if (typeof channel?.['id'] !== 'string' || typeof channel['name'] !== 'string') return undefined;
  return channel as unknown as SlackConversation & { name: string };
}

function renamed(channel: SlackConversation, name: string): SlackConversation {
  return { ...channel, name, ...(channel['name_normalized'] !== undefined ? { name_normalized: name } : {}) };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Subject tokens are configured names, percent-encoded where NATS can't hold a character. */
function decodeToken(token: string): string {
  try {
    return decodeURIComponent(token);
  } catch {
    return token;
  }
}
