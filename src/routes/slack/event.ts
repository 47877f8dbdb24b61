import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Bot } from '../../config/registry.js';
import { fail, queueUnavailable, webhookErrors } from './failure.js';
import { storeWebhook } from './store.js';
import { anySigningSecretAccepts, INVALID_SIGNATURE, signatureAccepted, slackRetry, tokenAccepted } from './verify.js';

/** An events API request: only what the checks read is declared; the rest is kept as Slack sent it. */
const EventRequest = Type.Object(
  {
    token: Type.Optional(Type.String()),
    type: Type.Optional(Type.String()),
    challenge: Type.Optional(Type.String()),
    api_app_id: Type.Optional(Type.String()),
    team_id: Type.Optional(Type.String()),
    event_id: Type.Optional(Type.String()),
    event: Type.Optional(Type.Object({ type: Type.Optional(Type.String()), event_ts: Type.Optional(Type.String()) }, { additionalProperties: true })),
  },
  { additionalProperties: true },
);

// Slack expects to hear back within 3 s; later than this, something upstream of us is slow.
const SLOW_DELIVERY_MS = 20_000;

/** Delivery latency (now − event_ts) and Slack's retries: a log field always, a warning when slow, a histogram. */
function recordDelivery(app: FastifyInstance, request: FastifyRequest, bot: Bot, eventTs: string | undefined, retry: { retryNum?: string; retryReason?: string }): void {
  const sentAt = Number(eventTs) * 1000;
  const latencyMs = Number.isFinite(sentAt) && sentAt > 0 ? Date.now() - sentAt : undefined;
  if (latencyMs !== undefined) app.metrics.eventDelivered(latencyMs / 1000, retry.retryNum !== undefined);
  const fields = { ...bot.logContext, latency_ms: latencyMs, retry_num: retry.retryNum, retry_reason: retry.retryReason };
  if (latencyMs !== undefined && latencyMs > SLOW_DELIVERY_MS) request.log.warn(fields, `event delivered more than 20 s late (${latencyMs} ms)`);
  else request.log.info(fields, 'event accepted');
}

const event: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/v1/slack/event',
    {
      config: { errorStyle: 'slack' },
      schema: {
        body: EventRequest,
        response: {
          200: Type.Union([
            Type.Object({ challenge: Type.String() }),
            Type.Object({ status: Type.Literal('success') }),
            Type.Object({ status: Type.Literal('ignored'), warning: Type.String() }),
          ]),
          ...webhookErrors,
        },
      },
    },
    async (request, reply) => {
      const payload = request.body;
      const { registry } = app.config;
      // omnibot's checks, in omnibot's order, with its statuses and strings.
      if (payload.token === undefined) return fail(reply, 403, 'No verification token in event.');
      if (payload.type === 'url_verification') {
        const known = registry.botByVerificationToken(payload.token) !== undefined || anySigningSecretAccepts(request, registry.bots);
        if (!known || payload.challenge === undefined) return fail(reply, 403, 'url_verification failed.');
        return { challenge: payload.challenge };
      }
      if (payload.api_app_id === undefined) return fail(reply, 403, 'No api_app_id in event.');
      if (payload.team_id === undefined) return fail(reply, 403, 'No team_id in event.');
      const team = registry.teamById(payload.team_id);
      if (!team) {
        request.log.warn({ team_id: payload.team_id, bot_id: payload.api_app_id }, 'Unsupported team');
        return fail(reply, 403, 'Unsupported team');
      }
      const bot = registry.botByAppId(team, payload.api_app_id);
      if (!bot) {
        request.log.info({ team_id: team.id, bot_id: payload.api_app_id }, 'Unsupported bot');
        return { status: 'ignored' as const, warning: 'Unsupported bot' };
      }
      if (!signatureAccepted(request, bot)) return fail(reply, 401, INVALID_SIGNATURE);
      if (!tokenAccepted(payload.token, bot)) return fail(reply, 403, 'Incorrect verification token in event for bot');
      if (payload.event === undefined) return fail(reply, 403, 'Request does not have an event. Processing will not proceed!');

      // Slack's event_id is unique per event and kept across its retries.
      const stored = await storeWebhook(app, request, reply, bot, {
        type: 'event',
        payload,
        slackId: payload.event_id,
        ...(request.rawBody ? { payloadJson: request.rawBody } : {}),
      });
      if (!stored) return queueUnavailable(reply);
      if (stored.duplicate) request.log.info({ ...bot.logContext, event_id: payload.event_id }, 'duplicate event: already stored');
      recordDelivery(app, request, bot, payload.event.event_ts, slackRetry(request));
      return { status: 'success' as const };
    },
  );
};

export default event;
