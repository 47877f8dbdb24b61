import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../error-responses.js';
import { ErrorBody } from './schemas.js';

const healthcheck: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthcheck',
    {
      // Load balancers call it without credentials.
      config: { authnz: false },
      schema: { response: { 200: { content: { 'text/plain': { schema: Type.String({ description: '"OK"' }) } } }, ...errorResponses(ErrorBody, [500, 503]) } },
    },
    async (_request, reply) => reply.type('text/plain; charset=utf-8').send('OK'),
  );
};

export default healthcheck;
