import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ActionBody, ActionRefused, answerAction, readAction, SlackAnswer } from './perform.js';
import { errorResponses } from '../error-responses.js';
import { EmailParam, ErrorBody } from './schemas.js';

const sendIm: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/v1/slack/send_im/:team_name/:bot_name/:email',
    {
      // omnibot's send_im errors name what was asked for beside the error.
      config: { echoParamsInErrors: true, errorStyle: 'action' },
      schema: {
        params: Type.Object({ team_name: Type.String(), bot_name: Type.String(), email: EmailParam }),
        body: ActionBody,
        response: {
          200: SlackAnswer,
          400: ActionRefused,
          ...errorResponses(ErrorBody, [403, 404, 413, 414, 415, 500, 502, 503], {
            404: 'Unknown team or bot, no live user has that email, or Slack would not open an IM with them.',
          }),
        },
      },
    },
    async (request, reply) => {
      const read = readAction(request.body);
      if ('error' in read) return reply.code(400).send({ ok: false, error: read.error });
      const { bot } = request;
      const user = await app.directory.userByEmail(bot, request.params.email);
      if (!user) return reply.code(404).send({ error: 'unable to find slack user for given email.', ...request.params });
      const im = await app.directory.openIm(bot, user.id);
      if (!im) return reply.code(404).send({ error: 'unable to find IM channel.', ...request.params });
      return answerAction(app, request, reply, bot, read.action, { ...read.kwargs, channel: im.id });
    },
  );
};

export default sendIm;
