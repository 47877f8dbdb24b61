import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

const healthcheck: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthcheck',
    {
      // Load balancers call it without credentials.
      config: { authnz: false },
      schema: { response: { 200: { content: { 'text/plain': { schema: Type.String({ description: '"OK"' }) } } } } },
    },
    async (_request, reply) => reply.type('text/plain; charset=utf-8').send('OK'),
  );
};

export default healthcheck;
