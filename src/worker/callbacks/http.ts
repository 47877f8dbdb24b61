import { Agent, request } from 'undici';
import { jsonNestingWithin, MAX_JSON_DEPTH } from '../../json-depth.js';
import { sleep } from '../../sleep.js';
import type { CallbackResponse } from './types.js';

export interface HttpCallbackOptions {
  /** Attempts in all; omnibot's requests session made 5 with backoff factor 1. */
  readonly attempts?: number;
  readonly backoffMs?: number;
  readonly defaultTimeoutMs?: number;
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

/** One keep-alive pool per origin (undici's Agent keeps a pool per origin it reaches). */
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });

function headersFrom(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

/**
 * The http callback got no usable answer. `retryable` says whether the
 * message should fail (so the queue delivers it again, and in the end keeps
 * it in the dead-letter stream for a replay) rather than go on without this
 * callback: true when the service could not be reached, kept answering 429 /
 * 5xx through every attempt, or refused the payload (another 4xx: the
 * service's failure, not one to drop silently); false when the callback is
 * misconfigured (no url) or answered 2xx with a body that is not JSON, which
 * no delivery would change.
 */
export class HttpCallbackError extends Error {
  override readonly name = 'HttpCallbackError';
  readonly retryable: boolean;

  constructor(message: string, retryable: boolean) {
    super(message);
    this.retryable = retryable;
  }
}

/**
 * omnibot's `http_callback`: POST the payload as JSON to `request_kwargs.url`
 * (with its `headers` and `timeout` in seconds, as Python's requests took
 * them) and return the JSON reply. 429 and 5xx are retried with backoff, a
 * bounded number of times.
 */
export async function httpCallback(
  payload: Record<string, unknown>,
  kwargs: Record<string, unknown>,
  options: HttpCallbackOptions = {},
): Promise<CallbackResponse> {
  const requestKwargs = (kwargs.request_kwargs ?? {}) as Record<string, unknown>;
  const url = requestKwargs.url;
  if (typeof url !== 'string') throw new HttpCallbackError('http_callback needs request_kwargs.url', false);
  const timeoutSeconds = Number(requestKwargs.timeout);
  const timeoutMs = Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? timeoutSeconds * 1000 : (options.defaultTimeoutMs ?? 30_000);
  const attempts = options.attempts ?? 5;
  const backoffMs = options.backoffMs ?? 1_000;
  const body = JSON.stringify(payload);
  let lastProblem = '';
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if (attempt > 1) await sleep(backoffMs * 2 ** (attempt - 2));
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', ...headersFrom(requestKwargs.headers) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.body.text();
      if (RETRY_STATUSES.has(response.statusCode)) {
        lastProblem = `status ${response.statusCode}`;
        continue;
      }
      // Not retried here (the same request would be refused the same way), but the message fails.
      if (response.statusCode >= 400) throw new HttpCallbackError(`${url} answered ${response.statusCode}`, true);
      if (text.trim() === '') return {};
      // Its actions and responses are serialised again for Slack: nested thousands deep, that would fail every time.
      if (!jsonNestingWithin(text)) throw new HttpCallbackError(`${url} answered with JSON nested deeper than ${MAX_JSON_DEPTH} levels`, false);
      return JSON.parse(text) as CallbackResponse;
    } catch (error) {
      if (error instanceof HttpCallbackError) throw error;
      if (error instanceof SyntaxError) throw new HttpCallbackError(`${url} answered with a body that is not JSON`, false);
      lastProblem = (error as Error).message;
    }
  }
  throw new HttpCallbackError(`${url} failed after ${attempts} attempts (${lastProblem})`, true);
}
