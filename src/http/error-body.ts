/**
 * The shapes of the error bodies this server sends. A route names its shape
 * (its `errorStyle`) so that errors raised outside its handler (a body that
 * is not JSON, a validation failure, overload) fit the error schemas the
 * route declares:
 *
 * - `api`: omnibot's `{"error": …}`;
 * - `action`: the same with `"ok": false`, since the action routes answer
 *   their 400s with Slack's own `{"ok": false, "error": …}`;
 * - `slack`: omnibot's webhook failure, `{"status": "failure", "error": …}`.
 */
export type ErrorStyle = 'api' | 'action' | 'slack';

export interface ErrorFields {
  /** A stable string, for programs. */
  readonly error: string;
  /** What exactly was wrong, for people. */
  readonly message?: string;
  /** Fastify's or the Slack client's code, where there is one. */
  readonly code?: string;
}

export function errorBody(style: ErrorStyle, fields: ErrorFields): Record<string, unknown> {
  switch (style) {
    case 'api':
      return { ...fields };
    case 'action':
      return { ok: false, ...fields };
    case 'slack':
      return { status: 'failure', ...fields };
  }
}

/** The stable `error` string of each status that is answered without a more specific one. */
export const STATUS_ERRORS: Readonly<Record<number, string>> = {
  400: 'invalid request',
  404: 'not found',
  405: 'method not allowed',
  408: 'request timeout',
  413: 'request body too large',
  414: 'URI too long',
  415: 'unsupported media type',
  417: 'expectation failed',
  431: 'request header fields too large',
  500: 'internal server error',
  502: 'slack request failed',
  503: 'service unavailable',
};
