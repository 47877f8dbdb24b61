import type { KV, NatsConnection } from 'nats';
import { isStreamNotFound, keptDifferences, SILENT_STREAM_LOGGER, StreamCreationError, type StreamLogger } from '../queue/stream-settings.js';

export type DirectoryKind = 'users' | 'channels' | 'ims';

const KINDS: readonly DirectoryKind[] = ['users', 'channels', 'ims'];
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

/** JSON values in one JetStream KV bucket per kind, shared by every omnibot process. */
export class DirectoryStore {
  readonly #buckets: ReadonlyMap<DirectoryKind, KV>;

  private constructor(buckets: ReadonlyMap<DirectoryKind, KV>) {
    this.#buckets = buckets;
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
    for (const kind of KINDS) {
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
    return new DirectoryStore(buckets);
  }

  #bucket(kind: DirectoryKind): KV {
    const kv = this.#buckets.get(kind);
    if (!kv) throw new Error(`directory bucket ${kind} is not open`);
    return kv;
  }

  async get<T>(kind: DirectoryKind, key: string): Promise<T | null> {
    const entry = await this.#bucket(kind).get(key);
    if (!entry || entry.operation !== 'PUT' || entry.value.length === 0) return null;
    return JSON.parse(decoder.decode(entry.value)) as T;
  }

  async put(kind: DirectoryKind, key: string, value: unknown): Promise<void> {
    await this.#bucket(kind).put(key, encoder.encode(JSON.stringify(value)));
  }

  async keys(kind: DirectoryKind, filter: string): Promise<string[]> {
    const found: string[] = [];
    for await (const key of await this.#bucket(kind).keys(filter)) found.push(key);
    return found;
  }

  /**
   * Claims the right to refresh a list for `intervalMs`: granted to exactly one
   * caller across all processes per interval, because the claim is a
   * compare-and-set on the key's revision. The winner calls `finish()` when the
   * list is stored, which is what `waitForRefresh` waits for.
   */
  async claimRefresh(kind: DirectoryKind, key: string, intervalMs: number, now = Date.now()): Promise<RefreshClaim> {
    const kv = this.#bucket(kind);
    const entry = await kv.get(key);
    const previous = entry?.operation === 'PUT' ? parseClaim(entry.value) : undefined;
    if (previous && now - previous.started < intervalMs) {
      return { claimed: false, running: previous.finished === undefined };
    }
    const value = (claim: Claim): Uint8Array => encoder.encode(JSON.stringify(claim));
    try {
      // create() only works on a key never written; a deleted key still has a revision to update.
      const revision = entry ? await kv.update(key, value({ started: now }), entry.revision) : await kv.create(key, value({ started: now }));
      return {
        claimed: true,
        finish: async () => {
          await kv.update(key, value({ started: now, finished: Date.now() }), revision);
        },
      };
    } catch (error) {
      // Another process claimed it between our read and our write.
      if (isWrongRevision(error)) return { claimed: false, running: true };
      throw error;
    }
  }

  /** Waits (bounded) until the refresh another process claimed has stored its list; true when it did. */
  async waitForRefresh(kind: DirectoryKind, key: string, timeoutMs: number, pollMs = 50): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const entry = await this.#bucket(kind).get(key);
      const claim = entry?.operation === 'PUT' ? parseClaim(entry.value) : undefined;
      if (!claim) return false;
      if (claim.finished !== undefined) return true;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    return false;
  }
}

interface Claim {
  readonly started: number;
  readonly finished?: number;
}

export type RefreshClaim = { claimed: true; finish(): Promise<void> } | { claimed: false; running: boolean };

function parseClaim(value: Uint8Array): Claim | undefined {
  try {
    const claim = JSON.parse(decoder.decode(value)) as Partial<Claim>;
    return typeof claim.started === 'number' ? { started: claim.started, ...(typeof claim.finished === 'number' ? { finished: claim.finished } : {}) } : undefined;
  } catch {
    return undefined;
  }
}

function isWrongRevision(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /wrong last sequence|key exists/i.test(text);
}
