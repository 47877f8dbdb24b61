import type { Bot } from '../config/registry.js';

/** The token a bot calls Slack with: its bot token, else its user token (a bot has one or the other, or both). */
export function botCallToken(bot: Bot): string {
  const secret = bot.credentials.botToken ?? bot.credentials.userToken;
  if (!secret) throw new Error(`bot ${bot.name} of team ${bot.team.name} has no OAuth token`);
  return secret.reveal();
}
