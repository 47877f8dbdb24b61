import type { Bot } from '../config/registry.js';
import { LruCache } from '../directory/lru.js';
import { botCallToken } from '../slack/tokens.js';
import type { SlackWebClient } from '../slack/web-api.js';

export interface IdentityLogger {
  warn(object: object, message: string): void;
  debug(object: object, message: string): void;
}

function key(bot: Bot, ...rest: string[]): string {
  return JSON.stringify([bot.team.id, bot.appId, ...rest]);
}

/**
 * Who a bot is in Slack, and who wrote a message, as omnibot asked Slack
 * (auth.test, conversations.history, bots.info) and kept in redis; here kept
 * in this process's memory. Answers Slack refuses are logged and read as
 * "unknown"; a Slack that can't be reached throws SlackClientError.
 */
export class SlackIdentity {
  readonly #slack: Pick<SlackWebClient, 'call'>;
  readonly #logger: IdentityLogger;
  /** The bot's own user id, per bot; a bot's user never changes, so it is kept for the life of the process. */
  readonly #botUserIds = new Map<string, Promise<string | undefined>>();
  /** Slack bot id (B…) → its app id (A…), or null when Slack doesn't know it. */
  readonly #appIdsOfBots = new LruCache<string | null>({ max: 10_000, ttlMs: 60 * 60 * 1000 });
  /** channel and ts → the bot_id of that message, or null when a person wrote it (or it isn't there). */
  readonly #messageBotIds = new LruCache<string | null>({ max: 10_000, ttlMs: 10 * 60 * 1000 });

  constructor(slack: Pick<SlackWebClient, 'call'>, logger: IdentityLogger) {
    this.#slack = slack;
    this.#logger = logger;
  }

  /** The bot's own user id (auth.test as the bot), once per bot; undefined while Slack refuses to say. */
  botUserId(bot: Bot): Promise<string | undefined> {
    const cacheKey = key(bot);
    let found = this.#botUserIds.get(cacheKey);
    if (!found) {
      found = this.#slack.call('auth.test', {}, botCallToken(bot)).then((response) => {
        const userId = response.ok && typeof response.user_id === 'string' ? response.user_id : undefined;
        if (!userId) {
          this.#logger.warn({ ...bot.logContext, error: response.error }, 'auth.test failed; the bot\'s user id is unknown');
          // Asked again next time rather than remembered as unknown.
          this.#botUserIds.delete(cacheKey);
        }
        return userId;
      });
      found.catch(() => this.#botUserIds.delete(cacheKey));
      this.#botUserIds.set(cacheKey, found);
    }
    return found;
  }

  /**
   * omnibot's _is_message_from_bot, for events that don't say who wrote the
   * item (a reaction without item_user): the message at `ts` in `channel` was
   * posted by a bot (bot_id) whose app is this bot's app.
   */
  async isMessageFromBot(bot: Bot, channel: string, ts: string): Promise<boolean> {
    const botId = await this.#messageBotId(bot, channel, ts);
    if (!botId) return false;
    // One app can have several bot ids (one per workspace or reinstall): compare the app.
    return (await this.#appIdOfBot(bot, botId)) === bot.appId;
  }

  async #messageBotId(bot: Bot, channel: string, ts: string): Promise<string | null> {
    const cacheKey = key(bot, channel, ts);
    const cached = this.#messageBotIds.get(cacheKey);
    if (cached !== undefined) return cached;
    const response = await this.#slack.call(
      'conversations.history',
      { channel, latest: ts, limit: 1, inclusive: true, include_all_metadata: true },
      botCallToken(bot),
    );
    if (!response.ok) {
      this.#logger.warn({ ...bot.logContext, channel, ts, error: response.error }, 'conversations.history failed; reaction ignored');
      return null;
    }
    const first: unknown = Array.isArray(response.messages) ? response.messages[0] : undefined;
    const message = first !== null && typeof first === 'object' ? (first as Record<string, unknown>) : undefined;
    // History holds top-level messages only: for a thread reply it answers with an older message, which is not the one.
    const botId = message && message.ts === ts && typeof message.bot_id === 'string' ? message.bot_id : null;
    if (!message || message.ts !== ts) this.#logger.debug({ ...bot.logContext, channel, ts }, 'reacted message not found in history');
    this.#messageBotIds.set(cacheKey, botId);
    return botId;
  }

  async #appIdOfBot(bot: Bot, botId: string): Promise<string | null> {
    const cacheKey = key(bot, botId);
    const cached = this.#appIdsOfBots.get(cacheKey);
    if (cached !== undefined) return cached;
    const response = await this.#slack.call('bots.info', { bot: botId }, botCallToken(bot));
    const info = response.ok && response.bot && typeof response.bot === 'object' ? (response.bot as Record<string, unknown>) : undefined;
    if (!info) {
      this.#logger.warn({ ...bot.logContext, slack_bot_id: botId, error: response.error }, 'bots.info failed');
      return null;
    }
    const appId = typeof info.app_id === 'string' ? info.app_id : null;
    this.#appIdsOfBots.set(cacheKey, appId);
    return appId;
  }
}
