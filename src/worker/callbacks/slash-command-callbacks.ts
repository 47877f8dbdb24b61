/**
 * omnibot's omnibot.callbacks.slash_command_callbacks: each answers with
 * responses for the command's response_url (and, for echo, an action).
 */
import type { Bot } from '../../config/registry.js';
import { LruCache } from '../../directory/lru.js';
import { botCallToken } from '../../slack/tokens.js';
import { pyStrip } from '../../slack/parser/chars.js';
import type { Callback, CallbackContext } from './types.js';

const PARSE_ALL = { text: ['users', 'specials', 'channels'] };

/** Answers the command with its own text, and posts it to #echo for @here. */
export const echoCallback: Callback = (payload) => ({
  responses: [{ text: payload.parsed_text, omnibot_parse: PARSE_ALL }],
  actions: [
    {
      action: 'chat.postMessage',
      kwargs: {
        channel: 'echo',
        text: `@here ${String(payload.parsed_text ?? '')}`,
        omnibot_parse: { channel: ['channels'], text: ['users', 'specials', 'channels'] },
      },
    },
  ],
});

export const tableflipCallback: Callback = () => ({ responses: [{ response_type: 'in_channel', text: '(╯°□°)╯︵ ┻━┻' }] });

export const unfliptableCallback: Callback = () => ({ responses: [{ response_type: 'in_channel', text: '┬─┬ノ( º _ ºノ)' }] });

/** A team's custom emoji (name → image URL, aliases resolved), as omnibot's watcher kept them; ten minutes per process. */
const emojiCache = new LruCache<Promise<Record<string, string>>>({ max: 1_000, ttlMs: 10 * 60 * 1000 });

async function loadEmoji(bot: Bot, context: CallbackContext): Promise<Record<string, string>> {
  const response = await context.slack.call('emoji.list', {}, botCallToken(bot));
  const raw = response.ok && response.emoji && typeof response.emoji === 'object' ? (response.emoji as Record<string, unknown>) : undefined;
  if (!raw) {
    context.logger.warn({ ...bot.logContext, error: response.error }, 'emoji.list failed');
    return {};
  }
  const resolved: Record<string, string> = {};
  for (const [name, first] of Object.entries(raw)) {
    let value = typeof first === 'string' ? first : '';
    // Aliases point at other names; a loop or a dangling alias resolves to nothing, as in omnibot.
    for (let hops = 0; value.startsWith('alias:') && hops < 10; hops++) {
      const target = raw[value.slice('alias:'.length)];
      value = typeof target === 'string' ? target : '';
    }
    if (value && !value.startsWith('alias:')) resolved[name] = value;
  }
  return resolved;
}

async function customEmoji(context: CallbackContext | undefined, name: string): Promise<string | undefined> {
  if (!context) return undefined;
  const key = `${context.bot.team.id}|${context.bot.appId}`;
  let emoji = emojiCache.get(key);
  if (!emoji) {
    emoji = loadEmoji(context.bot, context);
    emojiCache.set(key, emoji);
    emoji.catch(() => emojiCache.delete(key));
  }
  return (await emoji)[name];
}

/** `/bigemoji :name:` answers in the channel with the custom emoji's image URL (or the emoji itself). */
export const bigemojiCallback: Callback = async (payload, _kwargs, context) => {
  const args = pyStrip(typeof payload.text === 'string' ? payload.text : '').split(/\s+/u).filter((word) => word !== '');
  if (args.length !== 1) return { responses: [{ response_type: 'ephemeral', text: 'usage: /bigemoji :emoji:' }] };
  const emojiName = (args[0] as string).replace(/^:+|:+$/g, '');
  const result = (await customEmoji(context, emojiName)) || `:${emojiName}:`;
  return {
    responses: [
      {
        response_type: 'in_channel',
        text: `<@${String(payload.user_id)}> \`/bigemoji :${emojiName}:\` => ${result}`,
        omnibot_parse: PARSE_ALL,
      },
    ],
  };
};
