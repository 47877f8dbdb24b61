import { nanos, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from 'nats';
import type { StreamSettings } from '../config/settings.js';
import { formatDuration, formatSize } from '../config/units.js';
import { isStreamNotFound } from './not-found.js';

/**
 * What omnibot-ts needs of a stream it uses. On creation the operator's
 * StreamSettings (replicas, age, size) apply; on an existing stream only what
 * omnibot-ts's correctness needs is put right, and the rest stays as its
 * operator set it.
 */
export interface StreamSpec {
  readonly name: string;
  /** Must be among the stream's subjects (with anything narrower folded into it). */
  readonly subject: string;
  readonly description: string;
  /** The stream's duplicate window must be at least this long. */
  readonly minDuplicateWindowMs?: number;
}

export interface StreamLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export const SILENT_STREAM_LOGGER: StreamLogger = { info: () => undefined, warn: () => undefined };

export interface Reconciliation {
  /** The fields to change on the existing stream; undefined when nothing needs changing. */
  readonly update: Partial<StreamConfig> | undefined;
  /** What was put right, for the log. */
  readonly corrected: readonly string[];
  /** Differences from the configured settings that are left as they are, for one warning. */
  readonly kept: readonly string[];
}

const NANOS_PER_MS = 1_000_000;

/** The configuration of a stream omnibot-ts creates. */
export function newStreamConfig(spec: StreamSpec, settings: StreamSettings): Partial<StreamConfig> {
  return {
    name: spec.name,
    subjects: [spec.subject],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    num_replicas: settings.replicas,
    max_age: nanos(settings.maxAgeMs),
    max_bytes: settings.maxBytes,
    ...(spec.minDuplicateWindowMs ? { duplicate_window: nanos(spec.minDuplicateWindowMs) } : {}),
    description: spec.description,
  };
}

/** `omnibot.event.>` lies within `omnibot.>`. */
function within(subject: string, wildcard: string): boolean {
  return wildcard.endsWith('.>') && subject.startsWith(wildcard.slice(0, -1));
}

function ageText(nanoseconds: number): string {
  return formatDuration(Math.round(nanoseconds / NANOS_PER_MS));
}

/** Differences between what the operator's stream has and what omnibot-ts would create: never changed, only told. */
export function keptDifferences(existing: StreamConfig, settings: StreamSettings): string[] {
  const kept: string[] = [];
  if (existing.num_replicas !== settings.replicas) {
    kept.push(`replicas ${existing.num_replicas} (OMNIBOT_STREAM_REPLICAS is ${settings.replicas})`);
  }
  if (existing.max_age !== nanos(settings.maxAgeMs)) {
    kept.push(`max age ${ageText(existing.max_age)} (OMNIBOT_STREAM_MAX_AGE is ${formatDuration(settings.maxAgeMs)})`);
  }
  const bytes = existing.max_bytes > 0 ? existing.max_bytes : -1;
  if (bytes !== settings.maxBytes) {
    kept.push(`max bytes ${formatSize(bytes)} (OMNIBOT_STREAM_MAX_BYTES is ${formatSize(settings.maxBytes)})`);
  }
  if (existing.storage !== StorageType.File) kept.push(`${existing.storage} storage (omnibot-ts creates file storage)`);
  if (existing.retention !== RetentionPolicy.Limits) kept.push(`${existing.retention} retention (omnibot-ts creates limits retention)`);
  return kept;
}

/**
 * What to change on an existing stream: its subject and its duplicate window,
 * when they fall short of what omnibot-ts needs. Nothing else, so an operator's
 * replicas, age and size are never lowered (nor raised).
 */
export function reconcileStream(existing: StreamConfig, spec: StreamSpec, settings: StreamSettings): Reconciliation {
  const update: Partial<StreamConfig> = {};
  const corrected: string[] = [];
  const kept = keptDifferences(existing, settings);
  const subjects = existing.subjects ?? [];
  if (!subjects.includes(spec.subject)) {
    // Narrower subjects would overlap the wildcard, which JetStream refuses; the wildcard holds them.
    update.subjects = [spec.subject, ...subjects.filter((subject) => !within(subject, spec.subject))];
    corrected.push(`subjects ${JSON.stringify(subjects)} now include ${spec.subject}`);
  }
  const minWindow = spec.minDuplicateWindowMs ? nanos(spec.minDuplicateWindowMs) : 0;
  if (minWindow > 0 && existing.duplicate_window < minWindow) {
    if (existing.max_age > 0 && existing.max_age < minWindow) {
      // JetStream refuses a window longer than the stream's age; the operator chose the age.
      kept.push(
        `duplicate window ${ageText(existing.duplicate_window)}, under the ${ageText(minWindow)} that stores each Slack retry once, because max age is ${ageText(existing.max_age)}`,
      );
    } else {
      update.duplicate_window = minWindow;
      corrected.push(`duplicate window ${ageText(existing.duplicate_window)} raised to ${ageText(minWindow)}`);
    }
  }
  return { update: corrected.length > 0 ? update : undefined, corrected, kept };
}

/** JetStream refused a stream or bucket as configured (replicas > 1 on a single server, say): named with the settings. */
export class StreamCreationError extends Error {
  override readonly name = 'StreamCreationError';
  constructor(name: string, settings: StreamSettings, cause: unknown) {
    super(
      `cannot create ${name} with OMNIBOT_STREAM_REPLICAS=${settings.replicas}, OMNIBOT_STREAM_MAX_AGE=${formatDuration(settings.maxAgeMs)}, OMNIBOT_STREAM_MAX_BYTES=${formatSize(settings.maxBytes)}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/**
 * Creates the stream with the configured settings, or makes an existing one
 * usable without overriding its operator: see reconcileStream. Differences left
 * alone are logged once, as one warning.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  spec: StreamSpec,
  settings: StreamSettings,
  log: StreamLogger,
): Promise<'created' | 'updated' | 'unchanged'> {
  let existing: StreamConfig;
  try {
    existing = (await jsm.streams.info(spec.name)).config;
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    try {
      await jsm.streams.add(newStreamConfig(spec, settings));
    } catch (cause) {
      throw new StreamCreationError(`stream ${spec.name}`, settings, cause);
    }
    log.info({ stream: spec.name, replicas: settings.replicas, max_age: formatDuration(settings.maxAgeMs), max_bytes: formatSize(settings.maxBytes) }, 'created stream');
    return 'created';
  }
  const { update, corrected, kept } = reconcileStream(existing, spec, settings);
  if (kept.length > 0) {
    log.warn({ stream: spec.name, kept }, `stream ${spec.name} keeps its operator's settings where they differ from omnibot-ts's: ${kept.join('; ')}`);
  }
  if (!update) return 'unchanged';
  // nats.js sends the stream's whole current configuration with these fields changed.
  await jsm.streams.update(spec.name, update);
  log.warn({ stream: spec.name, corrected }, `stream ${spec.name} changed where omnibot-ts needs it: ${corrected.join('; ')}`);
  return 'updated';
}
