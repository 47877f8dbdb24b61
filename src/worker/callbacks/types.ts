import type { Config } from '../../config/load.js';
import type { Bot } from '../../config/registry.js';
import type { Directory } from '../../directory/directory.js';
import type { SlackWebClient } from '../../slack/web-api.js';
import type { HttpCallbackOptions } from './http.js';

/** What a callback answers: Slack actions to perform and responses to post, as omnibot's callbacks return them. */
export interface CallbackResponse {
  readonly actions?: ReadonlyArray<{ action: string; kwargs: Record<string, unknown> }>;
  readonly responses?: ReadonlyArray<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

/** What a callback may log with; a pino logger fits. */
export interface CallbackLogger {
  debug(object: object, message: string): void;
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

/**
 * What the worker hands every callback besides the payload and its kwargs:
 * omnibot's callbacks reached these through globals (settings, the Slack
 * client, redis); here they are passed in.
 */
export interface CallbackContext {
  /** The bot that received the webhook. */
  readonly bot: Bot;
  readonly config: Config;
  readonly directory: Directory;
  /** Slack's Web API, paced; call it with the bot's token (`botCallToken(bot)`). */
  readonly slack: Pick<SlackWebClient, 'call'>;
  readonly logger: CallbackLogger;
  /** How the built-in http_callback retries; its defaults are omnibot's (5 attempts, backoff 1 s). */
  readonly httpCallbackOptions?: HttpCallbackOptions;
}

/**
 * A callback: called with the payload omnibot built, the handler's kwargs for
 * it (a copy: changing it changes nothing else) and the worker's context.
 * A synchronous interactive callback, answered in Slack's request, gets the
 * same context with the unpaced client.
 */
export type Callback = (
  payload: Record<string, unknown>,
  kwargs: Record<string, unknown>,
  context?: CallbackContext,
) => Promise<CallbackResponse> | CallbackResponse;

/**
 * A callback that is misconfigured: an unknown module, a missing export, a
 * missing or malformed kwarg. No retry can fix it: the worker logs it.
 */
export class CallbackConfigError extends Error {
  override readonly name = 'CallbackConfigError';
}
