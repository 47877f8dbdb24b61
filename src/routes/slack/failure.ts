import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';

/** omnibot's error body for Slack's routes: `{"status": "failure", "error": …}`. */
export const FailureBody = Type.Object({ status: Type.Literal('failure'), error: Type.Optional(Type.String()) });

export function fail(reply: FastifyReply, status: number, error: string): FastifyReply {
  return reply.code(status).send({ status: 'failure', error });
}

/** JetStream did not ack: no error text, Slack retries (a 503 has no X-Slack-No-Retry). */
export function queueUnavailable(reply: FastifyReply): FastifyReply {
  return reply.code(503).send({ status: 'failure' });
}
