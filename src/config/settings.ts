import { ConfigError } from './errors.js';
import type { Env } from './credentials.js';

/** How the queue consumer works (the WEBHOOK_WORKER_* variables). */
export interface WorkerSettings {
  /** Messages in flight at once in one process (omnibot's WEBHOOK_WORKER_CONCURRENCY). */
  readonly concurrency: number;
  /** Deliveries before a message goes to OMNIBOT_DLQ. */
  readonly maxDeliver: number;
  /** How long JetStream waits for an ack before redelivering; extended while a handler works. */
  readonly ackWaitMs: number;
  /** The first redelivery delay after a failure; it doubles each time, up to retryMaxMs. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** On stop: how long in-flight messages may finish before they are handed back for redelivery. */
  readonly drainTimeoutMs: number;
}

/** What the process reads from its environment, apart from credentials. */
export interface Settings {
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  /** LOG_FORMAT: `json` lines, `pretty` (pino-pretty), or `auto`: pretty when stdout is a terminal. */
  readonly logFormat: LogFormat;
  /** Unset: start an embedded nats-server. */
  readonly natsUrl: string | undefined;
  /** Always ends with a slash, so that a method name can be appended. */
  readonly slackApiUrl: string;
  readonly dataDir: string;
  /** How long a directory entry is trusted in one process's memory before JetStream KV is asked again. */
  readonly directoryMemoryTtlMs: number;
  /** Each Slack Web API attempt's time limit. */
  readonly slackTimeoutMs: number;
  /** Retries after a 429, a 5xx or a network error, before the call fails. */
  readonly slackMaxRetries: number;
  readonly worker: WorkerSettings;
  /** Overload: above either, requests get 503 with Retry-After (under-pressure); 0 for the heap means 90% of V8's limit. */
  readonly overload: { readonly maxEventLoopDelayMs: number; readonly maxHeapUsedBytes: number };
  /** Outgoing pace: posts per second per channel. */
  readonly slackPostsPerChannelPerSecond: number;
  /** METRICS_PORT: where a process without the HTTP role (`worker`) serves /metrics; unset, it listens nowhere. */
  readonly metricsPort: number | undefined;
  /** API_DOCS=1: the OpenAPI document and its page at /docs. */
  readonly apiDocs: boolean;
}

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
export type LogFormat = 'json' | 'pretty' | 'auto';
const LOG_FORMATS: ReadonlySet<string> = new Set<LogFormat>(['json', 'pretty', 'auto']);

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`environment variable ${name}: expected an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function positiveNumber(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`environment variable ${name}: expected a positive number, got "${raw}"`);
  }
  return value;
}

function flag(env: Env, name: string): boolean {
  const raw = (env[name] ?? '').toLowerCase();
  if (raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new ConfigError(`environment variable ${name}: expected 1 or 0, got "${env[name]}"`);
}

function url(env: Env, name: string, fallback: string | undefined, protocols: readonly string[]): string | undefined {
  const raw = env[name] || fallback;
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`environment variable ${name}: expected a URL, got "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`environment variable ${name}: expected a ${protocols.join(' or ')} URL, got "${raw}"`);
  }
  return raw;
}

export function readSettings(env: Env): Settings {
  // Any case: `DEBUG` is what people type.
  const logLevel = (env.LOG_LEVEL || 'info').toLowerCase();
  if (!LOG_LEVELS.has(logLevel)) {
    throw new ConfigError(`environment variable LOG_LEVEL: expected one of ${[...LOG_LEVELS].join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  const logFormat = (env.LOG_FORMAT || 'auto').toLowerCase();
  if (!LOG_FORMATS.has(logFormat)) {
    throw new ConfigError(`environment variable LOG_FORMAT: expected json, pretty or auto, got "${env.LOG_FORMAT}"`);
  }
  const slackApiUrl = url(env, 'SLACK_API_URL', 'https://slack.com/api/', ['http:', 'https:']) as string;
  // nats.js accepts a comma-separated list of servers; check each one.
  const natsUrl = env.NATS_URL || undefined;
  for (const server of natsUrl?.split(',') ?? []) {
    url({ NATS_URL: server.includes('://') ? server : `nats://${server}` }, 'NATS_URL', undefined, ['nats:', 'tls:', 'ws:', 'wss:']);
  }
  return Object.freeze({
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    logLevel,
    logFormat: logFormat as LogFormat,
    natsUrl,
    slackApiUrl: slackApiUrl.endsWith('/') ? slackApiUrl : `${slackApiUrl}/`,
    dataDir: env.DATA_DIR || './data',
    directoryMemoryTtlMs: integer(env, 'DIRECTORY_MEMORY_TTL_SECONDS', 60, 0, 86_400) * 1000,
    slackTimeoutMs: integer(env, 'SLACK_API_TIMEOUT_MS', 10_000, 100, 600_000),
    slackMaxRetries: integer(env, 'SLACK_API_MAX_RETRIES', 3, 0, 10),
    worker: Object.freeze({
      concurrency: integer(env, 'WEBHOOK_WORKER_CONCURRENCY', 10, 1, 1000),
      maxDeliver: integer(env, 'WEBHOOK_WORKER_MAX_DELIVER', 5, 1, 100),
      ackWaitMs: integer(env, 'WEBHOOK_WORKER_ACK_WAIT_SECONDS', 30, 1, 3600) * 1000,
      retryBaseMs: integer(env, 'WEBHOOK_WORKER_RETRY_BASE_MS', 1_000, 1, 3_600_000),
      retryMaxMs: integer(env, 'WEBHOOK_WORKER_RETRY_MAX_MS', 60_000, 1, 3_600_000),
      drainTimeoutMs: integer(env, 'WEBHOOK_WORKER_DRAIN_SECONDS', 25, 0, 3600) * 1000,
    }),
    slackPostsPerChannelPerSecond: positiveNumber(env, 'SLACK_POSTS_PER_CHANNEL_PER_SECOND', 1),
    metricsPort: env.METRICS_PORT ? integer(env, 'METRICS_PORT', 0, 0, 65535) : undefined,
    apiDocs: flag(env, 'API_DOCS'),
    overload: Object.freeze({
      maxEventLoopDelayMs: integer(env, 'OVERLOAD_MAX_EVENT_LOOP_DELAY_MS', 1_000, 1, 600_000),
      maxHeapUsedBytes: integer(env, 'OVERLOAD_MAX_HEAP_USED_BYTES', 0, 0, Number.MAX_SAFE_INTEGER),
    }),
  });
}
