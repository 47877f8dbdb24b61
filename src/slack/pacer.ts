import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { sleep } from '../sleep.js';
import { SlackClientError } from './errors.js';
import {
  DEFAULT_TIER,
  DEFAULT_TIER_BURST,
  DEFAULT_TIER_PER_MINUTE,
  SLACK_METHOD_TIERS,
  type SlackRateClass,
  type SlackTier,
} from './rate-tiers.js';
import type { SlackCallOptions, SlackClientLogger, SlackResponse, SlackWebClient } from './web-api.js';

export { DEFAULT_TIER, DEFAULT_TIER_BURST, DEFAULT_TIER_PER_MINUTE, SLACK_METHOD_TIERS } from './rate-tiers.js';
export type { SlackRateClass, SlackTier } from './rate-tiers.js';

/** What the pacer needs of the client it wraps: `SlackWebClient` fits, as does any stand-in. */
export type SlackCaller = Pick<SlackWebClient, 'call'>;

/** Told how long calls waited for their turn, and when a key is held after a refusal; for metrics. */
export interface PacerObserver {
  waited(rateClass: SlackRateClass, seconds: number): void;
  held(method: string, holdMs: number): void;
}

export interface PacedSlackClientOptions {
  /** Posts (`chat.postMessage`, `chat.meMessage`) per channel per second; 1, as Slack allows. */
  perChannelPerSecond?: number;
  /**
   * Posts to one channel that may go without waiting; 1. Slack tolerates short
   * bursts but promises neither to store nor to show them, so none by default.
   */
  perChannelBurst?: number;
  /** Requests per minute for each tier; Slack's floors by default (1, 20, 50, 100). */
  tiers?: Partial<Record<SlackTier, number>>;
  /** Calls of a tier that may go without waiting; 1, 3, 5, 10 by default. */
  tierBurst?: Partial<Record<SlackTier, number>>;
  /** Tiers for methods the built-in table lacks or has wrong; they win over it. */
  methodTiers?: Record<string, SlackRateClass>;
  /** The tier of a method found in neither table; 3. */
  defaultTier?: SlackTier;
  /** How long to hold a key after a refusal that names no Retry-After; 1000 ms, the Web API client's own default. */
  defaultHoldMs?: number;
  /** Cap on one hold, so a huge Retry-After cannot park a key for an hour; 60 000 ms, the client's own cap. */
  maxHoldMs?: number;
  /** How often keys that are idle and fully refilled are forgotten; 10 000 ms. */
  idleSweepMs?: number;
  /** Told when a key is held after a refusal (method and milliseconds: never a token). */
  logger?: Pick<SlackClientLogger, 'warn'>;
  observer?: PacerObserver;
  /** Milliseconds on a monotonic clock; `performance.now()`. For tests. */
  now?: () => number;
  /**
   * Waits `ms` (or less, when `signal` aborts; resolving or rejecting then are
   * both fine). A real timer by default. For tests.
   */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** One key's queue and bucket. */
interface Lane {
  readonly rateClass: SlackRateClass;
  readonly intervalMs: number;
  readonly burst: number;
  /**
   * The bucket, as GCRA's theoretical arrival time: a call may start once
   * `tat - (burst - 1) · interval <= now`; the bucket is full when `tat <= now`.
   */
  tat: number;
  readonly queue: Fifo<Job>;
  running: boolean;
  loop: Promise<void> | undefined;
}

interface Job {
  readonly method: string;
  /** When `call` was made, on the pacer's clock. */
  readonly queuedAt: number;
  readonly run: () => Promise<SlackResponse>;
  readonly resolve: (answer: SlackResponse) => void;
  readonly reject: (error: unknown) => void;
  /** Started, or rejected before it started: either way no longer waiting. */
  settled: boolean;
  detach: (() => void) | undefined;
}

/** Dotted segments, as the Web API client requires; anything else is passed to it to refuse. */
const METHOD_NAME = /^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)+$/;
const TIERS: readonly SlackTier[] = [1, 2, 3, 4];

/**
 * Paces Slack Web API calls before Slack has to refuse them, with the same
 * `call` as `SlackWebClient`, so it goes wherever the client would.
 *
 * Every call has a key. Posts (`'post'` in the tier table: `chat.postMessage`,
 * `chat.meMessage`) are keyed by token and `channel`, as Slack limits posting per
 * channel; every other method by token and method, as Slack limits each method
 * per app per workspace. (A bot token and a user token of one app share Slack's
 * limits but have separate keys here; the channel is keyed as written, so
 * `#general` and its id are two keys.) Each key has a token bucket and a queue:
 *
 * - First in first out: a key's calls start in the order `call` was made and
 *   none is dropped. A key has at most one call in flight, because two requests
 *   on two pooled connections can overtake each other, and a retried request
 *   would be overtaken by the next one: order at the caller would not be order
 *   at Slack.
 * - Charged when Slack answers: a call reaches Slack at some moment between its
 *   start and its answer, so it is charged at the latest one, its answer. The
 *   next call of the key then starts at least one interval after Slack saw the
 *   previous one, whatever the network did; the price is one round trip per
 *   interval when a key is busy.
 * - Refusals hold the key. The wrapped client waits out a 429's Retry-After and
 *   retries by itself; that retry is the call in flight, so the key's queue
 *   already waits behind it and nothing piles into the same wall. When the client
 *   gives up (`rate_limited` thrown after its last retry) or Slack answers
 *   `ok: false` with `ratelimited`, the key is held for the Retry-After (or
 *   `defaultHoldMs`) from that answer, with an empty bucket, so it resumes one
 *   call at a time. The caller still gets that error or answer.
 *
 * Keys that are idle and whose bucket has refilled are forgotten on a timer:
 * such a key behaves exactly as a new one, so forgetting it changes nothing, and
 * the map holds only the keys used within about one refill time.
 *
 * `close()` rejects the calls still waiting with `client_closed` (the worker
 * drains before closing, and a rejected message is delivered again) and
 * resolves once the calls in flight have answered; later calls are refused at
 * once. It does not close the wrapped client, which its owner closes.
 */
export class PacedSlackClient {
  readonly #client: SlackCaller;
  readonly #channelIntervalMs: number;
  readonly #channelBurst: number;
  readonly #tierIntervalMs: Record<SlackTier, number>;
  readonly #tierBurst: Record<SlackTier, number>;
  readonly #classes: Map<string, SlackRateClass>;
  readonly #defaultTier: SlackTier;
  readonly #defaultHoldMs: number;
  readonly #maxHoldMs: number;
  readonly #idleSweepMs: number;
  readonly #logger: Pick<SlackClientLogger, 'warn'> | undefined;
  readonly #observer: PacerObserver | undefined;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #lanes = new Map<string, Lane>();
  readonly #closer = new AbortController();
  #pending = 0;
  #sweep: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;

  constructor(client: SlackCaller, options: PacedSlackClientOptions = {}) {
    this.#client = client;
    this.#channelIntervalMs = 1000 / positive('perChannelPerSecond', options.perChannelPerSecond, 1);
    this.#channelBurst = count('perChannelBurst', options.perChannelBurst, 1);
    const perMinute = { ...DEFAULT_TIER_PER_MINUTE };
    const burst = { ...DEFAULT_TIER_BURST };
    for (const tier of TIERS) {
      perMinute[tier] = positive(`tiers[${tier}]`, options.tiers?.[tier], perMinute[tier]);
      burst[tier] = count(`tierBurst[${tier}]`, options.tierBurst?.[tier], burst[tier]);
    }
    this.#tierIntervalMs = { 1: 60_000 / perMinute[1], 2: 60_000 / perMinute[2], 3: 60_000 / perMinute[3], 4: 60_000 / perMinute[4] };
    this.#tierBurst = burst;
    this.#classes = new Map(Object.entries(SLACK_METHOD_TIERS));
    for (const [method, rateClass] of Object.entries(options.methodTiers ?? {})) {
      if (!isRateClass(rateClass)) throw new RangeError(`PacedSlackClient: methodTiers[${method}] must be 1, 2, 3, 4 or 'post'`);
      this.#classes.set(method, rateClass);
    }
    const defaultTier = options.defaultTier ?? DEFAULT_TIER;
    if (!TIERS.includes(defaultTier)) throw new RangeError('PacedSlackClient: defaultTier must be 1, 2, 3 or 4');
    this.#defaultTier = defaultTier;
    this.#defaultHoldMs = nonNegative('defaultHoldMs', options.defaultHoldMs, 1_000);
    this.#maxHoldMs = nonNegative('maxHoldMs', options.maxHoldMs, 60_000);
    this.#idleSweepMs = positive('idleSweepMs', options.idleSweepMs, 10_000);
    this.#logger = options.logger;
    this.#observer = options.observer;
    this.#now = options.now ?? (() => performance.now());
    this.#sleep = options.sleep ?? sleep;
    // Every waiting key listens for close() on this one signal.
    setMaxListeners(0, this.#closer.signal);
  }

  /** As `SlackWebClient.call`, once the call's key lets it go. */
  call<T extends SlackResponse = SlackResponse>(
    method: string,
    params: Record<string, unknown>,
    token: string,
    options: SlackCallOptions = {},
  ): Promise<T> {
    // The client refuses a malformed name without echoing it (it could be a misplaced token): no key for it.
    if (!METHOD_NAME.test(method)) return this.#client.call<T>(method, params, token, options);
    if (this.#closing) return Promise.reject(closedError(method));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortedError(method, signal.reason));

    const lane = this.#laneFor(method, params, token);
    return new Promise<T>((resolve, reject) => {
      const job: Job = {
        method,
        queuedAt: this.#now(),
        run: () => this.#client.call<T>(method, params, token, options),
        resolve: resolve as (answer: SlackResponse) => void,
        reject,
        settled: false,
        detach: undefined,
      };
      if (signal) {
        // Waiting calls leave the queue when their caller gives up; a started one is the client's to abort.
        const onAbort = (): void => {
          if (job.settled) return;
          job.settled = true;
          this.#pending -= 1;
          reject(abortedError(method, signal.reason));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        job.detach = () => signal.removeEventListener('abort', onAbort);
      }
      lane.queue.push(job);
      this.#pending += 1;
      this.#start(lane);
    });
  }

  /** How a method is paced: `'post'` per channel, else its tier per workspace. */
  rateClassOf(method: string): SlackRateClass {
    return this.#classes.get(method) ?? this.#defaultTier;
  }

  /** Keys remembered: busy ones, and idle ones whose bucket is still refilling. */
  get size(): number {
    return this.#lanes.size;
  }

  /** Calls waiting for their turn (not yet handed to the client). */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Rejects every waiting call with `client_closed`, refuses new ones, and
   * resolves when the calls in flight have answered.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closer.abort();
    if (this.#sweep) clearInterval(this.#sweep);
    this.#sweep = undefined;
    const loops: Promise<void>[] = [];
    for (const lane of this.#lanes.values()) {
      for (const job of lane.queue.drain()) {
        if (job.settled) continue;
        job.settled = true;
        this.#pending -= 1;
        job.detach?.();
        job.reject(closedError(job.method));
      }
      if (lane.running && lane.loop) loops.push(lane.loop);
    }
    this.#closing = Promise.all(loops).then(() => {
      this.#lanes.clear();
    });
    return this.#closing;
  }

  #laneFor(method: string, params: Record<string, unknown>, token: string): Lane {
    const rateClass = this.rateClassOf(method);
    const channel = params['channel'];
    // Tokens are hashed so that no key (in a heap snapshot, a debugger) holds one.
    const who = createHash('sha256').update(token).digest('base64url').slice(0, 22);
    let key: string;
    let intervalMs: number;
    let burst: number;
    if (rateClass === 'post') {
      // A post without a channel is Slack's to refuse; it still gets a key, the method's.
      key = typeof channel === 'string' && channel !== '' ? `post|${who}|${channel}` : `post-method|${who}|${method}`;
      intervalMs = this.#channelIntervalMs;
      burst = this.#channelBurst;
    } else {
      key = `method|${who}|${method}`;
      intervalMs = this.#tierIntervalMs[rateClass];
      burst = this.#tierBurst[rateClass];
    }
    let lane = this.#lanes.get(key);
    if (lane === undefined) {
      lane = { rateClass, intervalMs, burst, tat: -Infinity, queue: new Fifo(), running: false, loop: undefined };
      this.#lanes.set(key, lane);
      this.#startSweep();
    }
    return lane;
  }

  #start(lane: Lane): void {
    if (lane.running) return;
    lane.running = true;
    lane.loop = this.#drain(lane);
  }

  /** Runs a key's queue, one call at a time, each when the bucket lets it; ends when the queue is empty. */
  async #drain(lane: Lane): Promise<void> {
    try {
      for (;;) {
        if (this.#closing) return;
        const job = lane.queue.peek();
        if (job === undefined) return;
        if (job.settled) {
          lane.queue.shift();
          continue;
        }
        const waitMs = lane.tat - (lane.burst - 1) * lane.intervalMs - this.#now();
        if (waitMs > 0) {
          try {
            // Timers may fire a hair early: the loop measures again rather than trusting them.
            await this.#sleep(Math.ceil(waitMs), this.#closer.signal);
          } catch {
            // An injected sleep may reject on close(); the loop's first line handles that.
          }
          continue;
        }

        lane.queue.shift();
        job.settled = true;
        this.#pending -= 1;
        job.detach?.();
        this.#observer?.waited(lane.rateClass, Math.max(0, this.#now() - job.queuedAt) / 1000);
        let outcome: { ok: true; answer: SlackResponse } | { ok: false; error: unknown };
        try {
          outcome = { ok: true, answer: await job.run() };
        } catch (error) {
          outcome = { ok: false, error };
        }
        const answeredAt = this.#now();
        const refusedFor = outcome.ok ? (isRateLimitedAnswer(outcome.answer) ? this.#defaultHoldMs : 0) : this.#holdAfter(outcome.error);
        const holdMs = Math.min(refusedFor, this.#maxHoldMs);
        this.#charge(lane, answeredAt, holdMs);
        if (holdMs > 0) {
          this.#logger?.warn({ method: job.method, holdMs }, 'Slack rate limited a call; holding its queue');
          this.#observer?.held(job.method, holdMs);
        }
        if (outcome.ok) job.resolve(outcome.answer);
        else job.reject(outcome.error);
      }
    } finally {
      lane.running = false;
    }
  }

  /** One call, reaching Slack at `answeredAt` at the latest; a refusal also empties the bucket until `answeredAt + holdMs`. */
  #charge(lane: Lane, answeredAt: number, holdMs: number): void {
    lane.tat = Math.max(lane.tat, answeredAt) + lane.intervalMs;
    if (holdMs > 0) lane.tat = Math.max(lane.tat, answeredAt + holdMs + (lane.burst - 1) * lane.intervalMs);
  }

  #holdAfter(error: unknown): number {
    // Read by shape, not class, so that any client throwing Slack's codes is understood.
    if (typeof error !== 'object' || error === null || (error as { code?: unknown }).code !== 'rate_limited') return 0;
    const seconds = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : this.#defaultHoldMs;
  }

  #startSweep(): void {
    if (this.#sweep !== undefined || this.#closing) return;
    this.#sweep = setInterval(() => this.#forgetIdle(), this.#idleSweepMs);
    // Forgetting keys is no reason to keep a process alive.
    this.#sweep.unref();
  }

  #forgetIdle(): void {
    const now = this.#now();
    for (const [key, lane] of this.#lanes) {
      if (!lane.running && lane.queue.length === 0 && lane.tat <= now) this.#lanes.delete(key);
    }
    if (this.#lanes.size === 0 && this.#sweep !== undefined) {
      clearInterval(this.#sweep);
      this.#sweep = undefined;
    }
  }
}

/** Slack's refusal as an answer rather than a 429 (`chat.postMessage` documents `rate_limited`). */
function isRateLimitedAnswer(answer: SlackResponse): boolean {
  return answer.ok === false && (answer.error === 'ratelimited' || answer.error === 'rate_limited');
}

function closedError(method: string): SlackClientError {
  return new SlackClientError('client_closed', method, `Slack ${method}: the pacer closed before the call was sent`);
}

function abortedError(method: string, cause: unknown): SlackClientError {
  return new SlackClientError('aborted', method, `Slack ${method}: aborted by the caller while waiting for its turn`, { attempts: 0, cause });
}

/** A queue with O(1) shift, for bursts of thousands of calls on one key. */
class Fifo<T> {
  #items: T[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  peek(): T | undefined {
    return this.#items[this.#head];
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#head += 1;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  drain(): T[] {
    const items = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    return items;
  }
}

function isRateClass(value: unknown): value is SlackRateClass {
  return value === 'post' || value === 1 || value === 2 || value === 3 || value === 4;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`PacedSlackClient: ${name} must be a positive number`);
  return value;
}

function count(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`PacedSlackClient: ${name} must be a whole number of at least 1`);
  return value;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`PacedSlackClient: ${name} must be a non-negative number`);
  return value;
}
