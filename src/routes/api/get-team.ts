import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../error-responses.js';
import { ErrorBody, TeamParams } from './schemas.js';

const getTeam: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/slack/get_team/:team_name',
    {
      config: { unknownTeamError: 'provided team_name is not configured.' },
      schema: {
        params: TeamParams,
        response: {
          200: Type.Object({ team_id: Type.String() }),
          ...errorResponses(ErrorBody, [400, 403, 404, 414, 500, 503], { 404: 'The team is not configured.' }),
        },
      },
    },
    async (request) => ({ team_id: request.team.id }),
  );
};

export default getTeam;
