import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Bot, Team } from '../config/registry.js';
import './route-config.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The configured team named by the route's `:team_name` (set before the handler on such routes). */
    team: Team;
    /** The configured, enabled bot named by `:bot_name` (set before the handler on such routes). */
    bot: Bot;
  }
}

export const UNKNOWN_TEAM = 'provided team name was not found.';
export const UNKNOWN_BOT = 'provided bot name was not found.';

type ContextParams = { team_name?: string; bot_name?: string };

function notFound(request: FastifyRequest, reply: FastifyReply, error: string): FastifyReply {
  const echoed = request.routeOptions.config.echoParamsInErrors ? (request.params as object) : {};
  return reply.code(404).send({ error, ...echoed });
}

/**
 * Resolves `:team_name` and `:bot_name` once, before the handler, so handlers
 * receive a configured team and bot or never run. Only routes with those
 * parameters get the hook; the rest (Slack's webhooks above all) pay nothing.
 */
export default fp(
  async (app) => {
    app.decorateRequest('team', null as unknown as Team);
    app.decorateRequest('bot', null as unknown as Bot);
    const resolveBotContext = async (request: FastifyRequest, reply: FastifyReply) => {
      const { team_name: teamName, bot_name: botName } = request.params as ContextParams;
      if (teamName === undefined) return;
      const team = app.config.registry.teamByName(teamName);
      if (!team) {
        request.log.info({ team: teamName }, 'unknown team');
        return notFound(request, reply, request.routeOptions.config.unknownTeamError ?? UNKNOWN_TEAM);
      }
      request.team = team;
      if (botName === undefined) return;
      const bot = app.config.registry.bot(teamName, botName);
      if (!bot) {
        request.log.info({ team: teamName, bot: botName }, 'unknown or disabled bot');
        return notFound(request, reply, UNKNOWN_BOT);
      }
      request.bot = bot;
    };
    app.addHook('onRoute', (route) => {
      if (!route.url.includes(':team_name')) return;
      const own = route.preHandler === undefined ? [] : [route.preHandler].flat();
      route.preHandler = [resolveBotContext, ...own];
    });
  },
  { name: 'omnibot-bot-context', fastify: '5.x', dependencies: ['omnibot-config'] },
);
