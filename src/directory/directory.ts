import type { Bot } from '../config/registry.js';
import type { SlackWebClient } from '../slack/web-api.js';
import { botCallToken } from '../slack/tokens.js';
import { forEachConcurrently } from './concurrently.js';
import { directoryKeys as keys } from './keys.js';
import { LruCache } from './lru.js';
import { SingleFlight } from './single-flight.js';
import type { DirectoryKind, DirectoryStore } from './store.js';
import { userDisplayName, type SlackConversation, type SlackUser } from './types.js';

export interface DirectoryLogger {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

/** Where a directory read was answered: this process's memory, JetStream KV, or neither (Slack is asked, or a list refreshed). */
export type DirectoryReadResult = 'memory' | 'store' | 'miss';

/**
 * How a whole-list refresh went: `refreshed` (this call loaded it), `joined`
 * (another process was loading it; waited for its result), `skipped` (done
 * recently enough), `failed` (the load threw).
 */
export type DirectoryRefreshOutcome = 'refreshed' | 'joined' | 'skipped' | 'failed';

/** Told of every read and refresh, for metrics. The watcher's refreshes go through here too. */
export interface DirectoryObserver {
  read(kind: DirectoryKind, result: DirectoryReadResult): void;
  refreshed(kind: DirectoryKind, outcome: DirectoryRefreshOutcome, seconds: number): void;
}

export interface DirectoryOptions {
  readonly store: DirectoryStore;
  readonly slack: Pick<SlackWebClient, 'call' | 'paginate'>;
  /** A whole-list refresh of one kind for one team and bot runs at most once per interval, across all processes. */
  readonly refreshIntervalMs: number;
  readonly memoryTtlMs: number;
  readonly memoryMax?: number;
  readonly logger: DirectoryLogger;
  /** How many KV writes a refresh keeps in flight. */
  readonly writeConcurrency?: number;
  /** How long a miss waits for another process's refresh of the same list. */
  readonly refreshWaitMs?: number;
  readonly observer?: DirectoryObserver;
}

type Cached = SlackUser | SlackConversation | SlackConversation[] | string | null;

const CHANNEL_TYPES = 'public_channel,private_channel';

/**
 * Users, channels and IMs as Slack knows them, kept in JetStream KV so every
 * process shares one copy, with an in-memory LRU in front. A miss is filled
 * from Slack; a whole-list refresh is single-flight and rate-limited.
 */
export class Directory {
  readonly #store: DirectoryStore;
  readonly #slack: Pick<SlackWebClient, 'call' | 'paginate'>;
  readonly #memory: LruCache<Cached>;
  readonly #flights = new SingleFlight();
  readonly #refreshIntervalMs: number;
  readonly #logger: DirectoryLogger;
  readonly #writeConcurrency: number;
  readonly #refreshWaitMs: number;
  readonly #observer: DirectoryObserver | undefined;
  /** When this process last asked KV for a refresh claim, so repeated misses don't ask again within the interval. */
  readonly #lastClaimAttempt = new Map<string, number>();

  constructor(options: DirectoryOptions) {
    this.#store = options.store;
    this.#slack = options.slack;
    this.#memory = new LruCache({ max: options.memoryMax ?? 50_000, ttlMs: options.memoryTtlMs });
    this.#refreshIntervalMs = options.refreshIntervalMs;
    this.#logger = options.logger;
    this.#writeConcurrency = options.writeConcurrency ?? 32;
    this.#refreshWaitMs = options.refreshWaitMs ?? 15_000;
    this.#observer = options.observer;
  }

  // ---- users

  /** A user by id, deleted ones included (Slack's users.info returns them too, and old messages mention them). */
  async userById(bot: Bot, userId: string): Promise<SlackUser | null> {
    const key = keys.userById(bot.team.name, userId);
    const known = await this.#read<SlackUser>('users', key);
    if (known !== undefined) return known;
    return this.#flights.run(`users.info ${key}`, async () => {
      const response = await this.#slack.call('users.info', { user: userId }, botCallToken(bot));
      const user = response.ok ? (response.user as SlackUser) : null;
      if (user) await this.#storeUser(bot, user);
      else this.#remember('users', key, null, response.error, bot);
      return user;
    });
  }

  /** A live user by email (case-insensitive); deleted users are not returned. */
  async userByEmail(bot: Bot, email: string): Promise<SlackUser | null> {
    const indexKey = keys.userIdByEmail(bot.team.name, email);
    const userId = await this.#read<string>('users', indexKey);
    if (userId) {
      const user = await this.#read<SlackUser>('users', keys.userById(bot.team.name, userId));
      if (user && user.profile?.email?.toLowerCase() === email.toLowerCase()) return live(user);
    }
    if (userId === null) return null;
    return this.#flights.run(`users.lookupByEmail ${indexKey}`, async () => {
      const response = await this.#slack.call('users.lookupByEmail', { email }, botCallToken(bot));
      const user = response.ok ? (response.user as SlackUser) : null;
      if (user) await this.#storeUser(bot, user);
      else this.#remember('users', indexKey, null, response.error, bot);
      return user ? live(user) : null;
    });
  }

  /** A live user by display name, else user name; a leading `@` is ignored. */
  async userByName(bot: Bot, name: string): Promise<SlackUser | null> {
    const wanted = name.startsWith('@') ? name.slice(1) : name;
    const find = async (): Promise<SlackUser | null> => {
      const userId = await this.#read<string>('users', keys.userIdByName(bot.team.name, wanted));
      if (!userId) return null;
      const user = await this.#read<SlackUser>('users', keys.userById(bot.team.name, userId));
      // The name index can outlive a rename; trust it only while the user still has that name.
      return user && userDisplayName(user) === wanted ? live(user) : null;
    };
    return (await find()) ?? ((await this.refreshUsers(bot)) ? find() : null);
  }

  // ---- channels

  async channelById(bot: Bot, channelId: string): Promise<SlackConversation | null> {
    const key = keys.channelById(bot.team.name, channelId);
    const known = await this.#read<SlackConversation>('channels', key);
    if (known !== undefined) return known;
    return this.#flights.run(`conversations.info ${key}`, async () => {
      const response = await this.#slack.call('conversations.info', { channel: channelId }, botCallToken(bot));
      const channel = response.ok ? (response.channel as SlackConversation) : null;
      if (channel) await this.#storeConversation(bot, channel);
      else this.#remember('channels', key, null, response.error, bot);
      return channel;
    });
  }

  /** A public or private channel by name; a leading `#` is ignored. */
  async channelByName(bot: Bot, name: string): Promise<SlackConversation | null> {
    const wanted = name.startsWith('#') ? name.slice(1) : name;
    const find = async (): Promise<SlackConversation | null> => {
      const channelId = await this.#read<string>('channels', keys.channelIdByName(bot.team.name, wanted));
      if (!channelId) return null;
      const channel = await this.#read<SlackConversation>('channels', keys.channelById(bot.team.name, channelId));
      return channel && channel.name === wanted ? channel : null;
    };
    return (await find()) ?? ((await this.refreshChannels(bot)) ? find() : null);
  }

  // ---- IMs (they belong to a bot: each bot has its own IM with a user)

  async imById(bot: Bot, imId: string): Promise<SlackConversation | null> {
    return (await this.#read<SlackConversation>('ims', keys.imById(bot.team.name, bot.name, imId))) ?? null;
  }

  /** The bot's open IM with a user, when the directory knows one (and the user is not deleted). */
  async imByUser(bot: Bot, userId: string): Promise<SlackConversation | null> {
    const find = async (): Promise<SlackConversation | null> => {
      const imId = await this.#read<string>('ims', keys.imIdByUser(bot.team.name, bot.name, userId));
      const im = imId ? await this.imById(bot, imId) : null;
      return im && !im.is_user_deleted ? im : null;
    };
    return (await find()) ?? ((await this.refreshIms(bot)) ? find() : null);
  }

  /**
   * The bot's IM with a user: from the directory, else opened with
   * conversations.open (and remembered). Null when Slack won't open one.
   */
  async openIm(bot: Bot, userId: string): Promise<SlackConversation | null> {
    const known = await this.imByUser(bot, userId);
    if (known) return known;
    return this.#flights.run(`conversations.open ${keys.imIdByUser(bot.team.name, bot.name, userId)}`, async () => {
      const response = await this.#slack.call('conversations.open', { users: userId, return_im: true }, botCallToken(bot));
      const channel = response.ok ? (response.channel as SlackConversation | undefined) : undefined;
      if (!channel?.id) {
        this.#logger.warn({ ...bot.logContext, error: response.error }, 'conversations.open failed');
        return null;
      }
      // Without return_im support Slack answers with the id alone; what we store must say whose IM it is.
      const im: SlackConversation = { ...channel, is_im: true, user: channel.user ?? userId };
      await this.#storeConversation(bot, im);
      this.#memory.delete(`ims|${keys.imsOf(bot.team.name, bot.name)}`);
      return im;
    });
  }

  /** Every IM the bot has, as conversations.list returns them. */
  async ims(bot: Bot): Promise<SlackConversation[]> {
    await this.refreshIms(bot);
    const listKey = keys.imsOf(bot.team.name, bot.name);
    const cached = this.#memory.get(`ims|${listKey}`);
    if (Array.isArray(cached)) return cached;
    const found: SlackConversation[] = [];
    await forEachConcurrently(await this.#store.keys('ims', listKey), this.#writeConcurrency, async (key) => {
      const im = await this.#store.get<SlackConversation>('ims', key);
      if (im) found.push(im);
    });
    found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.#memory.set(`ims|${listKey}`, found);
    return found;
  }

  // ---- whole-list refreshes (the watcher calls these on its schedule; misses call them too)

  /** Reloads every user of the team; resolves true when this call (or one it joined) did the refresh. */
  refreshUsers(bot: Bot, options: { force?: boolean } = {}): Promise<boolean> {
    return this.#refresh('users', bot, options.force ?? false, async () => {
      let count = 0;
      const users = this.#slack.paginate<SlackUser>('users.list', {}, botCallToken(bot), 'members');
      for await (const page of batches(users, 200)) {
        await forEachConcurrently(page, this.#writeConcurrency, (user) => this.#storeUser(bot, user));
        count += page.length;
      }
      return count;
    });
  }

  refreshChannels(bot: Bot, options: { force?: boolean } = {}): Promise<boolean> {
    return this.#refresh('channels', bot, options.force ?? false, async () => {
      let count = 0;
      const params = { types: CHANNEL_TYPES, exclude_archived: true };
      const channels = this.#slack.paginate<SlackConversation>('conversations.list', params, botCallToken(bot), 'channels');
      for await (const page of batches(channels, 200)) {
        await forEachConcurrently(page, this.#writeConcurrency, (channel) => this.#storeConversation(bot, channel));
        count += page.length;
      }
      return count;
    });
  }

  refreshIms(bot: Bot, options: { force?: boolean } = {}): Promise<boolean> {
    return this.#refresh('ims', bot, options.force ?? false, async () => {
      let count = 0;
      const ims = this.#slack.paginate<SlackConversation>('conversations.list', { types: 'im' }, botCallToken(bot), 'channels');
      for await (const page of batches(ims, 200)) {
        await forEachConcurrently(page, this.#writeConcurrency, (im) => this.#storeConversation(bot, im));
        count += page.length;
      }
      this.#memory.delete(`ims|${keys.imsOf(bot.team.name, bot.name)}`);
      return count;
    });
  }

  // ---- internals

  #refresh(kind: DirectoryKind, bot: Bot, force: boolean, load: () => Promise<number>): Promise<boolean> {
    const claimKey = keys.refreshedAt(bot.team.name, bot.name);
    const flightKey = `refresh ${kind} ${claimKey}`;
    return this.#flights.run(flightKey, async () => {
      const now = Date.now();
      const observe = (outcome: DirectoryRefreshOutcome): void => this.#observer?.refreshed(kind, outcome, (Date.now() - now) / 1000);
      const lastAttempt = this.#lastClaimAttempt.get(flightKey);
      if (!force && lastAttempt !== undefined && now - lastAttempt < this.#refreshIntervalMs) {
        observe('skipped');
        return false;
      }
      this.#lastClaimAttempt.set(flightKey, now);
      const claim = await this.#store.claimRefresh(kind, claimKey, force ? 0 : this.#refreshIntervalMs, now);
      if (!claim.claimed) {
        // Another process is loading the list: its result is as good as ours, once it is stored.
        const joined = claim.running && (await this.#store.waitForRefresh(kind, claimKey, this.#refreshWaitMs));
        observe(joined ? 'joined' : 'skipped');
        return joined;
      }
      let count: number;
      try {
        count = await load();
      } catch (error) {
        observe('failed');
        throw error;
      } finally {
        // Finished, stored or not: waiters re-read what is there instead of waiting out their time limit.
        await claim.finish();
      }
      observe('refreshed');
      this.#logger.info({ ...bot.logContext, kind, count, ms: Date.now() - now }, 'directory list refreshed');
      return true;
    });
  }

  /** undefined: unknown here (ask Slack); null: a remembered miss; else the value. */
  async #read<T extends Cached>(kind: DirectoryKind, key: string): Promise<T | null | undefined> {
    const memoryKey = `${kind}|${key}`;
    const cached = this.#memory.get(memoryKey);
    if (cached !== undefined) {
      this.#observer?.read(kind, 'memory');
      return cached as T | null;
    }
    const stored = await this.#store.get<T>(kind, key);
    this.#observer?.read(kind, stored === null ? 'miss' : 'store');
    if (stored === null) return undefined;
    this.#memory.set(memoryKey, stored);
    return stored;
  }

  async #write(kind: DirectoryKind, key: string, value: Exclude<Cached, null>): Promise<void> {
    await this.#store.put(kind, key, value);
    this.#memory.set(`${kind}|${key}`, value);
  }

  /** Keeps a miss in memory only (never in KV), so a user created a minute later is found on the next TTL. */
  #remember(kind: DirectoryKind, key: string, value: null, slackError: string | undefined, bot: Bot): void {
    this.#memory.set(`${kind}|${key}`, value);
    if (slackError && !NOT_FOUND_ERRORS.has(slackError)) {
      this.#logger.warn({ ...bot.logContext, kind, error: slackError }, 'Slack refused a directory lookup');
    }
  }

  async #storeUser(bot: Bot, user: SlackUser): Promise<void> {
    const team = bot.team.name;
    await this.#write('users', keys.userById(team, user.id), user);
    if (user.deleted) return;
    const email = user.profile?.email;
    if (email) await this.#write('users', keys.userIdByEmail(team, email), user.id);
    const name = userDisplayName(user);
    if (name) await this.#write('users', keys.userIdByName(team, name), user.id);
  }

  async #storeConversation(bot: Bot, conversation: SlackConversation): Promise<void> {
    const team = bot.team.name;
    if (conversation.is_im) {
      await this.#write('ims', keys.imById(team, bot.name, conversation.id), conversation);
      if (conversation.user) await this.#write('ims', keys.imIdByUser(team, bot.name, conversation.user), conversation.id);
      return;
    }
    await this.#write('channels', keys.channelById(team, conversation.id), conversation);
    if (conversation.name) await this.#write('channels', keys.channelIdByName(team, conversation.name), conversation.id);
  }
}

const NOT_FOUND_ERRORS = new Set(['user_not_found', 'users_not_found', 'channel_not_found']);

function live(user: SlackUser): SlackUser | null {
  return user.deleted ? null : user;
}

async function* batches<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
