/**
 * omnibot's omnibot.callbacks.message_callbacks, for message handlers: each
 * takes the message payload, the handler's kwargs and the worker's context,
 * and answers with Slack actions (a chat.postMessage without a channel goes
 * to the message's channel, in its thread).
 */
import type { Json } from '../payloads/common.js';
import { formatPython, FormatError } from './python-format.js';
import { CallbackConfigError, type Callback, type CallbackContext, type CallbackResponse } from './types.js';

function object(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function requireContext(context: CallbackContext | undefined, name: string): CallbackContext {
  if (!context) throw new CallbackConfigError(`${name} runs in the worker only (it needs the bot's configuration)`);
  return context;
}

function requireObjectKwarg(kwargs: Json, key: string, name: string): Json {
  const value = object(kwargs[key]);
  if (!value) throw new CallbackConfigError(`${name} needs the kwarg "${key}" (a mapping)`);
  return value;
}

function requireListKwarg(kwargs: Json, key: string, name: string): unknown[] {
  const value = kwargs[key];
  if (!Array.isArray(value)) throw new CallbackConfigError(`${name} needs the kwarg "${key}" (a list)`);
  return value;
}

function channelOf(payload: Json): Json {
  return object(payload.channel) ?? {};
}

function randomChoice<T>(items: readonly T[], name: string, key: string): T {
  if (items.length === 0) throw new CallbackConfigError(`${name}: the kwarg "${key}" is empty`);
  return items[Math.floor(Math.random() * items.length)] as T;
}

/** Python's `str.split()`: runs of white space separate, none at either end. */
function pySplit(text: string): string[] {
  return text.split(/\s+/u).filter((word) => word !== '');
}

/** The bot's command and regex handlers with their descriptions, as attachments in the message's thread. */
export const helpCallback: Callback = (_payload, _kwargs, context) => {
  const { bot } = requireContext(context, 'help_callback');
  const field = (handler: { match: string; description?: string }) => ({ title: handler.match, value: handler.description ?? '', short: false });
  const commands = bot.handlers.message.filter((h) => h.match_type === 'command').map(field);
  const regexes = bot.handlers.message.filter((h) => h.match_type === 'regex').map(field);
  const attachments: Json[] = [];
  if (commands.length > 0) attachments.push({ title: 'Commands:', fields: commands });
  if (regexes.length > 0) attachments.push({ title: 'Regex matches:', fields: regexes });
  return { actions: [{ action: 'chat.postMessage', kwargs: { attachments } }] };
};

/**
 * For channels named in `channels` (by name_normalized): a message with
 * @here or @channel gets the channel's `message` (a Python format string
 * with {special} and {member_count}) and, when set, its `reaction`.
 */
export const specialsCallback: Callback = (payload, kwargs, context) => {
  const channels = requireObjectKwarg(kwargs, 'channels', 'specials_callback');
  const channel = channelOf(payload);
  const name = channel.name_normalized;
  const config = typeof name === 'string' ? object(channels[name]) : undefined;
  if (!config) return {};
  const specials = Object.values(object(payload.specials) ?? {});
  const fallback = "Please don't use {special}";
  for (const special of ['@here', '@channel']) {
    if (!specials.includes(special)) continue;
    const template = typeof config.message === 'string' ? config.message : fallback;
    let text: string;
    try {
      const memberCount = channel.num_members;
      text = formatPython(template, { special, member_count: memberCount === undefined || memberCount === null ? '`?`' : String(memberCount) });
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      context?.logger.error({ channel: name, err: error }, `Misconfigured message string for ${String(name)}`);
      text = formatPython(fallback, { special });
    }
    const actions: Array<{ action: string; kwargs: Json }> = [{ action: 'chat.postMessage', kwargs: { text } }];
    if (config.reaction) {
      actions.push({ action: 'reactions.add', kwargs: { name: config.reaction, timestamp: payload.ts, channel: payload.channel_id } });
    }
    return { actions };
  }
  return {};
};

/** In #channel-channel, a message without @here or @channel (an absence handler) gets three reactions and a reminder. */
export const channelChannelCallback: Callback = (payload) => {
  if (channelOf(payload).name_normalized !== 'channel-channel') return {};
  const react = (name: string) => ({ action: 'reactions.add', kwargs: { name, timestamp: payload.ts, channel: payload.channel_id } });
  return {
    actions: [
      react('please_make_sure_to_use_at_here_or_at_channel_in_your_message_next_time'),
      react('mega'),
      react('bangbang'),
      {
        action: 'chat.postMessage',
        kwargs: { thread_ts: null, text: 'Please make sure to use <!here> or <!channel> in your message next time.' },
      },
    ],
  };
};

/** In the channels listed (by name), a random reaction from `emojis` and a random reply from `messages`. */
export const congratulationsBotCallback: Callback = (payload, kwargs) => {
  const name = 'congratulations_bot_callback';
  const channels = requireListKwarg(kwargs, 'channels', name);
  const emojis = requireListKwarg(kwargs, 'emojis', name);
  const messages = requireListKwarg(kwargs, 'messages', name);
  if (!channels.includes(channelOf(payload).name)) return {};
  return {
    actions: [
      { action: 'reactions.add', kwargs: { name: randomChoice(emojis, name, 'emojis'), timestamp: payload.ts, channel: payload.channel_id } },
      { action: 'chat.postMessage', kwargs: { thread_ts: payload.ts, text: randomChoice(messages, name, 'messages') } },
    ],
  };
};

/**
 * A canned `message` for channels (by name_normalized) whose text holds one
 * of the channel's `find` strings: a single word must be a whole word, a
 * phrase may be anywhere.
 */
export const channelResponseCallback: Callback = (payload, kwargs, context) => {
  const channels = requireObjectKwarg(kwargs, 'channels', 'channel_response_callback');
  const name = channelOf(payload).name_normalized;
  if (typeof name !== 'string' || name === '') return {};
  const config = object(channels[name]);
  if (!config) return {};
  if (!Array.isArray(config.find)) {
    context?.logger.error({ channel: name }, `Missing find in channel_response_callback for ${name}`);
    return {};
  }
  const text = typeof payload.parsed_text === 'string' ? payload.parsed_text : '';
  const words = pySplit(text);
  const matched = config.find.some((find) => typeof find === 'string' && (find.includes(' ') ? text.includes(find) : words.includes(find)));
  if (!matched) return {};
  if (config.message === undefined) {
    context?.logger.error({ channel: name }, `Missing message in channel_response_callback for ${name}`);
    return {};
  }
  return { actions: [{ action: 'chat.postMessage', kwargs: { text: config.message } }] };
};

/** Sets the channel's topic to the command's arguments. */
export const exampleTopicCallback: Callback = (payload) => ({
  actions: [{ action: 'channels.setTopic', kwargs: { topic: payload.args, channel: payload.channel_id } }],
});

/** Answers with an example attachment. */
export const exampleAttachmentCallback: Callback = () => ({
  actions: [
    {
      action: 'chat.postMessage',
      kwargs: {
        thread: false,
        attachments: [{ fallback: 'Example attachment!', color: '#36a64f', fields: [{ title: 'Hello', value: 'World' }] }],
      },
    },
  ],
});

/** Answers with the kwarg `text` (default empty): for testing a bot end to end. */
export const testCallback: Callback = (_payload, kwargs): CallbackResponse => ({
  actions: [{ action: 'chat.postMessage', kwargs: { text: kwargs.text === undefined ? '' : String(kwargs.text) } }],
});
