import { KvWatchInclude, type KV, type NatsConnection } from 'nats';
import { isStreamNotFound } from '../queue/not-found.js';
import { keptDifferences, SILENT_STREAM_LOGGER, StreamCreationError, type StreamLogger } from '../queue/stream-settings.js';
import { sleep } from '../sleep.js';

export type DirectoryKind = 'users' | 'channels' | 'ims' | 'emoji';

export const DIRECTORY_KINDS: readonly DirectoryKind[] = ['users', 'channels', 'ims', 'emoji'];
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface DirectoryStoreOptions {
  /** How long an entry lives in KV without being rewritten (0: forever); the watcher's refreshes keep live entries fresh. */
  readonly entryTtlMs: number;
  readonly replicas?: number;
  /** Each bucket's size limit; -1 (the default): none. */
  readonly maxBytes?: number;
  /** Told when an existing bucket's settings differ from these (they are left as its operator set them). */
  readonly logger?: StreamLogger;
}

/** A stored value with what KV knows of it. */
export interface StoredEntry<T> {
  readonly value: T;
  /** The JSON as stored, to compare a new value with without parsing. */
  readonly bytes: Uint8Array;
  /** KV's revision: the stream sequence of the write, increasing across the bucket. */
  readonly revision: number;
  /** When it was written, by the NATS server's clock. */
  readonly createdMs: number;
}

/** What `putIfChanged` did: `renewed` is the same value written again, to outlive the bucket's TTL. */
export type PutOutcome = 'created' | 'updated' | 'renewed' | 'unchanged';

/** Stops a watch started with `watchChanges`. */
export interface StopWatching {
  stop(): void;
}

/** JSON values in one JetStream KV bucket per kind, shared by every omnibot process. */
export class DirectoryStore {
  readonly #buckets: ReadonlyMap<DirectoryKind, KV>;
  readonly #entryTtlMs: number;

  private constructor(buckets: ReadonlyMap<DirectoryKind, KV>, entryTtlMs: number) {
    this.#buckets = buckets;
    this.#entryTtlMs = entryTtlMs;
  }

  static bucketName(kind: DirectoryKind): string {
    return `omnibot_directory_${kind}`;
  }

  /**
   * Creates the buckets when missing, with these replicas, TTL and size; binds to
   * existing ones as their operator set them, with one warning for what differs.
   */
  static async open(nc: NatsConnection, options: DirectoryStoreOptions): Promise<DirectoryStore> {
    const js = nc.jetstream();
    const jsm = await nc.jetstreamManager();
    const log = options.logger ?? SILENT_STREAM_LOGGER;
    const wanted = { replicas: options.replicas ?? 1, maxAgeMs: options.entryTtlMs, maxBytes: options.maxBytes ?? -1 };
    const buckets = new Map<DirectoryKind, KV>();
    for (const kind of DIRECTORY_KINDS) {
      const bucket = DirectoryStore.bucketName(kind);
      try {
        const kept = keptDifferences((await jsm.streams.info(`KV_${bucket}`)).config, wanted);
        if (kept.length > 0) {
          log.warn({ bucket, kept }, `KV bucket ${bucket} keeps its operator's settings where they differ from omnibot-ts's: ${kept.join('; ')}`);
        }
      } catch (error) {
        if (!isStreamNotFound(error)) throw error;
      }
      // nats.js creates a missing bucket with these options and binds to an existing one unchanged.
      const kv = await js.views
        .kv(bucket, {
          history: 1,
          ttl: wanted.maxAgeMs,
          replicas: wanted.replicas,
          ...(wanted.maxBytes > 0 ? { max_bytes: wanted.maxBytes } : {}),
          description: `omnibot-ts directory: ${kind}`,
        })
        .catch((error: unknown) => {
          throw new StreamCreationError(`KV bucket ${bucket}`, wanted, error);
        });
      buckets.set(kind, kv);
    }
    return new DirectoryStore(buckets, options.entryTtlMs);
  }

  #bucket(kind: DirectoryKind): KV {
    const kv = this.#buckets.get(kind);
    if (!kv) throw new Error(`directory bucket ${kind} is not open`);
    return kv;
  }

  async get<T>(kind: DirectoryKind, key: string): Promise<T | null> {
    return (await this.getEntry<T>(kind, key))?.value ?? null;
  }

  async getEntry<T>(kind: DirectoryKind, key: string): Promise<StoredEntry<T> | null> {
    const entry = await this.#bucket(kind).get(key);
    if (!entry || entry.operation !== 'PUT' || entry.value.length === 0) return null;
    return {
      value: JSON.parse(decoder.decode(entry.value)) as T,
      bytes: entry.value,
      revision: entry.revision,
      createdMs: entry.created.getTime(),
    };
  }

  async put(kind: DirectoryKind, key: string, value: unknown): Promise<void> {
    await this.#bucket(kind).put(key, encoder.encode(JSON.stringify(value)));
  }

  /**
   * Writes only what differs from what is stored, so a refresh of an
   * unchanged workspace writes nothing (and wakes no process's watch). An
   * unchanged entry is still rewritten once it has lived half the bucket's
   * TTL, so that what Slack still lists never expires.
   */
  async putIfChanged(kind: DirectoryKind, key: string, value: unknown, known?: StoredEntry<unknown> | null): Promise<PutOutcome> {
    const bytes = encoder.encode(JSON.stringify(value));
    const stored = known === undefined ? await this.getEntry<unknown>(kind, key) : known;
    if (stored && sameBytes(stored.bytes, bytes) && (this.#entryTtlMs <= 0 || Date.now() - stored.createdMs < this.#entryTtlMs / 2)) return 'unchanged';
    await this.#bucket(kind).put(key, bytes);
    if (!stored) return 'created';
    return sameBytes(stored.bytes, bytes) ? 'renewed' : 'updated';
  }

  async delete(kind: DirectoryKind, key: string): Promise<void> {
    await this.#bucket(kind).delete(key);
  }

  /**
   * Deletes an index entry only while it still holds `value` (another object
   * may have taken the name since), with a compare-and-set on its revision.
   * True when this call deleted it.
   */
  async deleteIfHolds(kind: DirectoryKind, key: string, value: string): Promise<boolean> {
    const entry = await this.getEntry<unknown>(kind, key);
    if (!entry || entry.value !== value) return false;
    try {
      await this.#bucket(kind).delete(key, { previousSeq: entry.revision });
      return true;
    } catch (error) {
      if (isWrongRevision(error)) return false;
      throw error;
    }
  }

  /** Every key matching a filter (`a.b.*`), collected. */
  async keys(kind: DirectoryKind, filter: string): Promise<string[]> {
    const found: string[] = [];
    for await (const key of this.eachKey(kind, filter)) found.push(key);
    return found;
  }

  /** Every key matching a filter, as the server streams them. */
  async *eachKey(kind: DirectoryKind, filter: string): AsyncGenerator<string, void, undefined> {
    yield* await this.#bucket(kind).keys(filter);
  }

  /** The bucket's last revision: whatever is written from now on has a higher one. */
  async lastRevision(kind: DirectoryKind): Promise<number> {
    const status = await this.#bucket(kind).status();
    return status.streamInfo.state.last_seq;
  }

  /**
   * Calls `onChange` for every write and delete of any bucket from now on,
   * whichever process made it: what lets each process drop its in-memory
   * copy of an entry the moment another process changes it.
   */
  async watchChanges(onChange: (kind: DirectoryKind, key: string) => void): Promise<StopWatching> {
    const watches = await Promise.all(
      DIRECTORY_KINDS.map(async (kind) => {
        const watch = await this.#bucket(kind).watch({ include: KvWatchInclude.UpdatesOnly, headers_only: true });
        void (async () => {
          for await (const entry of watch) onChange(kind, entry.key);
        })().catch(() => undefined);
        return watch;
      }),
    );
    return {
      stop() {
        for (const watch of watches) watch.stop();
      },
    };
  }

  /**
   * Claims the right to refresh a list for `intervalMs`: granted to exactly one
   * caller across all processes per interval, because the claim is a
   * compare-and-set on the key's revision. While the winner works it beats
   * (`beat()`), so a refresh that outlasts the interval is not run twice; one
   * whose process died stops beating and is claimed again an interval later.
   * The winner calls `finish()` when the list is stored, which is what
   * `waitForRefresh` waits for.
   */
  async claimRefresh(kind: DirectoryKind, key: string, intervalMs: number, now = Date.now()): Promise<RefreshClaim> {
    const kv = this.#bucket(kind);
    const entry = await kv.get(key);
    const previous = entry?.operation === 'PUT' ? parseClaim(entry.value) : undefined;
    if (previous) {
      const running = previous.finished === undefined;
      const lastSign = running ? (previous.beat ?? previous.started) : previous.started;
      if (now - previous.started < intervalMs || (running && now - lastSign < intervalMs)) {
        return { claimed: false, running, dueAt: Math.max(previous.started, running ? lastSign : 0) + intervalMs };
      }
    }
    const value = (claim: Claim): Uint8Array => encoder.encode(JSON.stringify(claim));
    let revision: number;
    try {
      // create() only works on a key never written; a deleted key still has a revision to update.
      revision = entry ? await kv.update(key, value({ started: now }), entry.revision) : await kv.create(key, value({ started: now }));
    } catch (error) {
      // Another process claimed it between our read and our write.
      if (isWrongRevision(error)) return { claimed: false, running: true, dueAt: now + intervalMs };
      throw error;
    }
    // Lost to a process that claimed after our beats stopped: that one's record stands.
    const write = async (claim: Claim): Promise<void> => {
      try {
        revision = await kv.update(key, value(claim), revision);
      } catch (error) {
        if (!isWrongRevision(error)) throw error;
      }
    };
    return {
      claimed: true,
      beat: () => write({ started: now, beat: Date.now() }),
      finish: () => write({ started: now, finished: Date.now() }),
    };
  }

  /** Waits (bounded) until the refresh another process claimed has stored its list; true when it did. */
  async waitForRefresh(kind: DirectoryKind, key: string, timeoutMs: number, pollMs = 50): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const entry = await this.#bucket(kind).get(key);
      const claim = entry?.operation === 'PUT' ? parseClaim(entry.value) : undefined;
      if (!claim) return false;
      if (claim.finished !== undefined) return true;
      await sleep(pollMs);
    }
    return false;
  }
}

interface Claim {
  readonly started: number;
  readonly beat?: number;
  readonly finished?: number;
}

export type RefreshClaim =
  | { claimed: true; beat(): Promise<void>; finish(): Promise<void> }
  /** `dueAt`: when, by this process's clock, the list may be claimed again. */
  | { claimed: false; running: boolean; dueAt: number };

function parseClaim(value: Uint8Array): Claim | undefined {
  try {
    const claim = JSON.parse(decoder.decode(value)) as Partial<Claim>;
    if (typeof claim.started !== 'number') return undefined;
    return {
      started: claim.started,
      ...(typeof claim.beat === 'number' ? { beat: claim.beat } : {}),
      ...(typeof claim.finished === 'number' ? { finished: claim.finished } : {}),
    };
  } catch {
    return undefined;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

export function isWrongRevision(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /wrong last sequence|key exists/i.test(text);
}
