import { forEachConcurrently } from './concurrently.js';
import type { DirectoryEntries, EntryScope, Shape } from './entries.js';
import type { DirectoryStore } from './store.js';

/** What one refresh of a list did. */
export interface ListRefreshOutcome {
  /** Objects Slack listed. */
  readonly total: number;
  /** Of those, the ones that were new or differed from what was stored. */
  readonly changed: number;
  /** Stored objects Slack no longer lists, removed (a sweep only). */
  readonly removed: number;
}

export interface ListSpec<T> {
  readonly shape: Shape<T>;
  readonly scope: EntryScope;
  /** Slack's list, a page at a time. */
  readonly pages: AsyncIterable<readonly T[]>;
  /**
   * Sweep: after the whole list was stored, remove what the bucket holds under
   * this key filter that the list did not have. Absent: nothing is removed
   * (a refresh by a bot that sees less than the primary bot must not remove
   * what the primary bot sees).
   */
  readonly sweep?: {
    readonly filter: string;
    /** Whether a stored object missing from the list is gone, or merely out of this bot's sight. */
    readonly gone?: (stored: T) => boolean;
  };
  /** Writes in flight at once. */
  readonly writeConcurrency: number;
}

/**
 * Stores a Slack list page by page, so memory holds one page (and, for a
 * sweep, the keys seen: a few dozen bytes per object), never the list. Each
 * object is compared with what KV holds and written only when it changed.
 *
 * The sweep walks the bucket's keys once the list is complete (a failed page
 * throws before it, so a partial list removes nothing). An object written
 * after the refresh began (by an event, or a lookup) has a higher revision
 * than the bucket had then, and is newer than the list: it is kept.
 */
export async function refreshList<T>(entries: DirectoryEntries, store: DirectoryStore, spec: ListSpec<T>): Promise<ListRefreshOutcome> {
  const { shape, scope, sweep } = spec;
  const sweepBefore = sweep ? await store.lastRevision(shape.kind) : 0;
  const seen = sweep ? new Set<string>() : undefined;
  let total = 0;
  let changed = 0;
  for await (const page of spec.pages) {
    await forEachConcurrently(page, spec.writeConcurrency, async (item) => {
      const result = await entries.put(shape, scope, item);
      seen?.add(result.key);
      if (result.changed) changed += 1;
    });
    total += page.length;
  }
  let removed = 0;
  if (sweep && seen) {
    const stale: string[] = [];
    for await (const key of store.eachKey(shape.kind, sweep.filter)) {
      if (!seen.has(key)) stale.push(key);
    }
    seen.clear();
    await forEachConcurrently(stale, spec.writeConcurrency, async (key) => {
      const stored = await entries.read<T>(shape.kind, key);
      if (!stored || stored.revision > sweepBefore) return;
      if (sweep.gone && !sweep.gone(stored.value)) return;
      if (await entries.remove(shape, scope, key, stored)) removed += 1;
    });
  }
  return { total, changed, removed };
}
