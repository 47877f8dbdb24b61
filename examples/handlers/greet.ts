// A callback module in TypeScript. Compile it (`npx tsc -p examples/handlers`), then name its
// exports in the configuration: `module: "./build/greet.js:hello"` (see omnibot.yaml here).
import type { MessageCallback, SlashCommandCallback } from 'omnibot-ts';

/**
 * A message handler's callback (`match: "hello"`, `match_type: "command"`): `@bot hello alice`
 * answers "Hello, @alice!" in the message's thread. `omnibot_parse` turns the plain `@alice` into
 * Slack's mention markup before the message is posted.
 */
export const hello: MessageCallback = (payload, kwargs) => {
  const greeting = typeof kwargs.greeting === 'string' ? kwargs.greeting : 'Hello';
  const name = payload.args?.replace(/^@/, '') || payload.parsed_user?.name || 'you';
  return {
    actions: [{ action: 'chat.postMessage', kwargs: { text: `${greeting}, @${name}!`, omnibot_parse: { text: ['users'] } } }],
  };
};

/**
 * A slash command's callback (`command: "/whois"`): `/whois zoe@example.com` answers, to the
 * user who asked only, who that is. The directory is omnibot's (cached users, asked of Slack on a
 * miss); responses go to the command's response_url.
 */
export const whois: SlashCommandCallback = async (payload, _kwargs, context) => {
  const email = payload.text.trim();
  if (email === '') return { responses: [{ text: 'Usage: /whois someone@example.com' }] };
  const user = await context.directory.userByEmail(context.bot, email);
  context.logger.info({ found: user !== null }, 'whois');
  return { responses: [{ text: user ? `${email} is <@${user.id}>.` : `Nobody here has the address ${email}.`, response_type: 'ephemeral' }] };
};
