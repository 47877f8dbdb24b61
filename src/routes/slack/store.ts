import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Bot } from '../../config/registry.js';
import type { WebhookType } from '../../queue/envelope.js';
import { MessageTooLargeError } from '../../queue/jetstream-publisher.js';
import { QueueUnavailableError, stableMessageId, UnserializableWebhookError, type PublishResult } from '../../queue/publish.js';
import { slackRetry } from './verify.js';

export interface WebhookToStore {
  readonly type: WebhookType;
  readonly payload: Record<string, unknown>;
  /** The id Slack gave this request (event_id, trigger_id); without one, the body's hash de-duplicates. */
  readonly slackId: unknown;
  /** The payload's JSON as Slack sent it, when the payload is that JSON unchanged. */
  readonly payloadJson?: Buffer;
}

/**
 * Stores a webhook in stream OMNIBOT for the bot that received it, with
 * Slack's retry headers. Undefined (logged) when JetStream did not ack in
 * time to answer Slack: the caller answers 503, so Slack sends it again.
 * Larger than NATS takes: a 413.
 */
export async function storeWebhook(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  bot: Bot,
  webhook: WebhookToStore,
): Promise<PublishResult | undefined> {
  const msgId = stableMessageId(webhook.slackId, request.rawBody ?? '');
  try {
    const toStore = {
      type: webhook.type,
      teamName: bot.team.name,
      botName: bot.name,
      payload: webhook.payload,
      ...(webhook.payloadJson ? { payloadJson: webhook.payloadJson } : {}),
      msgId,
      ...slackRetry(request),
    };
    // The deadline counts from the request's arrival: Slack's 3 s started then.
    const stored = await app.queue.publish(toStore, reply.elapsedTime);
    app.webhookTrace?.stored(msgId, webhook.type, stored);
    app.metrics.webhookStored(webhook.type, stored.duplicate);
    return stored;
  } catch (error) {
    if (error instanceof MessageTooLargeError) {
      app.metrics.webhookRefused(webhook.type, 'too_large');
      // A 413 carries X-Slack-No-Retry: Slack's retries would be just as large.
      request.log.warn({ ...bot.logContext, err: error, type: webhook.type }, 'webhook too large to store');
      throw app.httpErrors.payloadTooLarge('The webhook is too large to store.');
    }
    if (error instanceof UnserializableWebhookError) {
      request.log.warn({ ...bot.logContext, err: error, type: webhook.type }, 'webhook cannot be serialised');
      throw app.httpErrors.badRequest('The webhook cannot be stored: it is nested too deeply.');
    }
    if (!(error instanceof QueueUnavailableError)) throw error;
    request.log.error({ ...bot.logContext, err: error, type: webhook.type }, 'could not queue the webhook');
    return undefined;
  }
}
