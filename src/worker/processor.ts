/**
 * What omnibot's webhook worker did with one dequeued webhook
 * (omnibot/processor.py): find the team and bot, build the payload omnibot
 * documents, match the bot's handlers in omnibot's order and with its rules,
 * run their callbacks, then post the responses and perform the actions the
 * callbacks answer with. Framework-free: the worker plugin gives it the
 * config, the (paced) Slack client, the directory and a logger.
 *
 * Delivery is at least once. A failure a retry could fix is thrown, and the
 * consumer naks the message so JetStream delivers it again; that delivery
 * runs ALL of the message's matched callbacks again, including those that
 * had already succeeded and whose actions already reached Slack (a message
 * can then be posted twice). Callbacks should be idempotent where that
 * matters. What no retry can fix is logged and not thrown, so it is not
 * repeated.
 */
import type { Config } from '../config/load.js';
import type { Bot } from '../config/registry.js';
import type { CallbackSpec, MessageHandler } from '../config/schema.js';
import type { Directory } from '../directory/directory.js';
import { parserDirectoryFor } from '../directory/parser-directory.js';
import { interactiveCallbackId, interactiveTeamId, MissingActionsError } from '../slack/interactive.js';
import { pyStrip } from '../slack/parser/chars.js';
import type { SlackWebClient } from '../slack/web-api.js';
import type { HttpCallbackOptions } from './callbacks/http.js';
import { BUILT_IN_HELP_MODULE } from './callbacks/resolve.js';
import {
  performActions,
  postResponses,
  runCallback,
  type DispatchContext,
  type HandlerRef,
  type PostMessageDefaults,
  type ProcessorObserver,
} from './dispatch.js';
import { SlackIdentity } from './identity.js';
import { MalformedPayloadError } from './payloads/errors.js';
import { interactiveComponentPayload } from './payloads/interactive-component.js';
import { ignoredMessage, ignoredReaction, messagePayload, reactionItem, reactionPayload } from './payloads/message.js';
import { slashCommandPayload } from './payloads/slash-command.js';
import { compilePythonRegex, PythonRegexError, type RegexMode } from '../python-regex.js';
import { postToResponseUrl as defaultPostToResponseUrl } from './response-url.js';
import { tracedLogger, tracedResponseUrl, tracedSlack, type WebhookTrace } from './trace.js';

type Json = Record<string, unknown>;

export interface ProcessorLogger {
  debug(object: object, message: string): void;
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface ProcessorDeps {
  readonly config: Config;
  /** Every Slack call goes through this (the worker gives a paced client). */
  readonly slack: Pick<SlackWebClient, 'call'>;
  readonly directory: Directory;
  readonly logger: ProcessorLogger;
  /** Posts one response to a response_url. Default: undici POST of JSON with bounded retries (response-url.ts). */
  readonly postToResponseUrl?: (url: string, body: Record<string, unknown>) => Promise<void>;
  /** How the built-in http_callback retries; default omnibot's (5 attempts, backoff 1 s). */
  readonly httpCallbackOptions?: HttpCallbackOptions;
  /** Told how long handlers and callbacks took. */
  readonly observer?: ProcessorObserver;
}

export type ProcessorWebhookType = 'event' | 'slash_command' | 'interactive_component';

/** The webhook's team or bot is not configured (any more): no retry will route it, so the consumer dead-letters it. */
export class UnroutableMessageError extends Error {
  override readonly name = 'UnroutableMessageError';
}

/** What one processor keeps between webhooks (per deps object, so per worker). */
const identities = new WeakMap<ProcessorDeps, SlackIdentity>();

function identityFor(deps: ProcessorDeps): SlackIdentity {
  let identity = identities.get(deps);
  if (!identity) {
    identity = new SlackIdentity(deps.slack, deps.logger);
    identities.set(deps, identity);
  }
  return identity;
}

function object(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** omnibot's Team.get_team_by_id + Bot.get_bot_by_bot_id, for each webhook type's fields. */
function routeWebhook(deps: ProcessorDeps, type: ProcessorWebhookType, payload: Json): Bot {
  let teamId: string | undefined;
  let appId: string | undefined;
  if (type === 'event') {
    teamId = text(payload.team_id);
    appId = text(payload.api_app_id);
  } else if (type === 'slash_command') {
    teamId = text(payload.team_id);
    appId = text(payload.omnibot_bot_id);
  } else {
    teamId = text(object(payload.team)?.id) ?? interactiveTeamId(payload);
    appId = text(payload.omnibot_bot_id);
  }
  const { registry } = deps.config;
  const team = teamId === undefined ? undefined : registry.teamById(teamId);
  if (!team) throw new UnroutableMessageError(`${type}: team ${teamId ?? '(none)'} is not configured`);
  const bot = appId === undefined ? undefined : registry.botByAppId(team, appId);
  if (!bot) throw new UnroutableMessageError(`${type}: bot ${appId ?? '(none)'} of team ${team.name} is not configured`);
  return bot;
}

function dispatchContext(deps: ProcessorDeps, bot: Bot, logFields: Json, trace: WebhookTrace | undefined): DispatchContext {
  const post = deps.postToResponseUrl ?? ((url: string, body: Json) => defaultPostToResponseUrl(url, body));
  // Watched (omnibot dev): the same calls, each also reported.
  const slack = trace ? tracedSlack(deps.slack, trace) : deps.slack;
  const logger = trace ? tracedLogger(deps.logger, trace) : deps.logger;
  return {
    bot,
    baseDir: deps.config.baseDir,
    slack,
    parser: parserDirectoryFor(deps.directory, bot),
    logger,
    logFields,
    callbackContext: {
      bot,
      config: deps.config,
      directory: deps.directory,
      slack,
      logger,
      ...(deps.httpCallbackOptions ? { httpCallbackOptions: deps.httpCallbackOptions } : {}),
    },
    postToResponseUrl: trace ? tracedResponseUrl(post, trace) : post,
    ...(trace ? { trace } : {}),
    ...(deps.observer ? { observer: deps.observer } : {}),
  };
}

/** Times one handler's whole work (callbacks, responses, actions) for the observer. */
async function timed<T>(context: DispatchContext, handler: HandlerRef, work: () => Promise<T>): Promise<T> {
  const observer = context.observer;
  if (!observer) return work();
  const started = performance.now();
  try {
    return await work();
  } finally {
    observer.handlerDone(handler, (performance.now() - started) / 1000);
  }
}

/** A handler's regex, compiled once per process; an invalid one is logged and the handler never matches. */
function handlerRegex(context: DispatchContext, handler: MessageHandler, mode: RegexMode): RegExp | undefined {
  try {
    return compilePythonRegex(handler.match, mode);
  } catch (error) {
    if (!(error instanceof PythonRegexError)) throw error;
    context.logger.error({ ...context.logFields, match: handler.match, err: error }, 'handler regex does not compile; handler skipped');
    return undefined;
  }
}

/** A message handler's callbacks, in order; true when there was one to call (omnibot's handler_called). */
async function runMessageCallbacks(
  context: DispatchContext,
  handler: HandlerRef,
  callbacks: readonly CallbackSpec[],
  payload: Json,
  postMessage: PostMessageDefaults,
): Promise<boolean> {
  if (callbacks.length === 0) return false;
  return timed(context, handler, async () => {
    for (const spec of callbacks) {
      context.logger.info(
        { ...context.logFields, module: spec.module, match_type: payload.match_type ?? null, match: payload.match ?? null },
        'Handling callback for message',
      );
      const answer = await runCallback(context, spec, payload, handler);
      if (answer) await performActions(context, answer.actions, postMessage);
    }
    return true;
  });
}

async function processMessageEvent(deps: ProcessorDeps, bot: Bot, event: Json, context: DispatchContext): Promise<void> {
  const ignored = ignoredMessage(event, undefined);
  if (ignored) {
    context.logger.debug({ ...context.logFields, reason: ignored, subtype: event.subtype }, 'message ignored');
    return;
  }
  const botUserId = await identityFor(deps).botUserId(bot);
  if (ignoredMessage(event, botUserId) === 'self') {
    context.logger.debug(context.logFields, 'message from the bot itself ignored');
    return;
  }
  let payload: Json;
  try {
    payload = await messagePayload(bot, event, { directory: deps.directory, botUserId });
  } catch (error) {
    if (!(error instanceof MalformedPayloadError)) throw error;
    context.logger.error({ ...context.logFields, err: error }, 'message event not processed');
    return;
  }
  const fields = { ...context.logFields, channel_id: payload.channel_id };
  const ctx: DispatchContext = { ...context, logFields: fields };
  const channel = object(payload.channel) ?? {};
  const threadTs = text(payload.thread_ts);
  const postMessage: PostMessageDefaults = {
    channel: payload.channel_id as string,
    // In an IM, no thread. Elsewhere omnibot threaded on the message's ts; for a reply that is the thread's parent (Slack asks for it).
    threadTs: channel.is_im ? undefined : (threadTs ?? (payload.ts as string)),
  };
  const commandText = typeof payload.command_text === 'string' ? payload.command_text : '';
  const parsedText = typeof payload.parsed_text === 'string' ? payload.parsed_text : '';
  let commandMatched = false;
  let handled = false;
  for (const handler of bot.handlers.message) {
    // Replies in a thread go only to handlers that ask for them.
    if (threadTs && handler.match_reply !== true) continue;
    if (handler.match_type === 'command') {
      // Commands only for messages directed at the bot (or mentioning it, when the handler says so); the first match only.
      const addressed = payload.directed === true || (handler.match_mention === true && payload.mentioned === true);
      if (!addressed || commandMatched || !commandText.startsWith(handler.match)) continue;
      commandMatched = true;
      const matched = {
        ...payload,
        match_type: 'command',
        match: handler.match,
        command: handler.match,
        args: pyStrip(commandText.slice(handler.match.length)),
      };
      if (await runMessageCallbacks(ctx, { kind: 'message', name: handler.match }, handler.callbacks ?? [], matched, postMessage)) handled = true;
    } else if (handler.match_type === 'regex') {
      const regex = handlerRegex(ctx, handler, 'search');
      if (!regex) continue;
      // A presence regex calls back when it matches, an absence regex when it doesn't.
      if (regex.test(parsedText) === (handler.regex_type === 'absence')) continue;
      const matched = { ...payload, match_type: 'regex', match: handler.match, regex: handler.match };
      if (await runMessageCallbacks(ctx, { kind: 'message', name: handler.match }, handler.callbacks ?? [], matched, postMessage)) handled = true;
    }
  }
  if (handled) return;
  if (payload.directed !== true) {
    ctx.logger.debug(fields, 'no handler for the message');
    return;
  }
  const help = deps.config.document.help_callback?.callback ?? (deps.config.defaultToHelp ? { module: BUILT_IN_HELP_MODULE } : undefined);
  if (!help) {
    ctx.logger.debug(fields, 'directed message matched no handler; help is off');
    return;
  }
  await runMessageCallbacks(ctx, { kind: 'help', name: help.module }, [help], payload, postMessage);
}

async function processReactionEvent(deps: ProcessorDeps, bot: Bot, event: Json, context: DispatchContext): Promise<void> {
  const ignored = ignoredReaction(event);
  if (ignored) {
    context.logger.debug({ ...context.logFields, reason: ignored }, 'reaction ignored');
    return;
  }
  let item;
  try {
    item = reactionItem(event);
  } catch (error) {
    if (!(error instanceof MalformedPayloadError)) throw error;
    context.logger.error({ ...context.logFields, err: error }, 'reaction event not processed');
    return;
  }
  const handlers = bot.handlers.message.filter((handler) => handler.match_type === 'reaction');
  // Nothing could match: spare Slack the questions below.
  if (handlers.length === 0) return;
  const identity = identityFor(deps);
  // Only reactions to this bot's own messages: by item_user when Slack says who wrote the item, else by asking Slack.
  const own =
    item.itemUser !== undefined
      ? item.itemUser === (await identity.botUserId(bot))
      : await identity.isMessageFromBot(bot, item.itemChannel, item.itemTs);
  if (!own) {
    context.logger.debug({ ...context.logFields, item_channel: item.itemChannel }, 'reaction not on a message of this bot; ignored');
    return;
  }
  const payload = await reactionPayload(bot, event, item, deps.directory);
  const ctx: DispatchContext = { ...context, logFields: { ...context.logFields, channel_id: item.itemChannel } };
  // Replies go to the reacted message's thread (omnibot used the reaction's event_ts, which is no message), not in an IM.
  const postMessage: PostMessageDefaults = { channel: item.itemChannel, threadTs: item.itemChannel.startsWith('D') ? undefined : item.itemTs };
  let handled = false;
  for (const handler of handlers) {
    // The whole emoji name must match (Python's re.fullmatch).
    const regex = handlerRegex(ctx, handler, 'fullmatch');
    if (!regex || regex.test(item.emojiName) === (handler.regex_type === 'absence')) continue;
    const matched = { ...payload, match_type: 'reaction', match: handler.match, reaction: handler.match, args: item.emojiName };
    if (await runMessageCallbacks(ctx, { kind: 'reaction', name: handler.match }, handler.callbacks ?? [], matched, postMessage)) handled = true;
  }
  if (!handled) ctx.logger.debug(ctx.logFields, 'no handler for the reaction');
}

async function processEvent(deps: ProcessorDeps, bot: Bot, payload: Json, trace: WebhookTrace | undefined): Promise<void> {
  const event = object(payload.event);
  const eventType = event?.type;
  const logFields: Json = { ...bot.logContext, event_type: eventType, event_ts: event?.event_ts, event_id: payload.event_id };
  const context = dispatchContext(deps, bot, logFields, trace);
  if (!event) {
    context.logger.error(logFields, 'event callback without an event; not processed');
    return;
  }
  if (eventType === 'message' || eventType === 'app_mention') return processMessageEvent(deps, bot, event, context);
  if (eventType === 'reaction_added' || eventType === 'reaction_removed') return processReactionEvent(deps, bot, event, context);
  deps.logger.debug(logFields, 'Event is not a message or reaction type.');
}

async function processSlashCommand(deps: ProcessorDeps, bot: Bot, command: Json, trace: WebhookTrace | undefined): Promise<void> {
  const name = command.command;
  const logFields: Json = { ...bot.logContext, command: name, trigger_id: command.trigger_id };
  const context = dispatchContext(deps, bot, logFields, trace);
  const handlers = bot.handlers.slashCommand.filter((handler) => handler.command === name);
  if (handlers.length === 0) {
    deps.logger.info(logFields, 'no handler for the slash command');
    return;
  }
  let payload: Json;
  try {
    payload = await slashCommandPayload(bot, command, deps.directory);
  } catch (error) {
    if (!(error instanceof MalformedPayloadError)) throw error;
    context.logger.error({ ...logFields, err: error }, 'slash command not processed');
    return;
  }
  for (const handler of handlers) {
    const ref: HandlerRef = { kind: 'slash_command', name: handler.command };
    await timed(context, ref, async () => {
      for (const spec of handler.callbacks ?? []) {
        deps.logger.info({ ...logFields, module: spec.module }, 'Handling callback for slash_command');
        const answer = await runCallback(context, spec, payload, ref);
        if (!answer) continue;
        await postResponses(context, answer.responses, payload.response_url, handler.response_type ?? 'ephemeral');
        // As in omnibot, a slash command's actions go as given: no channel or thread is filled in.
        await performActions(context, answer.actions);
      }
    });
  }
}

async function processInteractiveComponent(deps: ProcessorDeps, bot: Bot, component: Json, trace: WebhookTrace | undefined): Promise<void> {
  const logFields: Json = { ...bot.logContext, component_type: component.type };
  let callbackId: string | undefined;
  try {
    callbackId = interactiveCallbackId(component);
  } catch (error) {
    if (!(error instanceof MissingActionsError)) throw error;
    deps.logger.error({ ...logFields, err: error }, 'interactive component not processed');
    return;
  }
  const fields = { ...logFields, callback_id: callbackId };
  const handlers = bot.handlers.interactiveComponent.filter((handler) => handler.callback_id === callbackId);
  if (handlers.length === 0) {
    deps.logger.info(fields, 'no handler for the interactive component');
    return;
  }
  const payload = await interactiveComponentPayload(bot, component, deps.directory);
  const channelId = text(object(component.channel)?.id);
  const context = dispatchContext(deps, bot, channelId ? { ...fields, channel_id: channelId } : fields, trace);
  // The component's channel; a thread only when the action names one (omnibot crashed looking for the component's ts).
  const postMessage: PostMessageDefaults = { channel: channelId, threadTs: undefined };
  for (const handler of handlers) {
    const ref: HandlerRef = { kind: 'interactive_component', name: handler.callback_id };
    await timed(context, ref, async () => {
      for (const spec of handler.callbacks ?? []) {
        // Answered in Slack's request already (routes/slack/interactive.ts); never run twice.
        if (spec.synchronous === true) continue;
        deps.logger.info({ ...fields, module: spec.module }, 'Handling callback for interactive component');
        const answer = await runCallback(context, spec, payload, ref);
        if (!answer) continue;
        await postResponses(context, answer.responses, payload.response_url, handler.response_type ?? 'ephemeral');
        await performActions(context, answer.actions, postMessage);
      }
    });
  }
}

/**
 * Processes one webhook taken off the queue.
 *
 * @param trace told what the handling does, when someone watches (`omnibot dev`).
 * @throws UnroutableMessageError when its team or bot is not configured;
 *   any other error means "a retry may work" (see the module comment).
 */
export async function processWebhook(
  deps: ProcessorDeps,
  type: ProcessorWebhookType,
  payload: Record<string, unknown>,
  trace?: WebhookTrace,
): Promise<void> {
  const bot = routeWebhook(deps, type, payload);
  switch (type) {
    case 'event':
      return processEvent(deps, bot, payload, trace);
    case 'slash_command':
      return processSlashCommand(deps, bot, payload, trace);
    case 'interactive_component':
      return processInteractiveComponent(deps, bot, payload, trace);
  }
}
