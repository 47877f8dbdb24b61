import type { Bot, Registry } from '../config/registry.js';

/** Which bots keep which teams' directories fresh, and which teams no bot can. */
export interface RefreshTargets {
  /** Each team's primary bot, enabled. */
  readonly bots: readonly Bot[];
  /** One line per configured team that will not be refreshed, naming why. */
  readonly skipped: readonly string[];
}

/**
 * omnibot refreshed each team of `primary_bot` with that bot's tokens. A team
 * whose primary bot is not configured, or has no credentials, is skipped
 * with a line that names it, rather than stopping the watcher (omnibot's
 * own test configuration names bots it does not configure).
 */
export function refreshTargets(primaryBot: Readonly<Record<string, string>>, registry: Registry): RefreshTargets {
  const bots: Bot[] = [];
  const skipped: string[] = [];
  for (const [teamName, botName] of Object.entries(primaryBot)) {
    const bot = registry.primaryBot(teamName);
    if (bot) bots.push(bot);
    else if (!registry.teamByName(teamName)) skipped.push(`primary_bot.${teamName}: team "${teamName}" is not configured; not refreshed`);
    else skipped.push(`primary_bot.${teamName}: bot "${botName}" is not configured or has no credentials; team "${teamName}" is not refreshed`);
  }
  return { bots, skipped };
}
