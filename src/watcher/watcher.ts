import type { NatsConnection } from 'nats';
import type { Bot } from '../config/registry.js';
import { LIST_KINDS, type Directory, type ListKind } from '../directory/directory.js';
import { applyQueuedEvent } from './apply-event.js';
import { DirectoryEventConsumer, type EventConsumerOptions } from './events.js';
import { Lease } from './lease.js';
import { settleWithin } from '../settle-within.js';
import { sleep } from '../sleep.js';

/** How long stopping waits for a refresh in progress to see that it should stop. */
const REFRESH_STOP_WAIT_MS = 1_000;

export interface WatcherLogger {
  debug(object: object, message: string): void;
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface WatcherOptions {
  readonly nc: NatsConnection;
  readonly directory: Pick<Directory, 'refreshList' | 'updateUser' | 'updateChannel' | 'updateIm' | 'updateEmoji' | 'removeEmoji'>;
  /** The bots whose lists are refreshed: each team's primary bot. */
  readonly targets: readonly Bot[];
  /** Finds the bot an event was queued for, by its subject's names. */
  readonly findBot: (teamName: string, botName: string) => Bot | undefined;
  /** `list_provider_update_frequency`: each list is refreshed once per period, and a dead watcher is replaced within one. */
  readonly periodMs: number;
  readonly logger: WatcherLogger;
  /** How this process is named in the claim and the logs. */
  readonly holder?: string;
  /** Replicas of the claim's bucket when this process creates it. */
  readonly replicas?: number;
  readonly events?: EventConsumerOptions;
}

/** The claim's TTL: a third of the period, so that a successor takes over (TTL + one read) well within a period. */
export function leaseTtlMs(periodMs: number): number {
  return Math.min(30_000, Math.max(100, Math.floor(periodMs / 3)));
}

/**
 * The watcher role. Every watcher process takes part in one claim (`Lease`);
 * the one that holds it acts: it refreshes each primary bot's users,
 * channels, IMs and custom emoji once per period (each list on its own
 * schedule, which it shares with every other process through the refresh
 * claims in KV, so a successor keeps the same schedule), and applies Slack's
 * events to the directory as they arrive. The others wait.
 */
export class Watcher {
  readonly #options: WatcherOptions;
  #lease: Lease | undefined;
  #acting: Acting | undefined;
  /** Acquiring and losing follow each other: a loss waits for the acting part to have started. */
  #transitions: Promise<void> = Promise.resolve();

  private constructor(options: WatcherOptions) {
    this.#options = options;
  }

  static async start(options: WatcherOptions): Promise<Watcher> {
    const watcher = new Watcher(options);
    watcher.#lease = await Lease.start(options.nc, {
      ttlMs: leaseTtlMs(options.periodMs),
      ...(options.holder ? { holder: options.holder } : {}),
      ...(options.replicas ? { replicas: options.replicas } : {}),
      logger: options.logger,
      onAcquired: () => watcher.#transition(() => watcher.#startActing()),
      onLost: () => watcher.#transition(() => watcher.#stopActing()),
    });
    return watcher;
  }

  /** Whether this process holds the claim (and acts). */
  get acting(): boolean {
    return this.#lease?.held ?? false;
  }

  /**
   * Stops acting (refreshes are aborted between pages; the event being
   * applied finishes), then gives the claim up, so that a successor never
   * overlaps with this process.
   */
  async stop(): Promise<void> {
    await this.#transition(() => this.#stopActing());
    await this.#lease?.stop();
    // Whatever the lease did meanwhile, this process acts no more.
    await this.#transition(() => this.#stopActing());
  }

  #transition(step: () => Promise<void>): Promise<void> {
    this.#transitions = this.#transitions.then(step).catch((error: unknown) => {
      this.#options.logger.error({ err: error }, 'watcher could not change state');
    });
    return this.#transitions;
  }

  async #startActing(): Promise<void> {
    if (this.#acting) return;
    this.#acting = new Acting(this.#options);
    this.#acting.start();
  }

  async #stopActing(): Promise<void> {
    const acting = this.#acting;
    this.#acting = undefined;
    await acting?.stop();
  }
}

/** What the holder of the claim does, until it loses it. */
class Acting {
  readonly #options: WatcherOptions;
  readonly #abort = new AbortController();
  readonly #loops: Promise<void>[] = [];
  #events: DirectoryEventConsumer | undefined;

  constructor(options: WatcherOptions) {
    this.#options = options;
  }

  /** Starts one loop per primary bot and list, and the event consumer; returns at once. */
  start(): void {
    const options = this.#options;
    if (options.targets.length === 0) options.logger.warn({}, 'no primary_bot can refresh any team: the watcher applies events only');
    for (const bot of options.targets) {
      for (const kind of LIST_KINDS) this.#loops.push(this.#refreshLoop(bot, kind));
    }
    this.#loops.push(this.#consumeEvents());
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#events?.stop();
    // A refresh sees the abort between pages; one waiting on Slack's pace or on its retries is not
    // waited for: it ends by itself, and what it already stored is as good as a finished page.
    await settleWithin(Promise.all(this.#loops), REFRESH_STOP_WAIT_MS);
    // Started while stopping: stopped now.
    await this.#events?.stop();
  }

  /** Starts the event consumer, trying again while NATS can't create it. */
  async #consumeEvents(): Promise<void> {
    const { nc, directory, findBot, logger, events } = this.#options;
    const signal = this.#abort.signal;
    const handle = async (subject: string, data: Uint8Array): Promise<void> => {
      const applied = await applyQueuedEvent(directory, findBot, subject, data);
      if (applied) logger.debug({ subject, event_type: applied.type, changed: applied.changed }, 'directory updated from an event');
    };
    while (!signal.aborted && !this.#events) {
      try {
        this.#events = await DirectoryEventConsumer.start(nc, handle, logger, events);
      } catch (error) {
        logger.warn({ err: error }, 'could not start the directory event consumer; trying again');
        await sleep(1_000, signal);
      }
    }
  }

  /** One list of one bot: refreshed whenever due, by whichever process acts. */
  async #refreshLoop(bot: Bot, kind: ListKind): Promise<void> {
    const { directory, periodMs, logger } = this.#options;
    const signal = this.#abort.signal;
    // Between checks: at least a tenth of the period (at most a second), at most a period.
    const floorMs = Math.min(1_000, Math.max(10, periodMs / 10));
    while (!signal.aborted) {
      let waitMs = periodMs;
      try {
        const run = await directory.refreshList(kind, bot, { sweep: true, signal });
        waitMs = run.ran ? periodMs - run.ms : run.dueAt - Date.now();
      } catch (error) {
        if (signal.aborted) return;
        logger.error({ ...bot.logContext, kind, err: error }, `directory ${kind} refresh failed; it is tried again next period`);
      }
      await sleep(Math.min(periodMs, Math.max(floorMs, waitMs)), signal);
    }
  }
}
