/**
 * Why a call to Slack produced no answer. Stable strings: callers and the HTTP
 * error handler switch on them, so renaming one is a breaking change.
 */
export type SlackClientErrorCode =
  | 'invalid_method'
  | 'invalid_token'
  | 'invalid_arguments'
  | 'rate_limited'
  | 'http_error'
  | 'request_failed'
  | 'invalid_response'
  | 'too_many_pages'
  | 'aborted'
  | 'client_closed';

export interface SlackClientErrorDetails {
  readonly status?: number;
  readonly attempts?: number;
  /** What Slack's last Retry-After asked for, uncapped, so a proxy can pass it on. */
  readonly retryAfterSeconds?: number;
  readonly cause?: unknown;
}

/**
 * Slack could not be asked, or did not answer usably. Never carries the token,
 * the request parameters or the response body: it is logged and shown as is.
 */
export class SlackClientError extends Error {
  override readonly name = 'SlackClientError';
  readonly code: SlackClientErrorCode;
  readonly method: string;
  readonly status?: number;
  readonly attempts?: number;
  readonly retryAfterSeconds?: number;

  constructor(code: SlackClientErrorCode, method: string, message: string, details: SlackClientErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.method = method;
    if (details.status !== undefined) this.status = details.status;
    if (details.attempts !== undefined) this.attempts = details.attempts;
    if (details.retryAfterSeconds !== undefined) this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** Slack answered `ok: false` where the caller cannot go on without the data (e.g. mid-pagination). */
export class SlackApiError extends Error {
  override readonly name = 'SlackApiError';
  /** Slack's own `error` string, e.g. `missing_scope`, `invalid_auth`. */
  readonly code: string;
  readonly method: string;
  /** Slack's `response_metadata.messages`, when it explains itself. */
  readonly messages?: string[];

  constructor(method: string, code: string, messages?: string[]) {
    super(`Slack ${method} answered ok:false (${code})`);
    this.code = code;
    this.method = method;
    if (messages !== undefined && messages.length > 0) this.messages = messages;
  }
}
