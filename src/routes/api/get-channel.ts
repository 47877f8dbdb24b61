import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { SLACK_LIMITS } from '../../slack/limits.js';
import { errorResponses } from '../error-responses.js';
import { ErrorBody, SlackConversationBody } from './schemas.js';

const getChannel: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/slack/get_channel/:team_name/:bot_name/:channel_name',
    {
      schema: {
        params: Type.Object({
          team_name: Type.String(),
          bot_name: Type.String(),
          // Slack's channel names are at most 80 characters, after an optional leading #.
          channel_name: Type.String({ minLength: 1, maxLength: SLACK_LIMITS.nameLength + 1 }),
        }),
        response: {
          // omnibot answered the channel bare; the documented API wraps it in `channel`. Both, so either client works.
          200: Type.Object(
            { ...SlackConversationBody.properties, channel: SlackConversationBody },
            { additionalProperties: true },
          ),
          ...errorResponses(ErrorBody, [400, 403, 404, 414, 500, 502, 503], { 404: 'Unknown team or bot, or no channel has that name.' }),
        },
      },
    },
    async (request, reply) => {
      const channel = await app.directory.channelByName(request.bot, request.params.channel_name);
      if (!channel) return reply.code(404).send({ error: 'provided channel_name was not found.' });
      return { ...channel, channel };
    },
  );
};

export default getChannel;
