import { headers as natsHeaders, nanos, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager, type JsMsg } from 'nats';

export const DLQ_STREAM = 'OMNIBOT_DLQ';
export const DLQ_SUBJECT_PREFIX = 'omnibot_dlq.';

export const DLQ_HEADERS = {
  originalSubject: 'Omnibot-Original-Subject',
  originalSequence: 'Omnibot-Original-Sequence',
  deliveryCount: 'Omnibot-Delivery-Count',
  lastError: 'Omnibot-Last-Error',
} as const;

/** Dead letters stay long enough for someone to look at them and replay them. */
const DLQ_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

/** Creates stream OMNIBOT_DLQ when missing. */
export async function ensureDeadLetterStream(jsm: JetStreamManager): Promise<void> {
  try {
    await jsm.streams.info(DLQ_STREAM);
  } catch (error) {
    if (!(error instanceof Error && /stream not found/i.test(error.message))) throw error;
    await jsm.streams.add({
      name: DLQ_STREAM,
      subjects: [`${DLQ_SUBJECT_PREFIX}>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: nanos(DLQ_MAX_AGE_MS),
      description: 'omnibot-ts: webhooks the worker gave up on, with why',
    });
  }
}

/** Header values are one line of visible text; an error message may hold anything. */
function headerSafe(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?').slice(0, 1024);
}

/**
 * Copies a message to OMNIBOT_DLQ with its headers and why it was given up on.
 * Its message id is derived from the original's sequence, so doing this twice
 * (a crash between this and the ack) stores it once.
 */
export async function deadLetter(js: JetStreamClient, message: JsMsg, reason: string): Promise<void> {
  const h = natsHeaders();
  for (const [key, values] of message.headers ?? []) {
    if (key === 'Nats-Msg-Id') continue;
    for (const value of values) h.append(key, value);
  }
  h.set(DLQ_HEADERS.originalSubject, message.subject);
  h.set(DLQ_HEADERS.originalSequence, String(message.seq));
  h.set(DLQ_HEADERS.deliveryCount, String(message.info.deliveryCount));
  h.set(DLQ_HEADERS.lastError, headerSafe(reason));
  await js.publish(`${DLQ_SUBJECT_PREFIX}${message.subject}`, message.data, {
    headers: h,
    msgID: `dlq:${message.info.stream}:${message.seq}`,
  });
}
