import type { Bot } from '../config/registry.js';
import type { SlackResponse, SlackWebClient } from './web-api.js';
import type { ParserDirectory } from './parser/directory.js';
import { applyOmnibotParse } from './parser/options.js';

/** A Slack Web API method name: dotted words, such as chat.postMessage or oauth.v2.access. */
const METHOD_NAME = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+$/;

/** Errors a user token may not have, where omnibot tried the call again as the user. */
const RETRY_AS_USER: ReadonlySet<string> = new Set(['missing_scope', 'not_allowed_token_type', 'channel_not_found', 'not_in_channel']);

export class InvalidActionError extends Error {
  override readonly name = 'InvalidActionError';
}

export function isSlackMethodName(value: unknown): value is string {
  return typeof value === 'string' && METHOD_NAME.test(value);
}

export interface ActionLogger {
  warn(object: object, message: string): void;
}

/**
 * Performs a Slack action as a bot, as omnibot's `_perform_action` did:
 * `omnibot_parse` applied to the named kwargs, the call made with the bot
 * token, and made again with the user token when the bot's was refused for
 * a reason a user token may not have. Slack's answer is returned as it came.
 *
 * @throws InvalidActionError for a name that is not a Slack method, and
 *   ParseOptionsError for an `omnibot_parse` of the wrong shape.
 */
export async function performAction(
  slack: Pick<SlackWebClient, 'call'>,
  directory: ParserDirectory,
  bot: Bot,
  action: unknown,
  kwargs: Record<string, unknown>,
  logger: ActionLogger,
): Promise<SlackResponse> {
  if (!isSlackMethodName(action)) {
    throw new InvalidActionError('action must be a Slack Web API method name, such as chat.postMessage');
  }
  const params = await applyOmnibotParse(kwargs, directory);
  const { botToken, userToken } = bot.credentials;
  const first = botToken ?? userToken;
  if (!first) throw new Error(`bot ${bot.name} of team ${bot.team.name} has no OAuth token`);
  const response = await slack.call(action, params, first.reveal());
  if (response.ok || !botToken || !userToken || !RETRY_AS_USER.has(response.error ?? '')) return response;
  logger.warn({ ...bot.logContext, action, error: response.error }, 'action refused for the bot token; trying as the user');
  return slack.call(action, params, userToken.reveal());
}
