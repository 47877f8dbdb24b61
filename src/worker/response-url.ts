import { Agent, request } from 'undici';
import { sleep } from '../sleep.js';

/**
 * A response could not be posted to a slash command's or interactive
 * component's response_url. `retryable`: the URL could not be reached or kept
 * answering 429 / 5xx (trying again later may work); otherwise Slack refused
 * it (an expired or used-up URL, a bad body), or the URL is not one.
 */
export class ResponseUrlError extends Error {
  override readonly name = 'ResponseUrlError';
  readonly retryable: boolean;
  readonly status?: number;

  constructor(message: string, retryable: boolean, status?: number) {
    super(message);
    this.retryable = retryable;
    if (status !== undefined) this.status = status;
  }
}

export interface ResponseUrlOptions {
  /** Attempts in all. */
  readonly attempts?: number;
  /** Backoff before the second attempt; it doubles after each. */
  readonly backoffMs?: number;
  readonly timeoutMs?: number;
}

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 32 });

/** Where a response_url may point: http(s) only, so a payload can't make the worker open another kind of URL. */
function checkedUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ResponseUrlError('response_url is not a URL', false);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ResponseUrlError(`response_url must be http(s), not ${parsed.protocol}`, false);
  }
  return parsed;
}

/**
 * POSTs one response as JSON to a response_url, as omnibot's requests.post
 * did, with bounded retries for network errors, timeouts, 429 and 5xx.
 *
 * @throws ResponseUrlError when it was not accepted (see `retryable`).
 */
export async function postToResponseUrl(url: string, body: Record<string, unknown>, options: ResponseUrlOptions = {}): Promise<void> {
  const target = checkedUrl(url);
  const attempts = Math.max(1, options.attempts ?? 3);
  const backoffMs = options.backoffMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const json = JSON.stringify(body);
  let problem = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(backoffMs * 2 ** (attempt - 2));
    try {
      const response = await request(target, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: json,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.body.text();
      if (response.statusCode >= 200 && response.statusCode < 300) return;
      if (!RETRY_STATUSES.has(response.statusCode)) {
        // Slack says why in a short body (`expired_url`, `used_url`, `invalid_blocks`); never the URL, which is a credential of sorts.
        throw new ResponseUrlError(`response_url answered ${response.statusCode}: ${text.slice(0, 200)}`, false, response.statusCode);
      }
      problem = `status ${response.statusCode}`;
    } catch (error) {
      if (error instanceof ResponseUrlError) throw error;
      problem = (error as Error).message;
    }
  }
  throw new ResponseUrlError(`response_url failed after ${attempts} attempts (${problem})`, true);
}
