import type { Bot, Registry, Team } from '../../config/registry.js';

/**
 * The app a command or component was sent to: by `api_app_id` within the team
 * when Slack sent one (it does now), else by verification token across every
 * app, as omnibot found it.
 */
export function findBot(registry: Registry, team: Team, apiAppId: unknown, token: unknown): Bot | undefined {
  if (typeof apiAppId === 'string') {
    const bot = registry.botByAppId(team, apiAppId);
    if (bot) return bot;
  }
  return typeof token === 'string' ? registry.botByVerificationToken(token) : undefined;
}
