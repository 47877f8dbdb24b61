/**
 * What the worker does with a matched handler: runs its callbacks, posts the
 * responses they return to the response_url, and performs the Slack actions
 * they return, as omnibot's processor did (_handle_callback,
 * _handle_*_callback, _handle_post_message, _handle_action).
 *
 * Errors: whatever a retry could fix is thrown (a callback that throws, an
 * http callback whose service stayed unreachable, Slack or a response_url
 * that couldn't be reached), so the queue delivers the message again; what no
 * retry can fix (a misconfigured callback, a malformed answer, Slack's
 * ok:false) is logged and the rest goes on.
 */
import type { Bot } from '../config/registry.js';
import type { CallbackSpec } from '../config/schema.js';
import type { ParserDirectory } from '../slack/parser/directory.js';
import { InvalidActionError, performAction } from '../slack/actions.js';
import { applyOmnibotParse, ParseOptionsError } from '../slack/parser/options.js';
import { SlackApiError, SlackClientError, type SlackWebClient } from '../slack/web-api.js';
import { HttpCallbackError } from './callbacks/http.js';
import { resolveCallback } from './callbacks/resolve.js';
import { CallbackConfigError, type CallbackContext, type CallbackLogger } from './callbacks/types.js';
import { ResponseUrlError } from './response-url.js';
import { matchedHandler, type WebhookTrace } from './trace.js';

type Json = Record<string, unknown>;

/** What kind of handler ran: `help` is the answer to a directed message that matched nothing. */
export type HandlerKind = 'message' | 'reaction' | 'help' | 'slash_command' | 'interactive_component';

/** A handler as the configuration names it: its match, command or callback_id. */
export interface HandlerRef {
  readonly kind: HandlerKind;
  readonly name: string;
}

/** `skipped`: misconfigured or unusable, logged and not retried; `failed`: thrown, so the message is delivered again. */
export type CallbackOutcome = 'ok' | 'skipped' | 'failed';

/** Told how long handlers and their callbacks took, for metrics. */
export interface ProcessorObserver {
  callbackDone(handler: HandlerRef, module: string, outcome: CallbackOutcome, seconds: number): void;
  /** A handler's callbacks, responses and actions, all of them. */
  handlerDone(handler: HandlerRef, seconds: number): void;
}

export interface DispatchContext {
  readonly bot: Bot;
  readonly baseDir: string;
  readonly slack: Pick<SlackWebClient, 'call'>;
  readonly parser: ParserDirectory;
  readonly logger: CallbackLogger;
  /** Fields every log line about this webhook carries. */
  readonly logFields: Json;
  readonly callbackContext: CallbackContext;
  readonly postToResponseUrl: (url: string, body: Json) => Promise<void>;
  /** Told what each callback answered, when someone watches (`omnibot dev`). */
  readonly trace?: WebhookTrace;
  readonly observer?: ProcessorObserver;
}

/** Where a chat.postMessage without a channel (or thread) goes: omnibot's _handle_post_message. */
export interface PostMessageDefaults {
  readonly channel: string | undefined;
  /** Absent: no thread unless the action names one. */
  readonly threadTs: string | undefined;
}

/** A callback's answer, checked: the lists omnibot read from it (each entry is checked where it is used). */
export interface CallbackAnswer {
  readonly actions: readonly unknown[];
  readonly responses: readonly unknown[];
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Slack client errors no retry can fix: the request could not even be made. */
const PERMANENT_SLACK_ERRORS: ReadonlySet<string> = new Set(['invalid_method', 'invalid_token', 'invalid_arguments']);

/** The keys of a callback's answer that the worker reads, by kind of handler: messages have no response_url. */
const USED_KEYS: Readonly<Record<HandlerKind, readonly string[]>> = {
  message: ['actions'],
  reaction: ['actions'],
  help: ['actions'],
  slash_command: ['actions', 'responses'],
  interactive_component: ['actions', 'responses'],
};

const UNUSED_KEY_HINTS: Readonly<Record<string, string>> = {
  responses:
    'a message has no response_url, so responses are not posted (omnibot did not post them either): answer with actions, e.g. {"actions": [{"action": "chat.postMessage", "kwargs": {"text": "…"}}]}',
};

/** A callback's answer with keys nothing reads is most likely a mistake its author can't see: say so. */
function warnUnusedKeys(context: DispatchContext, module: string, answer: Json, kind: HandlerKind): void {
  const used = USED_KEYS[kind];
  const unused = Object.keys(answer).filter((key) => !used.includes(key));
  if (unused.length === 0) return;
  const hints = unused.flatMap((key) => (UNUSED_KEY_HINTS[key] === undefined ? [] : [UNUSED_KEY_HINTS[key]]));
  context.logger.warn(
    { ...context.logFields, module, unused_keys: unused, used_keys: used, ...(hints.length > 0 ? { hint: hints.join('; ') } : {}) },
    `callback answered with keys that nothing uses: ${unused.join(', ')} (a ${kind.replace('_', ' ')} callback's answer may have ${used.join(' and ')})`,
  );
}

function readAnswer(context: DispatchContext, module: string, answer: unknown, kind: HandlerKind | undefined): CallbackAnswer {
  // A JavaScript callback that returns nothing means "nothing to do" (omnibot's returned {}).
  if (answer === undefined || answer === null) return { actions: [], responses: [] };
  if (!isObject(answer)) {
    context.logger.error({ ...context.logFields, module }, 'callback answered with something that is not an object; ignored');
    return { actions: [], responses: [] };
  }
  if (kind) warnUnusedKeys(context, module, answer, kind);
  const list = (key: 'actions' | 'responses'): readonly unknown[] => {
    const value = answer[key];
    if (value === undefined || value === null) return [];
    if (Array.isArray(value)) return value;
    context.logger.error({ ...context.logFields, module }, `callback's "${key}" is not a list; ignored`);
    return [];
  };
  return { actions: list('actions'), responses: list('responses') };
}

/**
 * Runs one callback with a copy of the payload and of its kwargs (so that
 * neither the configuration nor the next handler's payload can be changed by
 * it). Undefined when the callback is misconfigured or its service answered
 * with something unusable (logged).
 */
export async function runCallback(context: DispatchContext, spec: CallbackSpec, payload: Json, handler?: HandlerRef): Promise<CallbackAnswer | undefined> {
  const fields = { ...context.logFields, module: spec.module };
  const started = performance.now();
  let outcome: CallbackOutcome = 'failed';
  let answer: unknown;
  try {
    const callback = await resolveCallback(spec.module, context.baseDir);
    answer = await callback(structuredClone(payload), structuredClone(spec.kwargs ?? {}), context.callbackContext);
    context.trace?.callback({ module: spec.module, matched: matchedHandler(payload), ms: performance.now() - started, answer });
    outcome = 'ok';
  } catch (error) {
    context.trace?.callback({
      module: spec.module,
      matched: matchedHandler(payload),
      ms: performance.now() - started,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    if (error instanceof CallbackConfigError || (error instanceof HttpCallbackError && !error.retryable)) {
      outcome = 'skipped';
      context.logger.error({ ...fields, err: error }, 'callback failed; a retry would fail the same way, so it is skipped');
      return undefined;
    }
    throw error;
  } finally {
    if (handler) context.observer?.callbackDone(handler, spec.module, outcome, (performance.now() - started) / 1000);
  }
  const read = readAnswer(context, spec.module, answer, handler?.kind);
  context.logger.debug({ ...fields, actions: read.actions.length, responses: read.responses.length }, 'callback answered');
  return read;
}

function withPostMessageDefaults(kwargs: Json, defaults: PostMessageDefaults): Json {
  const out: Json = { ...kwargs };
  if (!Object.hasOwn(out, 'channel') && defaults.channel !== undefined) out.channel = defaults.channel;
  if (Object.hasOwn(out, 'thread_ts')) {
    // omnibot posted in a thread only for a truthy thread_ts: `thread_ts: null` means "not in a thread".
    if (!out.thread_ts) delete out.thread_ts;
  } else if (defaults.threadTs !== undefined) {
    out.thread_ts = defaults.threadTs;
  }
  return out;
}

/**
 * Performs a callback's actions in order, as the bot (with the user token
 * for the errors a bot token may not be allowed, through performAction).
 * With `postMessage` defaults, chat.postMessage gets the channel and thread
 * it doesn't name; without them (slash commands) every action goes as given.
 */
export async function performActions(context: DispatchContext, actions: readonly unknown[], postMessage?: PostMessageDefaults): Promise<void> {
  for (const entry of actions) {
    if (!isObject(entry)) {
      context.logger.error(context.logFields, 'Action in response is not a dict.');
      continue;
    }
    const action = entry.action;
    const given = entry.kwargs ?? {};
    if (!isObject(given)) {
      context.logger.error({ ...context.logFields, action }, 'action kwargs is not an object; action skipped');
      continue;
    }
    const kwargs = action === 'chat.postMessage' && postMessage ? withPostMessageDefaults(given, postMessage) : given;
    let response;
    try {
      response = await performAction(context.slack, context.parser, context.bot, action, kwargs, context.logger);
    } catch (error) {
      const permanent =
        error instanceof InvalidActionError ||
        error instanceof ParseOptionsError ||
        // Slack refused a directory list that omnibot_parse needed (missing_scope, invalid_auth): it will again.
        error instanceof SlackApiError ||
        (error instanceof SlackClientError && PERMANENT_SLACK_ERRORS.has(error.code));
      if (!permanent) throw error;
      context.logger.error({ ...context.logFields, action: typeof action === 'string' ? action : undefined, err: error }, 'action skipped');
      continue;
    }
    if (response.ok) context.logger.debug({ ...context.logFields, action }, 'action performed');
    else context.logger.warn({ ...context.logFields, action, error: response.error }, 'Slack refused the action');
  }
}

/**
 * Posts a callback's responses to the response_url, each with the handler's
 * response_type unless it has its own, after its omnibot_parse.
 */
export async function postResponses(
  context: DispatchContext,
  responses: readonly unknown[],
  responseUrl: unknown,
  responseType: string,
): Promise<void> {
  for (const entry of responses) {
    if (!isObject(entry)) {
      context.logger.error(context.logFields, 'response is not an object; skipped');
      continue;
    }
    if (typeof responseUrl !== 'string' || responseUrl === '') {
      context.logger.warn(context.logFields, 'a callback answered with responses, but the payload has no response_url');
      return;
    }
    let body: Json;
    try {
      body = await applyOmnibotParse({ response_type: responseType, ...entry }, context.parser);
    } catch (error) {
      if (!(error instanceof ParseOptionsError || error instanceof SlackApiError)) throw error;
      context.logger.error({ ...context.logFields, err: error }, 'response skipped');
      continue;
    }
    try {
      await context.postToResponseUrl(responseUrl, body);
    } catch (error) {
      if (error instanceof ResponseUrlError && !error.retryable) {
        context.logger.error({ ...context.logFields, err: error, status: error.status }, 'response_url refused the response');
        continue;
      }
      throw error;
    }
  }
}
