import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ActionBody, ActionRefused, answerAction, readAction, SlackAnswer } from './perform.js';
import { errorResponses } from '../error-responses.js';
import { BotParams, ErrorBody } from './schemas.js';

/** The seed documents v1; omnibot serves v2. Both, so that clients of either work. */
const PATHS = ['/api/v1/slack/action/:team_name/:bot_name', '/api/v2/slack/action/:team_name/:bot_name'];

const action: FastifyPluginAsyncTypebox = async (app) => {
  for (const url of PATHS) {
    app.post(
      url,
      {
        config: { errorStyle: 'action' },
        schema: {
          params: BotParams,
          body: ActionBody,
          response: {
            200: SlackAnswer,
            400: ActionRefused,
            ...errorResponses(ErrorBody, [403, 404, 413, 414, 415, 500, 502, 503]),
          },
        },
      },
      async (request, reply) => {
        const read = readAction(request.body);
        if ('error' in read) return reply.code(400).send({ ok: false, error: read.error });
        return answerAction(app, request, reply, request.bot, read.action, read.kwargs);
      },
    );
  }
};

export default action;
