/**
 * omnibot's omnibot.callbacks.slash_command_callbacks: each answers with
 * responses for the command's response_url (and, for echo, an action).
 */
import { pyStrip } from '../../slack/parser/chars.js';
import type { Callback } from './types.js';

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

/** `/bigemoji :name:` answers in the channel with the custom emoji's image URL (or the emoji itself). */
export const bigemojiCallback: Callback = async (payload, _kwargs, context) => {
  const args = pyStrip(typeof payload.text === 'string' ? payload.text : '').split(/\s+/u).filter((word) => word !== '');
  if (args.length !== 1) return { responses: [{ response_type: 'ephemeral', text: 'usage: /bigemoji :emoji:' }] };
  const emojiName = (args[0] as string).replace(/^:+|:+$/g, '');
  // A custom emoji from the directory, which the watcher keeps as omnibot's did (aliases resolved).
  const result = (context ? await context.directory.emojiByName(context.bot, emojiName) : null) || `:${emojiName}:`;
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
