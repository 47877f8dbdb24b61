import { nanos, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from 'nats';
import { STREAM_NAME, STREAM_SUBJECTS } from './subjects.js';

/** Slack retries at about 0 s, 1 min and 5 min; a window past the last retry stores each webhook once. */
export const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;

export interface StreamOptions {
  /** How long a webhook stays in the stream for any subscriber (the worker acks; others may replay). */
  readonly maxAgeMs?: number;
  readonly replicas?: number;
}

const DEFAULT_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

function desired(options: StreamOptions): Partial<StreamConfig> {
  return {
    name: STREAM_NAME,
    subjects: STREAM_SUBJECTS,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    max_age: nanos(options.maxAgeMs ?? DEFAULT_MAX_AGE_MS),
    num_replicas: options.replicas ?? 1,
    description: 'omnibot-ts: Slack webhooks, as {"event": payload}',
  };
}

/** Creates stream OMNIBOT, or updates it to this configuration when it exists (at every start-up). */
export async function ensureWebhookStream(jsm: JetStreamManager, options: StreamOptions = {}): Promise<void> {
  const config = desired(options);
  try {
    await jsm.streams.info(STREAM_NAME);
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    await jsm.streams.add(config);
    return;
  }
  // Storage can't change on an existing stream; everything else we set can.
  const { storage: _storage, ...updatable } = config;
  await jsm.streams.update(STREAM_NAME, updatable);
}

function isStreamNotFound(error: unknown): boolean {
  return error instanceof Error && /stream not found/i.test(error.message);
}
