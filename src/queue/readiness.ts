import type { NatsConnection } from 'nats';

/** One thing the process needs to do its job; it returns undefined when fine, else why not. */
export interface ReadinessCheck {
  /** What a 503 names when this is missing: `nats`, `stream OMNIBOT`, `consumer omnibot-worker`. */
  readonly name: string;
  run(): Promise<string | undefined> | string | undefined;
  /** The checks after a failed gate are not run (nothing answers them without NATS). */
  readonly gate?: boolean;
  /** Cheap and local: run on every probe instead of reusing a recent result. */
  readonly live?: boolean;
}

export interface ReadinessReport {
  readonly ready: boolean;
  /** `ok`, or why not, per check. */
  readonly checks: Readonly<Record<string, string>>;
  readonly missing: readonly string[];
}

interface Cached {
  at: number;
  result: string | undefined;
  pending?: Promise<string | undefined> | undefined;
}

/**
 * Answers "can this process do its job?" cheaply: a probe every second from
 * every load balancer must not become a JetStream request each. A check's
 * result is reused for `ttlMs`, concurrent probes share one run, and a run
 * that does not answer within `timeoutMs` counts as missing.
 */
export class ReadinessProbe {
  readonly #checks: readonly ReadinessCheck[];
  readonly #ttlMs: number;
  readonly #timeoutMs: number;
  readonly #cache = new Map<string, Cached>();

  constructor(checks: readonly ReadinessCheck[], options: { ttlMs?: number; timeoutMs?: number } = {}) {
    this.#checks = checks;
    this.#ttlMs = options.ttlMs ?? 2_000;
    this.#timeoutMs = options.timeoutMs ?? 1_500;
  }

  async report(now = Date.now()): Promise<ReadinessReport> {
    const checks: Record<string, string> = {};
    const missing: string[] = [];
    let blockedBy: string | undefined;
    for (const check of this.#checks) {
      const result = blockedBy ? `not checked: ${blockedBy} is missing` : await this.#run(check, now);
      checks[check.name] = result ?? 'ok';
      if (result === undefined) continue;
      missing.push(check.name);
      if (check.gate) blockedBy ??= check.name;
    }
    return { ready: missing.length === 0, checks, missing };
  }

  #run(check: ReadinessCheck, now: number): Promise<string | undefined> {
    if (check.live) return this.#bounded(check);
    const cached = this.#cache.get(check.name);
    if (cached?.pending) return cached.pending;
    if (cached && now - cached.at < this.#ttlMs) return Promise.resolve(cached.result);
    const entry: Cached = cached ?? { at: 0, result: undefined };
    const pending = this.#bounded(check).then((result) => {
      entry.at = Date.now();
      entry.result = result;
      entry.pending = undefined;
      return result;
    });
    entry.pending = pending;
    this.#cache.set(check.name, entry);
    return pending;
  }

  async #bounded(check: ReadinessCheck): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within ${this.#timeoutMs} ms`), this.#timeoutMs);
    });
    try {
      return await Promise.race([Promise.resolve().then(() => check.run()), timeout]);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Whether the connection is up now, from nats.js's status events: no request,
 * so it can be asked on every probe.
 */
export function connectionCheck(nc: NatsConnection): ReadinessCheck {
  let disconnected = false;
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') disconnected = true;
      else if (status.type === 'reconnect') disconnected = false;
    }
  })();
  return {
    name: 'nats',
    gate: true,
    live: true,
    run: () => {
      if (nc.isClosed()) return 'connection closed';
      if (nc.isDraining()) return 'connection draining';
      return disconnected ? 'disconnected; reconnecting' : undefined;
    },
  };
}
