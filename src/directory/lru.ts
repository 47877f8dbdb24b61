interface Slot<V> {
  value: V;
  expiresAt: number;
}

/**
 * A small least-recently-used map with a time to live. A Map keeps insertion
 * order, so re-inserting on read makes the first key the least recently used.
 */
export class LruCache<V> {
  readonly #slots = new Map<string, Slot<V>>();
  readonly #max: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: { max: number; ttlMs: number; now?: () => number }) {
    if (!(options.max > 0)) throw new RangeError('LruCache max must be positive');
    this.#max = options.max;
    this.#ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#slots.size;
  }

  /** The value, or undefined when absent or expired (a stored `null` is a remembered miss). */
  get(key: string): V | undefined {
    const slot = this.#slots.get(key);
    if (!slot) return undefined;
    this.#slots.delete(key);
    if (slot.expiresAt <= this.#now()) return undefined;
    this.#slots.set(key, slot);
    return slot.value;
  }

  set(key: string, value: V): void {
    if (this.#ttlMs <= 0) return;
    this.#slots.delete(key);
    this.#slots.set(key, { value, expiresAt: this.#now() + this.#ttlMs });
    if (this.#slots.size > this.#max) {
      const oldest = this.#slots.keys().next();
      if (!oldest.done) this.#slots.delete(oldest.value);
    }
  }

  delete(key: string): void {
    this.#slots.delete(key);
  }

  clear(): void {
    this.#slots.clear();
  }
}
