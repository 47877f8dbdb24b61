import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../error-responses.js';
import { BotParams, ErrorBody, SlackConversationBody } from './schemas.js';

const getIms: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/slack/get_ims/:team_name/:bot_name',
    {
      schema: {
        params: BotParams,
        response: {
          200: Type.Object({ ims: Type.Array(SlackConversationBody) }),
          ...errorResponses(ErrorBody, [400, 403, 404, 414, 500, 502, 503]),
        },
      },
    },
    async (request) => ({ ims: await app.directory.ims(request.bot) }),
  );
};

export default getIms;
