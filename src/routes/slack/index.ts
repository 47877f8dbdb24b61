import type { FastifyPluginAsync } from 'fastify';
import event from './event.js';
import interactive from './interactive.js';
import { keepRawBodies } from './raw-body.js';
import slashCommand from './slash-command.js';

/**
 * What Slack calls. Encapsulated (not fastify-plugin) so that the raw-body
 * parsers stay on these routes only. Every 4xx here goes through sendError
 * (src/plugins/errors.ts), which adds X-Slack-No-Retry.
 */
const slackRoutes: FastifyPluginAsync = async (app) => {
  keepRawBodies(app);
  await app.register(event);
  await app.register(slashCommand);
  await app.register(interactive);
};

export default slackRoutes;
