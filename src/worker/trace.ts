/**
 * What became of one webhook, reported as it happens, for whoever watches
 * (`omnibot dev` shows it beside the emulated Slack). Optional everywhere:
 * without an observer the worker does exactly what it did, at no cost.
 */
import type { SlackCallOptions, SlackResponse, SlackWebClient } from '../slack/web-api.js';
import type { CallbackLogger } from './callbacks/types.js';

type Json = Record<string, unknown>;

export interface WebhookTrace {
  /** A handler matched and one of its callbacks ran; `answer` is what it returned, `error` why it threw. */
  callback(event: { module: string; matched: Json; ms: number; answer?: unknown; error?: string }): void;
  /** A Slack Web API call the handling made (never the token). */
  slackCall(event: { method: string; params: Json; ms: number; ok?: boolean; error?: string }): void;
  /** A response posted to a response_url. */
  response(event: { body: Json; ms: number; error?: string }): void;
  /** A warning or error the handling logged. */
  problem(event: { level: 'warn' | 'error'; message: string; error?: string }): void;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The handler a callback ran for, as omnibot's payload names it. */
export function matchedHandler(payload: Json): Json {
  const matched: Json = {};
  for (const key of ['match_type', 'match', 'command', 'callback_id'] as const) {
    if (payload[key] !== undefined && payload[key] !== null) matched[key] = payload[key];
  }
  return matched;
}

/** The Slack client, reporting each call to the trace. */
export function tracedSlack(slack: Pick<SlackWebClient, 'call'>, trace: WebhookTrace): Pick<SlackWebClient, 'call'> {
  return {
    async call<T extends SlackResponse = SlackResponse>(method: string, params: Json, token: string, options?: SlackCallOptions): Promise<T> {
      const started = performance.now();
      // A token in the parameters is still a token: the trace never carries one.
      const { token: _token, ...shown } = params;
      try {
        const answer = await slack.call<T>(method, params, token, options);
        trace.slackCall({ method, params: shown, ms: performance.now() - started, ok: answer.ok, ...(answer.error ? { error: answer.error } : {}) });
        return answer;
      } catch (error) {
        trace.slackCall({ method, params: shown, ms: performance.now() - started, error: errorText(error) });
        throw error;
      }
    },
  };
}

/** A response_url poster that reports each post. */
export function tracedResponseUrl(
  post: (url: string, body: Json) => Promise<void>,
  trace: WebhookTrace,
): (url: string, body: Json) => Promise<void> {
  return async (url, body) => {
    const started = performance.now();
    try {
      await post(url, body);
      trace.response({ body, ms: performance.now() - started });
    } catch (error) {
      trace.response({ body, ms: performance.now() - started, error: errorText(error) });
      throw error;
    }
  };
}

/** A logger that also reports its warnings and errors to the trace. */
export function tracedLogger(logger: CallbackLogger, trace: WebhookTrace): CallbackLogger {
  const report = (level: 'warn' | 'error', object: object, message: string): void => {
    const err = (object as { err?: unknown }).err;
    trace.problem({ level, message, ...(err === undefined ? {} : { error: errorText(err) }) });
  };
  return {
    debug: (object, message) => logger.debug(object, message),
    info: (object, message) => logger.info(object, message),
    warn(object, message) {
      logger.warn(object, message);
      report('warn', object, message);
    },
    error(object, message) {
      logger.error(object, message);
      report('error', object, message);
    },
  };
}
