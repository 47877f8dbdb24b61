import type { FastifyPluginAsync } from 'fastify';
import event from './event.js';
import interactive from './interactive.js';
import { keepRawBodies } from './raw-body.js';
import slashCommand from './slash-command.js';

/**
 * What Slack calls. Encapsulated (not fastify-plugin) so that the raw-body
 * parsers and the no-retry header stay on these routes only.
 */
const slackRoutes: FastifyPluginAsync = async (app) => {
  keepRawBodies(app);
  // A 4xx won't get better by sending it again; a 503 will, so Slack may retry that.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (reply.statusCode >= 400 && reply.statusCode < 500) void reply.header('x-slack-no-retry', '1');
    done(null, payload);
  });
  await app.register(event);
  await app.register(slashCommand);
  await app.register(interactive);
};

export default slackRoutes;
