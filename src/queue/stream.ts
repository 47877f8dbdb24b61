import type { JetStreamManager } from 'nats';
import { DEFAULT_STREAM_SETTINGS, type StreamSettings } from '../config/settings.js';
import { ensureStream, SILENT_STREAM_LOGGER, type StreamLogger, type StreamSpec } from './stream-settings.js';
import { STREAM_NAME, STREAM_SUBJECTS } from './subjects.js';

/** Slack retries at about 0 s, 1 min and 5 min; a window past the last retry stores each webhook once. */
export const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;

export const WEBHOOK_STREAM: StreamSpec = {
  name: STREAM_NAME,
  subject: STREAM_SUBJECTS[0] as string,
  description: 'omnibot-ts: Slack webhooks, as {"event": payload}',
  minDuplicateWindowMs: DUPLICATE_WINDOW_MS,
};

/**
 * Creates stream OMNIBOT with the configured replicas, age and size, or makes an
 * existing one take every webhook once (its subjects and duplicate window),
 * leaving the rest as its operator set it.
 */
export async function ensureWebhookStream(
  jsm: JetStreamManager,
  settings: StreamSettings = DEFAULT_STREAM_SETTINGS,
  log: StreamLogger = SILENT_STREAM_LOGGER,
): Promise<void> {
  await ensureStream(jsm, WEBHOOK_STREAM, settings, log);
}
