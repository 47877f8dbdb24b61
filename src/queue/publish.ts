import { createHash } from 'node:crypto';
import { headers as natsHeaders } from 'nats';
import { ENVELOPE_VERSION, HEADERS, type WebhookType } from './envelope.js';
import type { JetStreamPublisher, StoredAck } from './jetstream-publisher.js';
import { webhookSubject } from './subjects.js';

const EVENT_PREFIX = Buffer.from('{"event":');
const EVENT_SUFFIX = Buffer.from('}');

export class QueueUnavailableError extends Error {
  override readonly name = 'QueueUnavailableError';
}

export interface Webhook {
  readonly type: WebhookType;
  readonly teamName: string;
  readonly botName: string;
  readonly payload: Record<string, unknown>;
  /**
   * The payload's JSON exactly as Slack sent it, when the payload is that JSON
   * unchanged: stored as is, instead of serialising the parsed object again.
   */
  readonly payloadJson?: Buffer;
  /** JetStream's de-duplication id: the same id within the window is stored once. */
  readonly msgId: string;
  readonly retryNum?: string;
  readonly retryReason?: string;
}

/**
 * A de-duplication id that Slack's retries of one request share: the id Slack
 * gives it (event_id, trigger_id), else a hash of the bytes Slack sent.
 */
export function stableMessageId(slackId: unknown, rawBody: Buffer | string): string {
  if (typeof slackId === 'string' && slackId.length > 0) return slackId;
  return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}

export type PublishResult = StoredAck;

/**
 * Stores a webhook in stream OMNIBOT and resolves only on JetStream's ack, so
 * a 200 to Slack always means the message is stored.
 */
export async function publishWebhook(publisher: JetStreamPublisher, webhook: Webhook): Promise<PublishResult> {
  const h = natsHeaders();
  h.set(HEADERS.msgId, webhook.msgId);
  h.set(HEADERS.type, webhook.type);
  h.set(HEADERS.version, ENVELOPE_VERSION);
  if (webhook.retryNum) h.set(HEADERS.retryNum, webhook.retryNum);
  if (webhook.retryReason) h.set(HEADERS.retryReason, webhook.retryReason);
  const body = webhook.payloadJson
    ? Buffer.concat([EVENT_PREFIX, webhook.payloadJson, EVENT_SUFFIX])
    : Buffer.from(JSON.stringify({ event: webhook.payload }));
  try {
    return await publisher.publish(webhookSubject(webhook.type, webhook.teamName, webhook.botName), body, h);
  } catch (error) {
    throw new QueueUnavailableError(`JetStream did not acknowledge the webhook: ${(error as Error).message}`, { cause: error });
  }
}
