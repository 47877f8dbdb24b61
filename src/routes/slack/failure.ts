import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { sendError } from '../../plugins/errors.js';
import { errorResponses } from '../error-responses.js';
import type { WebhookRefusal } from '../../metrics/omnibot-metrics.js';
import type { WebhookType } from '../../queue/envelope.js';

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
  countRefusal(reply, refusalReason(error));
  return sendError(reply, 'slack', status, { error });
}

/** JetStream did not ack: no error text, Slack retries (a 503 has no X-Slack-No-Retry). */
export function queueUnavailable(reply: FastifyReply): FastifyReply {
  countRefusal(reply, 'queue_unavailable');
  return reply.code(503).send({ status: 'failure' });
}

const ROUTE_TYPES: Readonly<Record<string, WebhookType>> = {
  '/api/v1/slack/event': 'event',
  '/api/v1/slack/slash_command': 'slash_command',
  '/api/v1/slack/interactive': 'interactive_component',
};

/** omnibot's error strings, grouped into the few reasons an operator alerts on. */
function refusalReason(error: string): WebhookRefusal {
  if (/signature/i.test(error)) return 'invalid_signature';
  if (/^Unsupported team/.test(error)) return 'unknown_team';
  if (/does not match (any configured app|team)/.test(error)) return 'unknown_app';
  if (/verification token|url_verification/i.test(error)) return 'unverified';
  return 'malformed';
}

/** Counts a refused webhook by its route's type (omnibot_webhooks_refused_total). */
export function countRefusal(reply: FastifyReply, reason: WebhookRefusal): void {
  const type = ROUTE_TYPES[reply.request.routeOptions.url ?? ''];
  if (type) reply.server.metrics.webhookRefused(type, reason);
}
