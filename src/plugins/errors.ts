import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import { SlackClientError } from '../slack/errors.js';

/**
 * Every error a client sees is JSON with a stable `error` string and the right
 * status; nothing internal (stack, Slack's tokens, upstream bodies) leaks into it.
 */
export default fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof SlackClientError) {
        request.log.error({ err: error }, 'Slack request failed');
        return reply.code(502).send({ error: 'slack request failed', code: error.code });
      }
      if (error.validation) {
        return reply.code(400).send({ error: 'invalid request', message: error.message });
      }
      const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
      if (status === 503) {
        // Overload (under-pressure keeps its Retry-After header): the caller should come back, not give up.
        request.log.warn({ err: error }, 'service unavailable');
        // omnibot's failure shape, which Slack's routes declare for 503 and the others accept too.
        return reply.code(503).send({ status: 'failure', error: 'service unavailable' });
      }
      if (status >= 500) {
        request.log.error({ err: error }, 'request failed');
        return reply.code(status).send({ error: 'internal server error' });
      }
      // Fastify's own 4xx (bad JSON, body too large, unsupported media type) keep their message.
      return reply.code(status).send({ error: error.message, code: error.code });
    });
    app.setNotFoundHandler((request, reply) => {
      reply.code(404).send({ error: 'not found', message: `Route ${request.method}:${request.url} not found` });
    });
  },
  { name: 'omnibot-errors', fastify: '5.x' },
);
