import { ConfigError } from './errors.js';
import type { Env } from './credentials.js';
import { readNatsSettings, type NatsSettings } from './nats.js';
import { formatDuration, parseDuration, parseSize } from './units.js';

/** How the queue consumer works (the WEBHOOK_WORKER_* variables). */
export interface WorkerSettings {
  /** Messages in flight at once in one process (omnibot's WEBHOOK_WORKER_CONCURRENCY). */
  readonly concurrency: number;
  /** Deliveries before a message goes to OMNIBOT_DLQ. */
  readonly maxDeliver: number;
  /**
   * How long JetStream waits for an ack (or a progress report) before redelivering: also how soon
   * the messages of a worker that died are delivered again. A handler reports progress three times
   * per ack wait while it works.
   */
  readonly ackWaitMs: number;
  /** The first redelivery delay after a failure; it doubles each time, up to retryMaxMs. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** On stop: how long in-flight messages may finish before they are handed back for redelivery. */
  readonly drainTimeoutMs: number;
}

/** What omnibot-ts asks for when it creates a stream or KV bucket; an existing one keeps its operator's settings. */
export interface StreamSettings {
  readonly replicas: number;
  /** 0: no limit. */
  readonly maxAgeMs: number;
  /** -1: no limit. */
  readonly maxBytes: number;
}

/** What the process reads from its environment, apart from credentials. */
export interface Settings {
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  /** LOG_FORMAT: `json` lines, `pretty` (pino-pretty), or `auto`: pretty when stdout is a terminal. */
  readonly logFormat: LogFormat;
  /** NATS_URL and the nats CLI's NATS_* variables: servers, credentials, TLS. */
  readonly nats: NatsSettings;
  readonly stream: StreamSettings;
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
  /** OMNIBOT_TRACE: publish what becomes of each webhook on NATS subjects `omnibot_trace.>` (`omnibot dev` shows it). */
  readonly trace: boolean;
  /** Directory refreshes: users.list / conversations.list / emoji.list calls per minute per bot (Slack's Tier 2: 20). */
  readonly directoryListCallsPerMinute: number;
  /** How long an idle kept-alive HTTP connection stays open: longer than the idle time of the load balancer in front. */
  readonly httpKeepAliveTimeoutMs: number;
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
  throw new ConfigError(`environment variable ${name}: expected 1 or 0 (or true or false), got "${env[name]}"`);
}

// Slack retries for about 5 minutes; the stream's ten-minute duplicate window can't outlast its messages.
const MIN_MAX_AGE_MS = 10 * 60 * 1000;
const MIN_MAX_BYTES = 1024 * 1024;

/** One replica, seven days, no size limit: what a single nats-server on a laptop needs. */
export const DEFAULT_STREAM_SETTINGS: StreamSettings = Object.freeze({ replicas: 1, maxAgeMs: 7 * 24 * 60 * 60 * 1000, maxBytes: -1 });

function streamSettings(env: Env): StreamSettings {
  const rawAge = env.OMNIBOT_STREAM_MAX_AGE || undefined;
  const maxAgeMs = rawAge === undefined ? DEFAULT_STREAM_SETTINGS.maxAgeMs : parseDuration(rawAge);
  if (maxAgeMs === undefined || (maxAgeMs > 0 && maxAgeMs < MIN_MAX_AGE_MS)) {
    throw new ConfigError(
      `environment variable OMNIBOT_STREAM_MAX_AGE: expected a duration of at least ${formatDuration(MIN_MAX_AGE_MS)} such as 30d, 720h or 1h30m (units y, M, w, d, h, m, s; a plain number is seconds), or unlimited; got "${rawAge}"`,
    );
  }
  const rawBytes = env.OMNIBOT_STREAM_MAX_BYTES || undefined;
  const maxBytes = rawBytes === undefined ? DEFAULT_STREAM_SETTINGS.maxBytes : parseSize(rawBytes);
  if (maxBytes === undefined || (maxBytes >= 0 && maxBytes < MIN_MAX_BYTES)) {
    throw new ConfigError(
      `environment variable OMNIBOT_STREAM_MAX_BYTES: expected a size of at least 1MB such as 10GB or 512MiB (units K, M, G, T, powers of 1024; a plain number is bytes), or unlimited; got "${rawBytes}"`,
    );
  }
  return Object.freeze({ replicas: integer(env, 'OMNIBOT_STREAM_REPLICAS', DEFAULT_STREAM_SETTINGS.replicas, 1, 5), maxAgeMs, maxBytes });
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
  const nats = readNatsSettings(env);
  return Object.freeze({
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    logLevel,
    logFormat: logFormat as LogFormat,
    nats,
    stream: streamSettings(env),
    slackApiUrl: slackApiUrl.endsWith('/') ? slackApiUrl : `${slackApiUrl}/`,
    dataDir: env.DATA_DIR || './data',
    directoryMemoryTtlMs: integer(env, 'DIRECTORY_MEMORY_TTL_SECONDS', 60, 0, 86_400) * 1000,
    slackTimeoutMs: integer(env, 'SLACK_API_TIMEOUT_MS', 10_000, 100, 600_000),
    slackMaxRetries: integer(env, 'SLACK_API_MAX_RETRIES', 3, 0, 10),
    worker: Object.freeze({
      concurrency: integer(env, 'WEBHOOK_WORKER_CONCURRENCY', 10, 1, 1000),
      maxDeliver: integer(env, 'WEBHOOK_WORKER_MAX_DELIVER', 5, 1, 100),
      ackWaitMs: integer(env, 'WEBHOOK_WORKER_ACK_WAIT_SECONDS', 6, 1, 3600) * 1000,
      retryBaseMs: integer(env, 'WEBHOOK_WORKER_RETRY_BASE_MS', 1_000, 1, 3_600_000),
      retryMaxMs: integer(env, 'WEBHOOK_WORKER_RETRY_MAX_MS', 60_000, 1, 3_600_000),
      drainTimeoutMs: integer(env, 'WEBHOOK_WORKER_DRAIN_SECONDS', 25, 0, 3600) * 1000,
    }),
    slackPostsPerChannelPerSecond: positiveNumber(env, 'SLACK_POSTS_PER_CHANNEL_PER_SECOND', 1),
    trace: flag(env, 'OMNIBOT_TRACE'),
    directoryListCallsPerMinute: positiveNumber(env, 'DIRECTORY_LIST_CALLS_PER_MINUTE', 20),
    apiDocs: flag(env, 'API_DOCS'),
    overload: Object.freeze({
      maxEventLoopDelayMs: integer(env, 'OVERLOAD_MAX_EVENT_LOOP_DELAY_MS', 1_000, 1, 600_000),
      maxHeapUsedBytes: integer(env, 'OVERLOAD_MAX_HEAP_USED_BYTES', 0, 0, Number.MAX_SAFE_INTEGER),
    }),
    httpKeepAliveTimeoutMs: integer(env, 'HTTP_KEEP_ALIVE_TIMEOUT_SECONDS', 72, 1, 3600) * 1000,
  });
}
