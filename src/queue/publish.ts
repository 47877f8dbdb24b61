import { createHash } from 'node:crypto';
import { MsgHdrsImpl } from 'nats';
import { ENVELOPE_VERSION, HEADERS, type WebhookType } from './envelope.js';
import { MessageTooLargeError, type JetStreamPublisher, type StoredAck } from './jetstream-publisher.js';
import { webhookSubject } from './subjects.js';
import { eventJsonWithoutToken, payloadWithoutToken } from './without-token.js';

const EVENT_PREFIX = Buffer.from('{"event":');
const EVENT_SUFFIX = Buffer.from('}');

export class QueueUnavailableError extends Error {
  override readonly name = 'QueueUnavailableError';
}

/** The payload cannot be serialised (nested too deeply for the stack): storing it again cannot help. */
export class UnserializableWebhookError extends Error {
  override readonly name = 'UnserializableWebhookError';
}

function serialise(payload: Record<string, unknown>): Buffer {
  try {
    return Buffer.from(JSON.stringify({ event: payload }));
  } catch (error) {
    throw new UnserializableWebhookError(`the webhook cannot be serialised: ${(error as Error).message}`, { cause: error });
  }
}

export interface Webhook {
  readonly type: WebhookType;
  readonly teamName: string;
  readonly botName: string;
  readonly payload: Record<string, unknown>;
  /**
   * The payload's JSON exactly as Slack sent it, when the payload is that JSON
   * unchanged: stored as is (but for the token), instead of serialising the
   * parsed object again.
   */
  readonly payloadJson?: Buffer;
  /** JetStream's de-duplication id: the same id within the window is stored once. */
  readonly msgId: string;
  readonly retryNum?: string;
  readonly retryReason?: string;
}

// Slack's ids are short runs of visible ASCII (`Ev0AB12CD3`, `1234.5678.abcd`); anything else is not one.
const SLACK_ID_SHAPE = /^[\x21-\x7e]{1,255}$/;

/**
 * A de-duplication id that Slack's retries of one request share: the id Slack
 * gives it (event_id, trigger_id), else a hash of the bytes Slack sent.
 */
export function stableMessageId(slackId: unknown, rawBody: Buffer | string): string {
  if (typeof slackId === 'string' && SLACK_ID_SHAPE.test(slackId)) return slackId;
  return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}

export type PublishResult = StoredAck;

/**
 * Stores a webhook in stream OMNIBOT and resolves only on JetStream's ack, so
 * a 200 to Slack always means the message is stored. Rejects with
 * QueueUnavailableError when it may work later, MessageTooLargeError or
 * UnserializableWebhookError when it never will.
 */
export async function publishWebhook(publisher: JetStreamPublisher, webhook: Webhook, timeoutMs?: number): Promise<PublishResult> {
  // fromRecord takes the values as they are; nats.js's set() would also re-case and search every
  // name, which cost more than the rest of the publish. validHeaderValue is set()'s own value check
  // (no line break, which would end the header block early).
  const headerValue = MsgHdrsImpl.validHeaderValue;
  const record: Record<string, string[]> = {
    [HEADERS.msgId]: [headerValue(webhook.msgId)],
    [HEADERS.type]: [webhook.type],
    [HEADERS.version]: [ENVELOPE_VERSION],
  };
  if (webhook.retryNum) record[HEADERS.retryNum] = [headerValue(webhook.retryNum)];
  if (webhook.retryReason) record[HEADERS.retryReason] = [headerValue(webhook.retryReason)];
  const h = MsgHdrsImpl.fromRecord(record);
  // Stored without Slack's verification token (without-token.ts).
  const { payloadJson } = webhook;
  const asSent = payloadJson && (Object.hasOwn(webhook.payload, 'token') ? eventJsonWithoutToken(payloadJson) : [payloadJson]);
  const body = asSent ? Buffer.concat([EVENT_PREFIX, ...asSent, EVENT_SUFFIX]) : serialise(payloadWithoutToken(webhook.payload));
  try {
    return await publisher.publish(webhookSubject(webhook.type, webhook.teamName, webhook.botName), body, h, timeoutMs);
  } catch (error) {
    if (error instanceof MessageTooLargeError) throw error;
    throw new QueueUnavailableError(`JetStream did not acknowledge the webhook: ${(error as Error).message}`, { cause: error });
  }
}
