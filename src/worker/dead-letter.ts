import { ErrorCode, headers as natsHeaders, type JetStreamClient, type JetStreamManager, type JsMsg, type NatsError } from 'nats';
import { DEFAULT_STREAM_SETTINGS, type StreamSettings } from '../config/settings.js';
import { ensureStream, SILENT_STREAM_LOGGER, type StreamLogger, type StreamSpec } from '../queue/stream-settings.js';

export const DLQ_STREAM = 'OMNIBOT_DLQ';
export const DLQ_SUBJECT_PREFIX = 'omnibot_dlq.';

export const DLQ_HEADERS = {
  originalSubject: 'Omnibot-Original-Subject',
  originalSequence: 'Omnibot-Original-Sequence',
  deliveryCount: 'Omnibot-Delivery-Count',
  lastError: 'Omnibot-Last-Error',
  /** Present when the body did not fit beside these headers: its size in bytes (it is still in stream OMNIBOT). */
  bodyOmitted: 'Omnibot-Body-Omitted',
} as const;

export const DLQ_STREAM_SPEC: StreamSpec = {
  name: DLQ_STREAM,
  subject: `${DLQ_SUBJECT_PREFIX}>`,
  description: 'omnibot-ts: webhooks the worker gave up on, with why',
};

/** Creates stream OMNIBOT_DLQ with the configured replicas, age and size; an existing one keeps its operator's. */
export async function ensureDeadLetterStream(
  jsm: JetStreamManager,
  settings: StreamSettings = DEFAULT_STREAM_SETTINGS,
  log: StreamLogger = SILENT_STREAM_LOGGER,
): Promise<void> {
  await ensureStream(jsm, DLQ_STREAM_SPEC, settings, log);
}

/** Header values are one line of visible text; an error message may hold anything. */
function headerSafe(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?').slice(0, 1024);
}

function isTooLarge(error: unknown): boolean {
  return (error as NatsError | undefined)?.code === ErrorCode.MaxPayloadExceeded;
}

/**
 * Copies a message to OMNIBOT_DLQ with its headers and why it was given up on.
 * Its message id is derived from the original's sequence, so doing this twice
 * (a crash between this and the ack) stores it once.
 *
 * A message close to the server's max_payload does not fit again once the
 * dead-letter headers are added, and a dead letter that can never be stored
 * would keep its message delivered forever. Then the dead letter holds what
 * fits: the headers that say where the original is and why it failed, with
 * Omnibot-Body-Omitted giving the body's size. The body itself stays in
 * stream OMNIBOT at Omnibot-Original-Sequence for as long as that stream
 * keeps messages.
 */
export async function deadLetter(js: JetStreamClient, message: JsMsg, reason: string): Promise<{ bodyOmitted: boolean }> {
  const h = natsHeaders();
  for (const [key, values] of message.headers ?? []) {
    if (key === 'Nats-Msg-Id') continue;
    for (const value of values) h.append(key, value);
  }
  h.set(DLQ_HEADERS.originalSubject, message.subject);
  h.set(DLQ_HEADERS.originalSequence, String(message.seq));
  h.set(DLQ_HEADERS.deliveryCount, String(message.info.deliveryCount));
  h.set(DLQ_HEADERS.lastError, headerSafe(reason));
  const subject = `${DLQ_SUBJECT_PREFIX}${message.subject}`;
  const msgID = `dlq:${message.info.stream}:${message.seq}`;
  try {
    await js.publish(subject, message.data, { headers: h, msgID });
    return { bodyOmitted: false };
  } catch (error) {
    if (!isTooLarge(error)) throw error;
  }
  h.set(DLQ_HEADERS.bodyOmitted, String(message.data.length));
  await js.publish(subject, new Uint8Array(0), { headers: h, msgID });
  return { bodyOmitted: true };
}
