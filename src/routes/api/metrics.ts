import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../error-responses.js';
import { ErrorBody } from './schemas.js';

const metrics: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/metrics',
    {
      // Behind the authorization checks like every route but the health checks: it names teams, bots and handlers.
      schema: {
        response: {
          200: {
            description: 'Prometheus\' text exposition format (docs/METRICS.md lists every metric).',
            content: { 'text/plain': { schema: Type.String() } },
          },
          ...errorResponses(ErrorBody, [403, 500, 503]),
        },
      },
    },
    async (_request, reply) => {
      const text = await app.metrics.text();
      return reply.type(app.metrics.contentType).send(text);
    },
  );
};

export default metrics;
