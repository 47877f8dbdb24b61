import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { userDisplayName } from '../../directory/types.js';
import { errorResponses } from '../error-responses.js';
import { EmailParam, ErrorBody } from './schemas.js';

const UserSummary = Type.Object({
  email: Type.String(),
  name: Type.String(),
  team_id: Type.String(),
  user_id: Type.String(),
});

const getUser: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/slack/get_user/:team_name/:bot_name/:email',
    {
      schema: {
        params: Type.Object({ team_name: Type.String(), bot_name: Type.String(), email: EmailParam }),
        response: {
          // Both shapes at once: the documented one (fields at the top level) and omnibot's (under `user`).
          200: Type.Object({ ...UserSummary.properties, user: UserSummary }),
          ...errorResponses(ErrorBody, [400, 403, 404, 414, 500, 502, 503], { 404: 'Unknown team or bot, or no live user has that email.' }),
        },
      },
    },
    async (request, reply) => {
      const { email } = request.params;
      const user = await app.directory.userByEmail(request.bot, email);
      if (!user) return reply.code(404).send({ error: 'user not found' });
      const summary = {
        email,
        name: userDisplayName(user) ?? '',
        team_id: request.team.id,
        user_id: user.id,
      };
      return { ...summary, user: summary };
    },
  );
};

export default getUser;
