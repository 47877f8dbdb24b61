import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { KV, NatsConnection } from 'nats';
import { isWrongRevision } from '../directory/store.js';
import { sleep } from '../sleep.js';
import { settleWithin } from '../settle-within.js';

export const LEASE_BUCKET = 'omnibot_watcher';
const LEASE_KEY = 'acting';
/** How long stopping waits on NATS: a watcher must not hold up a shutdown that NATS can't help with. */
const STOP_WAIT_MS = 1_000;

export interface LeaseLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface LeaseOptions {
  /** How long a claim lives without being renewed: then the others take over. */
  readonly ttlMs: number;
  /** The claim bucket's replicas when this process creates it (OMNIBOT_STREAM_REPLICAS); an existing one keeps its own. */
  readonly replicas?: number;
  /** Who this process is, as the logs and the claim name it. */
  readonly holder?: string;
  readonly logger: LeaseLogger;
  /** This process now holds the claim: start acting. */
  readonly onAcquired: () => void;
  /** It no longer does (taken over, or NATS unreachable for longer than the TTL): stop acting. */
  readonly onLost: () => void;
}

interface LeaseValue {
  readonly holder: string;
  readonly since: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * One claim in JetStream KV that one process at a time holds. The holder
 * renews it (a compare-and-set on its revision) four times per TTL; every
 * other process reads it as often, and when its revision has not moved for a
 * whole TTL by the reader's own clock, the holder is dead (or cut off) and
 * the reader takes it with a compare-and-set on that revision, so exactly one
 * reader wins. No clocks are compared between machines. A holder that stops
 * cleanly deletes the claim, and a successor takes it at its next read.
 *
 * A holder that cannot renew for a TTL (NATS away) stops acting, since
 * another may have taken over; one whose renewal finds another revision has
 * been taken over, and stops at once.
 */
export class Lease {
  readonly #kv: KV;
  readonly #options: LeaseOptions;
  readonly #holder: string;
  readonly #pollMs: number;
  readonly #stopper = new AbortController();
  #revision = 0;
  #held = false;
  #heldSince = 0;
  #lastRenewed = 0;
  /** The claim as this process last saw it, and since when (monotonic) its revision has not moved. */
  #observed: { revision: number; since: number; holder: string } | undefined;
  #loop: Promise<void> | undefined;

  private constructor(kv: KV, options: LeaseOptions) {
    this.#kv = kv;
    this.#options = options;
    this.#holder = options.holder ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.#pollMs = Math.max(10, Math.floor(options.ttlMs / 4));
  }

  /** Opens (or creates) the claim's bucket and starts taking part. */
  static async start(nc: NatsConnection, options: LeaseOptions): Promise<Lease> {
    const kv = await nc.jetstream().views.kv(LEASE_BUCKET, { history: 1, replicas: options.replicas ?? 1, description: 'omnibot-ts: which watcher acts' });
    const lease = new Lease(kv, options);
    lease.#loop = lease.#run();
    return lease;
  }

  get held(): boolean {
    return this.#held;
  }

  get holder(): string {
    return this.#holder;
  }

  /** Stops taking part; a holder gives the claim up, so that another takes over at once. */
  async stop(): Promise<void> {
    this.#stopper.abort();
    // A loop waiting on a NATS that is gone would hold the shutdown for the request's whole timeout.
    await settleWithin(this.#loop ?? Promise.resolve(), STOP_WAIT_MS);
    if (!this.#held) return;
    this.#lose('stopping', 'info');
    // Given up at once when NATS answers; otherwise the claim expires by itself after its TTL.
    await settleWithin(this.#kv.delete(LEASE_KEY, { previousSeq: this.#revision }), STOP_WAIT_MS);
  }

  async #run(): Promise<void> {
    while (!this.#stopper.signal.aborted) {
      try {
        if (this.#held) await this.#renew();
        else await this.#tryToTake();
      } catch (error) {
        if (this.#held && isWrongRevision(error)) this.#lose('another watcher took the claim over');
        else if (this.#held && performance.now() - this.#lastRenewed >= this.#options.ttlMs) this.#lose('could not renew the claim in time');
        else if (!isWrongRevision(error)) this.#options.logger.warn({ err: error }, 'watcher claim: NATS did not answer; trying again');
      }
      await sleep(this.#pollMs, this.#stopper.signal);
    }
  }

  async #renew(): Promise<void> {
    this.#revision = await this.#kv.update(LEASE_KEY, this.#value(), this.#revision);
    this.#lastRenewed = performance.now();
  }

  async #tryToTake(): Promise<void> {
    const entry = await this.#kv.get(LEASE_KEY);
    const now = performance.now();
    if (!entry || entry.operation !== 'PUT') {
      // Never held, or given up by a holder that stopped: take it now.
      this.#take(await this.#kv.create(LEASE_KEY, this.#value()), now);
      return;
    }
    const observed = this.#observed;
    if (observed === undefined || observed.revision !== entry.revision) {
      const holder = parseHolder(entry.value);
      if (observed?.holder !== holder) this.#options.logger.info({ holder, this_process: this.#holder }, 'watcher standing by: another process acts');
      this.#observed = { revision: entry.revision, since: now, holder };
      return;
    }
    if (now - observed.since < this.#options.ttlMs) return;
    this.#options.logger.warn({ holder: observed.holder, silent_ms: Math.round(now - observed.since) }, 'the acting watcher stopped renewing its claim; taking over');
    this.#take(await this.#kv.update(LEASE_KEY, this.#value(), entry.revision), now);
  }

  #take(revision: number, now: number): void {
    this.#revision = revision;
    this.#lastRenewed = now;
    this.#held = true;
    this.#heldSince = Date.now();
    this.#observed = undefined;
    this.#options.logger.info({ holder: this.#holder }, 'watcher acting: this process holds the claim');
    this.#options.onAcquired();
  }

  #lose(reason: string, level: 'info' | 'warn' = 'warn'): void {
    this.#held = false;
    this.#options.logger[level]({ holder: this.#holder, reason }, 'watcher no longer acting');
    this.#options.onLost();
  }

  #value(): Uint8Array {
    const value: LeaseValue = { holder: this.#holder, since: this.#held ? this.#heldSince : Date.now() };
    return encoder.encode(JSON.stringify(value));
  }
}

function parseHolder(value: Uint8Array): string {
  try {
    const parsed = JSON.parse(decoder.decode(value)) as Partial<LeaseValue>;
    return typeof parsed.holder === 'string' ? parsed.holder : 'unknown';
  } catch {
    return 'unknown';
  }
}
