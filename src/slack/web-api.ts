import { Pool, type Dispatcher } from 'undici';
import { SlackClientError } from './errors.js';
import { slackPages, type SlackPagesOptions } from './pages.js';

export { SlackApiError, SlackClientError } from './errors.js';

/** Slack's answer envelope; every Web API method returns at least `ok`. */
export interface SlackResponse {
  ok: boolean;
  error?: string;
  response_metadata?: { next_cursor?: string; messages?: string[] };
  [key: string]: unknown;
}

/** What the client needs of a logger; a pino logger fits. */
export interface SlackClientLogger {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/**
 * Told how each call ended, for metrics. `method` is whatever the caller
 * asked for (a valid name or not): the observer decides what it may record.
 */
export interface SlackClientObserver {
  /** `outcome`: `ok`, `slack_error` (Slack answered `ok: false`, with `error`), or the thrown error's code. */
  called(method: string, outcome: string, seconds: number, error?: string): void;
  /** Slack answered 429 to one attempt. */
  rateLimited(method: string): void;
}

export interface SlackWebClientOptions {
  /** Where the Web API lives, path included: `https://slack.com/api/`. */
  baseUrl: string;
  /** Per attempt, connecting through reading the whole body. */
  timeoutMs?: number;
  /** Retries after the first attempt, whatever the reason; so at most maxRetries + 1 requests per call. */
  maxRetries?: number;
  /** Backoff base for network errors, timeouts and 5xx: base·2^(retry-1), jittered between half and all of it. */
  retryBaseDelayMs?: number;
  /** Cap on one 429 wait, so a huge Retry-After cannot park a request for an hour. */
  maxRetryAfterMs?: number;
  /** Connections the pool keeps to Slack; unlimited when absent. */
  connections?: number;
  logger?: SlackClientLogger;
  observer?: SlackClientObserver;
}

export interface SlackCallOptions {
  signal?: AbortSignal;
}

export type SlackPaginateOptions = SlackPagesOptions;

/** Dotted segments only: no slashes, dots-dots, query or scheme can reach the URL. */
const METHOD_NAME = /^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)+$/;
/** Visible ASCII: anything else would be refused by the HTTP layer, or split the header. */
const TOKEN_SHAPE = /^[\x21-\x7e]+$/;
const MAX_BACKOFF_MS = 30_000;
const DEFAULT_RETRY_AFTER_MS = 1_000;

const noopLogger: SlackClientLogger = { warn() {}, debug() {} };

/** An attempt that may be repeated; anything final is thrown or returned instead. */
type Retryable =
  | { code: 'rate_limited'; status: 429; waitMs: number; retryAfterSeconds: number }
  | { code: 'http_error'; status: number }
  | { code: 'request_failed'; reason: string; cause: unknown };

type Attempt = { ok: true; body: SlackResponse } | { ok: false; failure: Retryable };

/**
 * A Slack Web API client over one undici pool: form-encoded POSTs with a Bearer
 * token, bounded retries for 429, 5xx and network failures, and no token in any
 * log line or error. `ok: false` is an answer, not an exception.
 */
export class SlackWebClient {
  readonly #pool: Pool;
  readonly #basePath: string;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #retryBaseDelayMs: number;
  readonly #maxRetryAfterMs: number;
  readonly #logger: SlackClientLogger;
  readonly #observer: SlackClientObserver | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: SlackWebClientOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`SlackWebClient: baseUrl must be http(s), not ${url.protocol}`);
    }
    this.#basePath = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
    this.#timeoutMs = nonNegative('timeoutMs', options.timeoutMs, 10_000);
    this.#maxRetries = nonNegative('maxRetries', options.maxRetries, 3);
    this.#retryBaseDelayMs = nonNegative('retryBaseDelayMs', options.retryBaseDelayMs, 500);
    this.#maxRetryAfterMs = nonNegative('maxRetryAfterMs', options.maxRetryAfterMs, 60_000);
    this.#logger = options.logger ?? noopLogger;
    this.#observer = options.observer;
    this.#pool = new Pool(url.origin, options.connections === undefined ? {} : { connections: options.connections });
  }

  async call<T extends SlackResponse = SlackResponse>(
    method: string,
    params: Record<string, unknown>,
    token: string,
    options: SlackCallOptions = {},
  ): Promise<T> {
    const observer = this.#observer;
    if (!observer) return this.#call<T>(method, params, token, options);
    const started = performance.now();
    const seconds = (): number => (performance.now() - started) / 1000;
    try {
      const answer = await this.#call<T>(method, params, token, options);
      if (answer.ok) observer.called(method, 'ok', seconds());
      else observer.called(method, 'slack_error', seconds(), answer.error);
      return answer;
    } catch (error) {
      observer.called(method, error instanceof SlackClientError ? error.code : 'error', seconds());
      throw error;
    }
  }

  async #call<T extends SlackResponse>(method: string, params: Record<string, unknown>, token: string, options: SlackCallOptions): Promise<T> {
    // The name is caller input and could even be a misplaced token: never echo it.
    if (!METHOD_NAME.test(method)) throw new SlackClientError('invalid_method', '', 'invalid Slack method name');
    if (!TOKEN_SHAPE.test(token)) {
      throw new SlackClientError('invalid_token', method, `Slack ${method}: token is empty or has characters a header cannot carry`);
    }
    const body = formEncode(params);
    const { signal } = options;

    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw aborted(method, attempt - 1, signal.reason);
      if (this.#closing) throw new SlackClientError('client_closed', method, `Slack ${method}: client is closed`);

      const result = await this.#attempt(method, body, token, attempt, signal);
      if (result.ok) return result.body as T;

      const { failure } = result;
      if (failure.code === 'rate_limited') this.#observer?.rateLimited(method);
      if (attempt > this.#maxRetries) throw exhausted(method, attempt, failure);
      const delayMs = failure.code === 'rate_limited' ? failure.waitMs : this.#backoff(attempt);
      this.#logger.warn({ method, attempt, ...describe(failure), delayMs }, 'Slack call failed; retrying');
      try {
        await sleep(delayMs, signal);
      } catch (error) {
        throw aborted(method, attempt, error);
      }
    }
  }

  /**
   * Every item of a cursor-paginated list, page by page, in Slack's order.
   * Breaking out of the loop stops the requests.
   */
  async *paginate<T>(
    method: string,
    params: Record<string, unknown>,
    token: string,
    itemsKey: string,
    options: SlackPaginateOptions = {},
  ): AsyncGenerator<T, void, undefined> {
    for await (const page of slackPages<T>(this, method, params, token, itemsKey, options)) yield* page;
  }

  /** Waits for requests in flight, then closes the pool; later calls fail with `client_closed`. */
  close(): Promise<void> {
    this.#closing ??= this.#pool.close();
    return this.#closing;
  }

  async #attempt(method: string, body: string, token: string, attempt: number, signal: AbortSignal | undefined): Promise<Attempt> {
    // One controller per attempt: the caller's abort and our timeout both end it, and we can tell which.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#timeoutMs);
    const onAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const started = Date.now();

    try {
      const response = await this.#pool.request({
        method: 'POST',
        path: `${this.#basePath}${method}`,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          accept: 'application/json',
        },
        body,
        signal: controller.signal,
      });
      const status = response.statusCode;
      this.#logger.debug({ method, attempt, status, ms: Date.now() - started }, 'Slack answered');

      if (status === 429) {
        await response.body.dump();
        return { ok: false, failure: this.#rateLimited(response.headers) };
      }
      if (status >= 500) {
        await response.body.dump();
        return { ok: false, failure: { code: 'http_error', status } };
      }
      const parsed = parseSlackBody(await response.body.text());
      if (parsed) return { ok: true, body: parsed };
      // Not retried: Slack (or whatever is in front of it) did answer, and repeating a write could post twice.
      if (status >= 200 && status < 300) {
        throw new SlackClientError('invalid_response', method, `Slack ${method}: HTTP ${status} with a body that is not Slack JSON`, {
          status,
          attempts: attempt,
        });
      }
      throw new SlackClientError('http_error', method, `Slack ${method}: HTTP ${status}`, { status, attempts: attempt });
    } catch (error) {
      if (error instanceof SlackClientError) throw error;
      if (signal?.aborted) throw aborted(method, attempt, signal.reason);
      const reason = timedOut ? `timed out after ${this.#timeoutMs} ms` : networkReason(error);
      return { ok: false, failure: { code: 'request_failed', reason, cause: timedOut ? undefined : error } };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  #rateLimited(headers: Dispatcher.ResponseData['headers']): Retryable {
    const raw = headers['retry-after'];
    const value = Array.isArray(raw) ? raw[0] : raw;
    let waitMs = DEFAULT_RETRY_AFTER_MS;
    if (value !== undefined && /^\s*\d+\s*$/.test(value)) {
      waitMs = Number(value) * 1000;
    } else if (value !== undefined && !Number.isNaN(Date.parse(value))) {
      waitMs = Math.max(0, Date.parse(value) - Date.now());
    }
    return {
      code: 'rate_limited',
      status: 429,
      waitMs: Math.min(waitMs, this.#maxRetryAfterMs),
      retryAfterSeconds: Math.ceil(waitMs / 1000),
    };
  }

  #backoff(attempt: number): number {
    const full = Math.min(this.#retryBaseDelayMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
    // Half fixed, half random: spreads a burst of failing callers without ever retrying at once.
    return full / 2 + Math.random() * (full / 2);
  }
}

/** As Slack's SDK encodes arguments: objects and arrays as JSON, absent values left out. */
export function formEncode(params: Record<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') form.append(key, value);
    else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') form.append(key, String(value));
    else if (typeof value === 'object') form.append(key, jsonArgument(key, value));
    else throw new TypeError(`Slack parameter ${key} is a ${typeof value}, which cannot be sent`);
  }
  return form.toString();
}

function jsonArgument(key: string, value: object): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    // Nested too deeply for the stack, or circular: no retry can send it.
    throw new SlackClientError('invalid_arguments', '', `Slack parameter ${key} cannot be JSON-encoded (${(error as Error).message})`);
  }
}

function parseSlackBody(text: string): SlackResponse | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return typeof (value as { ok?: unknown }).ok === 'boolean' ? (value as SlackResponse) : undefined;
}

function exhausted(method: string, attempts: number, failure: Retryable): SlackClientError {
  const tries = `after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
  switch (failure.code) {
    case 'rate_limited':
      return new SlackClientError('rate_limited', method, `Slack ${method}: rate limited ${tries}`, {
        status: 429,
        attempts,
        retryAfterSeconds: failure.retryAfterSeconds,
      });
    case 'http_error':
      return new SlackClientError('http_error', method, `Slack ${method}: HTTP ${failure.status} ${tries}`, {
        status: failure.status,
        attempts,
      });
    case 'request_failed':
      return new SlackClientError('request_failed', method, `Slack ${method}: ${failure.reason} ${tries}`, {
        attempts,
        cause: failure.cause,
      });
  }
}

function aborted(method: string, attempts: number, cause: unknown): SlackClientError {
  return new SlackClientError('aborted', method, `Slack ${method}: aborted by the caller`, { attempts, cause });
}

/** A log-safe summary: codes and messages of network errors carry no request headers. */
function describe(failure: Retryable): Record<string, unknown> {
  switch (failure.code) {
    case 'rate_limited':
      return { code: failure.code, status: failure.status, retryAfterSeconds: failure.retryAfterSeconds };
    case 'http_error':
      return { code: failure.code, status: failure.status };
    case 'request_failed':
      return { code: failure.code, reason: failure.reason };
  }
}

function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return 'request failed';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`SlackWebClient: ${name} must be a non-negative number`);
  return value;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
