import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { errorResponses } from '../error-responses.js';

/** omnibot's error body for Slack's routes: `{"status": "failure", "error": …}`. */
export const FailureBody = Type.Object({
  status: Type.Literal('failure'),
  error: Type.Optional(Type.String({ description: 'omnibot\'s error string; absent when JetStream did not store the webhook.' })),
  message: Type.Optional(Type.String({ description: 'What exactly was wrong.' })),
  code: Type.Optional(Type.String({ description: 'Fastify\'s error code.' })),
});

/** What each of Slack's routes may answer besides success; every 4xx carries X-Slack-No-Retry: 1, a 503 does not. */
export const webhookErrors = errorResponses(FailureBody, [400, 401, 403, 413, 415, 500, 503]);

export function fail(reply: FastifyReply, status: number, error: string): FastifyReply {
  return reply.code(status).send({ status: 'failure', error });
}

/** JetStream did not ack: no error text, Slack retries (a 503 has no X-Slack-No-Retry). */
export function queueUnavailable(reply: FastifyReply): FastifyReply {
  return reply.code(503).send({ status: 'failure' });
}
