import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../error-responses.js';
import { ErrorBody } from './schemas.js';

const Checks = Type.Record(Type.String(), Type.String(), {
  description: '"ok", or why not, per thing the process needs: "nats", "stream OMNIBOT", and in a worker "consumer omnibot-worker".',
});

const Ready = Type.Object({ status: Type.Literal('ready'), checks: Checks });
// Overload (under-pressure) and shutdown answer 503 too, with their own error string and no checks.
const NotReady = Type.Object(
  {
    status: Type.Optional(Type.String()),
    error: Type.String({ description: '"not ready", or why the request was not served ("service unavailable")' }),
    missing: Type.Optional(Type.Array(Type.String(), { description: 'The checks that failed.' })),
    checks: Type.Optional(Checks),
  },
  { additionalProperties: true },
);

/** Readiness for load balancers and Kubernetes: 200 when the process can do its job, 503 naming what is missing. */
const readyz: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/readyz',
    {
      // Probes call it without credentials, like /healthcheck.
      config: { authnz: false },
      schema: { response: { 200: Ready, ...errorResponses(ErrorBody, [500]), 503: NotReady } },
    },
    async (_request, reply) => {
      const report = await app.readiness.report();
      if (report.ready) return reply.code(200).send({ status: 'ready', checks: report.checks });
      return reply.code(503).send({ status: 'not ready', error: 'not ready', missing: [...report.missing], checks: report.checks });
    },
  );
};

export default readyz;
