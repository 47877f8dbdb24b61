import type { Bot } from '../config/registry.js';
import type { SlackPageCaller } from '../slack/pages.js';
import type { SlackWebClient } from '../slack/web-api.js';
import { isEmailWithinLimit, isEmojiNameWithinLimit, isNameWithinLimit, isSlackIdShaped } from '../slack/limits.js';
import { botCallToken } from '../slack/tokens.js';
import { settleWithin } from '../settle-within.js';
import { forEachConcurrently } from './concurrently.js';
import { CHANNEL_SHAPE, DirectoryEntries, EMOJI_SHAPE, IM_SHAPE, USER_SHAPE, type EmojiEntry, type EntryScope } from './entries.js';
import { directoryKeys as keys } from './keys.js';
import { LruCache } from './lru.js';
import { loadList, type ListKind } from './lists.js';
import type { ListRefreshOutcome } from './refresh.js';
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
  /** Lookups of one object (users.info, conversations.info, …). */
  readonly slack: Pick<SlackWebClient, 'call'>;
  /** What whole-list refreshes page through: a pacer, so that pages stay within Slack's Tier 2. Defaults to `slack`. */
  readonly lists?: SlackPageCaller;
  /** A whole-list refresh of one kind for one team and bot runs at most once per interval, across all processes. */
  readonly refreshIntervalMs: number;
  readonly memoryTtlMs: number;
  readonly memoryMax?: number;
  readonly logger: DirectoryLogger;
  /** How many KV writes a refresh keeps in flight. */
  readonly writeConcurrency?: number;
  /** How long a miss waits for a whole-list refresh (its own, or another process's) before it reads what is stored so far. */
  readonly refreshWaitMs?: number;
  /** Items per page asked of users.list and conversations.list: Slack's largest, as omnibot asked. */
  readonly listPageSize?: number;
  readonly observer?: DirectoryObserver;
}

export { LIST_KINDS, type ListKind } from './lists.js';

export interface RefreshOptions {
  /** Claim the refresh even within the interval. */
  readonly force?: boolean;
  /** Also remove what Slack no longer lists (the primary bot's periodic refresh). */
  readonly sweep?: boolean;
  readonly signal?: AbortSignal;
}

/** A refresh this process ran, or why it did not: another process runs it, or it is not due until `dueAt`. */
export type RefreshRun =
  | { readonly ran: true; readonly outcome: ListRefreshOutcome; readonly ms: number }
  | { readonly ran: false; readonly running: boolean; readonly dueAt: number };

type Cached = SlackUser | SlackConversation | SlackConversation[] | EmojiEntry | string | null;

const SLACK_MAX_PAGE = 1000;

/**
 * Users, channels, IMs and custom emoji as Slack knows them, kept in JetStream
 * KV so every process shares one copy, with an in-memory LRU in front. A miss
 * is filled from Slack; a whole-list refresh is single-flight and claimed
 * across processes; Slack's events change single entries at once.
 */
export class Directory {
  readonly #store: DirectoryStore;
  readonly #entries: DirectoryEntries;
  readonly #slack: Pick<SlackWebClient, 'call'>;
  readonly #lists: SlackPageCaller;
  readonly #memory: LruCache<Cached>;
  readonly #flights = new SingleFlight();
  readonly #refreshIntervalMs: number;
  readonly #logger: DirectoryLogger;
  readonly #writeConcurrency: number;
  readonly #refreshWaitMs: number;
  readonly #pageSize: number;
  readonly #observer: DirectoryObserver | undefined;
  /** When this process last asked KV for a refresh claim, so repeated misses don't ask again within the interval. */
  readonly #lastClaimAttempt = new Map<string, number>();
  /**
   * Reads and Slack lookups in flight, by memory key: a change to the key
   * while one is in flight marks it, and what it found is not cached (it may
   * predate the change).
   */
  readonly #inFlight = new Map<string, Set<{ changed: boolean }>>();

  constructor(options: DirectoryOptions) {
    this.#store = options.store;
    this.#entries = new DirectoryEntries(options.store, (kind, key) => this.forget(kind, key));
    this.#slack = options.slack;
    this.#lists = options.lists ?? options.slack;
    this.#memory = new LruCache({ max: options.memoryMax ?? 50_000, ttlMs: options.memoryTtlMs });
    this.#refreshIntervalMs = options.refreshIntervalMs;
    this.#logger = options.logger;
    this.#writeConcurrency = options.writeConcurrency ?? 32;
    this.#refreshWaitMs = options.refreshWaitMs ?? 15_000;
    this.#pageSize = Math.min(options.listPageSize ?? SLACK_MAX_PAGE, SLACK_MAX_PAGE);
    this.#observer = options.observer;
  }

  /** The refresh period: `list_provider_update_frequency`. */
  get refreshIntervalMs(): number {
    return this.#refreshIntervalMs;
  }

  /** Drops this process's copy of an entry that changed (here, or in another process: see `DirectoryStore.watchChanges`). */
  forget(kind: DirectoryKind, key: string): void {
    this.#invalidate(`${kind}|${key}`);
    if (kind === 'ims') {
      // `<team>.<bot>.id.<ID>` or `<team>.<bot>.user.<ID>`: the bot's whole list is stale too.
      const [team, bot] = key.split('.');
      if (team !== undefined && bot !== undefined) this.#invalidate(`ims|${team}.${bot}.id.*`);
    }
  }

  // ---- users

  /** A user by id, deleted ones included (Slack's users.info returns them too, and old messages mention them). */
  async userById(bot: Bot, userId: string): Promise<SlackUser | null> {
    // Beyond Slack's limits nothing can match: no lookup, and no key built from it (keys.ts).
    if (!isSlackIdShaped(userId)) return null;
    const key = keys.userById(bot.team.name, userId);
    return this.#watching(`users|${key}`, async (mark) => {
      const known = await this.#read<SlackUser>('users', key);
      if (known !== undefined) return known;
      return this.#flights.run(`users.info ${key}`, async () => {
        const response = await this.#slack.call('users.info', { user: userId }, botCallToken(bot));
        const user = response.ok ? (response.user as SlackUser) : null;
        if (user) this.#keep('users', await this.#entries.put(USER_SHAPE, scopeOf(bot), user), user);
        else this.#remember('users', key, mark.changed, response.error, bot);
        return user;
      });
    });
  }

  /** A live user by email (case-insensitive); deleted users are not returned. */
  async userByEmail(bot: Bot, email: string): Promise<SlackUser | null> {
    if (!isEmailWithinLimit(email)) return null;
    const indexKey = keys.userIdByEmail(bot.team.name, email);
    return this.#watching(`users|${indexKey}`, async (mark) => {
      const userId = await this.#read<string>('users', indexKey);
      if (userId) {
        const user = await this.#read<SlackUser>('users', keys.userById(bot.team.name, userId));
        if (user && user.profile?.email?.toLowerCase() === email.toLowerCase()) return live(user);
      }
      if (userId === null) return null;
      return this.#flights.run(`users.lookupByEmail ${indexKey}`, async () => {
        const response = await this.#slack.call('users.lookupByEmail', { email }, botCallToken(bot));
        const user = response.ok ? (response.user as SlackUser) : null;
        if (user) this.#keep('users', await this.#entries.put(USER_SHAPE, scopeOf(bot), user), user);
        else this.#remember('users', indexKey, mark.changed, response.error, bot);
        return user ? live(user) : null;
      });
    });
  }

  /** A live user by display name, else user name; a leading `@` is ignored. */
  async userByName(bot: Bot, name: string): Promise<SlackUser | null> {
    const wanted = name.startsWith('@') ? name.slice(1) : name;
    if (!isNameWithinLimit(wanted)) return null;
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
    if (!isSlackIdShaped(channelId)) return null;
    const key = keys.channelById(bot.team.name, channelId);
    return this.#watching(`channels|${key}`, async (mark) => {
      const known = await this.#read<SlackConversation>('channels', key);
      if (known !== undefined) return known;
      return this.#flights.run(`conversations.info ${key}`, async () => {
        const channel = await this.#fetchConversation(bot, channelId);
        if (channel) await this.#storeConversation(bot, channel);
        else this.#remember('channels', key, mark.changed, undefined, bot);
        return channel;
      });
    });
  }

  /** A public or private channel by name, archived ones excepted; a leading `#` is ignored. */
  async channelByName(bot: Bot, name: string): Promise<SlackConversation | null> {
    const wanted = name.startsWith('#') ? name.slice(1) : name;
    if (!isNameWithinLimit(wanted)) return null;
    const find = async (): Promise<SlackConversation | null> => {
      const channelId = await this.#read<string>('channels', keys.channelIdByName(bot.team.name, wanted));
      if (!channelId) return null;
      const channel = await this.#read<SlackConversation>('channels', keys.channelById(bot.team.name, channelId));
      return channel && channel.name === wanted && !channel.is_archived ? channel : null;
    };
    return (await find()) ?? ((await this.refreshChannels(bot)) ? find() : null);
  }

  // ---- IMs (they belong to a bot: each bot has its own IM with a user)

  async imById(bot: Bot, imId: string): Promise<SlackConversation | null> {
    if (!isSlackIdShaped(imId)) return null;
    return (await this.#read<SlackConversation>('ims', keys.imById(bot.team.name, bot.name, imId))) ?? null;
  }

  /** The bot's open IM with a user, when the directory knows one (and the user is not deleted). */
  async imByUser(bot: Bot, userId: string): Promise<SlackConversation | null> {
    if (!isSlackIdShaped(userId)) return null;
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
    if (!isSlackIdShaped(userId)) return null;
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
      return im;
    });
  }

  /** Every IM the bot has, as conversations.list returns them. */
  async ims(bot: Bot): Promise<SlackConversation[]> {
    await this.refreshIms(bot);
    const listKey = keys.imsOf(bot.team.name, bot.name);
    const cached = this.#memory.get(`ims|${listKey}`);
    if (Array.isArray(cached)) return cached;
    return this.#watching(`ims|${listKey}`, async (mark) => {
      const found: SlackConversation[] = [];
      await forEachConcurrently(await this.#store.keys('ims', listKey), this.#writeConcurrency, async (key) => {
        const im = await this.#store.get<SlackConversation>('ims', key);
        if (im) found.push(im);
      });
      found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      if (!mark.changed) this.#memory.set(`ims|${listKey}`, found);
      return found;
    });
  }

  // ---- custom emoji (a team's, as emoji.list gives them, aliases resolved)

  /** A custom emoji's image URL by name (without colons); null for a standard or unknown emoji. */
  async emojiByName(bot: Bot, name: string): Promise<string | null> {
    if (!isEmojiNameWithinLimit(name)) return null;
    const find = async (): Promise<string | null> => (await this.#read<EmojiEntry>('emoji', keys.emojiByName(bot.team.name, name)))?.url ?? null;
    return (await find()) ?? ((await this.refreshEmoji(bot)) ? find() : null);
  }

  // ---- whole-list refreshes: misses call these, at most once per interval across processes

  /** Reloads every user of the team; resolves true when this call (or one it joined) did the refresh. */
  refreshUsers(bot: Bot, options: { force?: boolean } = {}): Promise<boolean> {
    return this.#refreshForMiss('users', bot, options.force ?? false);
  }

  refreshChannels(bot: Bot, options: { force?: boolean } = {}): Promise<boolean> {
    return this.#refreshForMiss('channels', bot, options.force ?? false);
  }

  refreshIms(bot: Bot, options: { force?: boolean } = {}): Promise<boolean> {
    return this.#refreshForMiss('ims', bot, options.force ?? false);
  }

  refreshEmoji(bot: Bot, options: { force?: boolean } = {}): Promise<boolean> {
    return this.#refreshForMiss('emoji', bot, options.force ?? false);
  }

  /**
   * The watcher's refresh of one list: runs when the list is due (the last
   * refresh by any process began an interval ago) and no other process is
   * running it; logs what changed and how long it took.
   */
  refreshList(kind: ListKind, bot: Bot, options: RefreshOptions = {}): Promise<RefreshRun> {
    return this.#refresh(kind, bot, options);
  }

  // ---- updates from Slack's events

  /** A user as `user_change` / `team_join` give it: a deactivated user stops answering by email and name. */
  async updateUser(bot: Bot, user: SlackUser): Promise<boolean> {
    return (await this.#entries.put(USER_SHAPE, scopeOf(bot), user)).changed;
  }

  /**
   * Changes a channel as an event says: `change` gets what the directory holds
   * (or what conversations.info says, when `fetch` and the directory holds
   * nothing) and returns the channel to store, or null to remove it.
   */
  async updateChannel(
    bot: Bot,
    channelId: string,
    change: (current: SlackConversation | null) => SlackConversation | null,
    options: { fetch?: boolean } = {},
  ): Promise<boolean> {
    const scope = scopeOf(bot);
    const key = keys.channelById(bot.team.name, channelId);
    const stored = await this.#entries.read<SlackConversation>('channels', key);
    const current = stored?.value ?? (options.fetch ? await this.#fetchConversation(bot, channelId) : null);
    const next = change(current);
    if (next === null) return this.#entries.remove(CHANNEL_SHAPE, scope, key, stored);
    return (await this.#entries.put(CHANNEL_SHAPE, scope, next)).changed;
  }

  /** The bot's new IM (`im_created`). */
  async updateIm(bot: Bot, im: SlackConversation): Promise<boolean> {
    return (await this.#entries.put(IM_SHAPE, scopeOf(bot), { ...im, is_im: true })).changed;
  }

  /** A custom emoji added or changed; an alias is stored as what it points at, as a refresh stores it. */
  async updateEmoji(bot: Bot, name: string, value: string): Promise<boolean> {
    let url: string | undefined = value;
    if (value.startsWith('alias:')) {
      const target = await this.#store.get<EmojiEntry>('emoji', keys.emojiByName(bot.team.name, value.slice('alias:'.length)));
      url = target?.url;
    }
    if (url === undefined || url === '') return this.removeEmoji(bot, name);
    return (await this.#entries.put(EMOJI_SHAPE, scopeOf(bot), { name, url })).changed;
  }

  async removeEmoji(bot: Bot, name: string): Promise<boolean> {
    return this.#entries.remove(EMOJI_SHAPE, scopeOf(bot), keys.emojiByName(bot.team.name, name));
  }

  // ---- internals

  /**
   * A miss asks for a refresh at most once per interval per process, and waits
   * for one running elsewhere; concurrent misses share the answer.
   */
  #refreshForMiss(kind: ListKind, bot: Bot, force: boolean): Promise<boolean> {
    const claimKey = keys.refreshedAt(bot.team.name, bot.name);
    const throttleKey = `${kind} ${claimKey}`;
    return this.#flights.run(`miss ${throttleKey}`, async () => {
      const now = Date.now();
      const lastAttempt = this.#lastClaimAttempt.get(throttleKey);
      if (!force && lastAttempt !== undefined && now - lastAttempt < this.#refreshIntervalMs) {
        this.#observer?.refreshed(kind, 'skipped', 0);
        return false;
      }
      this.#lastClaimAttempt.set(throttleKey, now);
      const refresh = this.#refresh(kind, bot, { force });
      // A whole list at Slack's Tier 2 pace can take minutes, longer than any caller waits. The lookup
      // reads what is stored so far (pages are stored as they come) while the refresh goes on.
      if ((await settleWithin(refresh, this.#refreshWaitMs)) === 'timeout') {
        refresh.catch((error: unknown) => this.#logger.warn({ ...bot.logContext, kind, err: error }, 'directory refresh failed'));
        return true;
      }
      const run = await refresh;
      if (run.ran) return true;
      // Another process is loading the list: its result is as good as ours, once it is stored.
      const joined = run.running && (await this.#store.waitForRefresh(kind, claimKey, this.#refreshWaitMs));
      this.#observer?.refreshed(kind, joined ? 'joined' : 'skipped', (Date.now() - now) / 1000);
      return joined;
    });
  }

  #refresh(kind: ListKind, bot: Bot, options: RefreshOptions): Promise<RefreshRun> {
    const claimKey = keys.refreshedAt(bot.team.name, bot.name);
    return this.#flights.run(`refresh ${kind} ${claimKey}`, async () => {
      const started = Date.now();
      const claim = await this.#store.claimRefresh(kind, claimKey, options.force ? 0 : this.#refreshIntervalMs, started);
      if (!claim.claimed) return { ran: false, running: claim.running, dueAt: claim.dueAt };
      // Beats tell other processes this refresh is alive, however long Slack's pace makes it.
      const beatEveryMs = Math.max(50, Math.min(this.#refreshIntervalMs / 3, 10_000));
      const beats = setInterval(() => void claim.beat().catch(() => undefined), beatEveryMs);
      let outcome: ListRefreshOutcome;
      try {
        outcome = await loadList(kind, bot, {
          entries: this.#entries,
          store: this.#store,
          lists: this.#lists,
          pageSize: this.#pageSize,
          writeConcurrency: this.#writeConcurrency,
          sweep: options.sweep ?? false,
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        this.#observer?.refreshed(kind, 'failed', (Date.now() - started) / 1000);
        throw error;
      } finally {
        clearInterval(beats);
        // Finished, stored or not: waiters re-read what is there instead of waiting out their time limit.
        await claim.finish();
      }
      const ms = Date.now() - started;
      this.#observer?.refreshed(kind, 'refreshed', ms / 1000);
      this.#logger.info(
        { ...bot.logContext, kind, total: outcome.total, changed: outcome.changed, removed: outcome.removed, ms },
        `directory ${kind} refreshed: ${outcome.changed + outcome.removed} entries changed in ${ms} ms`,
      );
      return { ran: true, outcome, ms };
    });
  }

  async #fetchConversation(bot: Bot, channelId: string): Promise<SlackConversation | null> {
    const response = await this.#slack.call('conversations.info', { channel: channelId }, botCallToken(bot));
    if (!response.ok && response.error && !NOT_FOUND_ERRORS.has(response.error)) {
      this.#logger.warn({ ...bot.logContext, kind: 'channels', error: response.error }, 'Slack refused a directory lookup');
    }
    return response.ok ? (response.channel as SlackConversation) : null;
  }

  /** undefined: unknown here (ask Slack); null: a remembered miss; else the value. */
  async #read<T extends Cached>(kind: DirectoryKind, key: string): Promise<T | null | undefined> {
    const memoryKey = `${kind}|${key}`;
    const cached = this.#memory.get(memoryKey);
    if (cached !== undefined) {
      this.#observer?.read(kind, 'memory');
      return cached as T | null;
    }
    return this.#watching(memoryKey, async (mark) => {
      const stored = await this.#store.get<T>(kind, key);
      this.#observer?.read(kind, stored === null ? 'miss' : 'store');
      if (stored === null) return undefined;
      if (!mark.changed) this.#memory.set(memoryKey, stored);
      return stored;
    });
  }

  /**
   * Runs `work` with a mark that turns `changed` when the memory key changes
   * meanwhile: then what it found may be older than the change, and must not
   * be cached.
   */
  async #watching<T>(memoryKey: string, work: (mark: { readonly changed: boolean }) => Promise<T>): Promise<T> {
    const mark = { changed: false };
    let marks = this.#inFlight.get(memoryKey);
    if (!marks) this.#inFlight.set(memoryKey, (marks = new Set()));
    marks.add(mark);
    try {
      return await work(mark);
    } finally {
      marks.delete(mark);
      if (marks.size === 0) this.#inFlight.delete(memoryKey);
    }
  }

  #invalidate(memoryKey: string): void {
    this.#memory.delete(memoryKey);
    for (const mark of this.#inFlight.get(memoryKey) ?? []) mark.changed = true;
  }

  /** After a lookup stored an object: keep it in memory too, for the next lookup. */
  #keep(kind: DirectoryKind, written: { key: string }, value: Exclude<Cached, null>): void {
    this.#memory.set(`${kind}|${written.key}`, value);
  }

  /**
   * Keeps a miss in memory only (never in KV), so a user created a minute
   * later is found on the next TTL; not when the key changed while Slack was asked.
   */
  #remember(kind: DirectoryKind, key: string, changedMeanwhile: boolean, slackError: string | undefined, bot: Bot): void {
    if (!changedMeanwhile) this.#memory.set(`${kind}|${key}`, null);
    if (slackError && !NOT_FOUND_ERRORS.has(slackError)) {
      this.#logger.warn({ ...bot.logContext, kind, error: slackError }, 'Slack refused a directory lookup');
    }
  }

  async #storeConversation(bot: Bot, conversation: SlackConversation): Promise<void> {
    const scope = scopeOf(bot);
    if (conversation.is_im) this.#keep('ims', await this.#entries.put(IM_SHAPE, scope, conversation), conversation);
    else this.#keep('channels', await this.#entries.put(CHANNEL_SHAPE, scope, conversation), conversation);
  }
}

const NOT_FOUND_ERRORS = new Set(['user_not_found', 'users_not_found', 'channel_not_found']);

function scopeOf(bot: Bot): EntryScope {
  return { team: bot.team.name, bot: bot.name };
}

function live(user: SlackUser): SlackUser | null {
  return user.deleted ? null : user;
}
