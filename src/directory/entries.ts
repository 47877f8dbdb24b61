import { forEachConcurrently } from './concurrently.js';
import { directoryKeys as keys } from './keys.js';
import type { DirectoryKind, DirectoryStore, PutOutcome, StoredEntry } from './store.js';
import { userDisplayName, type SlackConversation, type SlackUser } from './types.js';

/** Whose entries: users, channels and emoji belong to a team; IMs to a team's bot. */
export interface EntryScope {
  readonly team: string;
  readonly bot: string;
}

/** How one kind of Slack object is keyed: the object under its id, and indexes (email, name, user) that hold the id. */
export interface Shape<T> {
  readonly kind: DirectoryKind;
  key(scope: EntryScope, item: T): string;
  /** The index keys that should point at this object; none for what must not answer lookups (deleted, archived). */
  indexes(scope: EntryScope, item: T): string[];
}

export const USER_SHAPE: Shape<SlackUser> = {
  kind: 'users',
  key: (scope, user) => keys.userById(scope.team, user.id),
  indexes(scope, user) {
    if (user.deleted) return [];
    const found: string[] = [];
    const email = user.profile?.email;
    if (email) found.push(keys.userIdByEmail(scope.team, email));
    const name = userDisplayName(user);
    if (name) found.push(keys.userIdByName(scope.team, name));
    return found;
  },
};

export const CHANNEL_SHAPE: Shape<SlackConversation> = {
  kind: 'channels',
  key: (scope, channel) => keys.channelById(scope.team, channel.id),
  indexes: (scope, channel) => (channel.is_archived || !channel.name ? [] : [keys.channelIdByName(scope.team, channel.name)]),
};

export const IM_SHAPE: Shape<SlackConversation> = {
  kind: 'ims',
  key: (scope, im) => keys.imById(scope.team, scope.bot, im.id),
  indexes: (scope, im) => (im.user ? [keys.imIdByUser(scope.team, scope.bot, im.user)] : []),
};

/** A custom emoji: its name and what it shows (an image URL, aliases resolved). */
export interface EmojiEntry {
  readonly name: string;
  readonly url: string;
}

export const EMOJI_SHAPE: Shape<EmojiEntry> = {
  kind: 'emoji',
  key: (scope, emoji) => keys.emojiByName(scope.team, emoji.name),
  indexes: () => [],
};

/** What one write did: `changed` when the object is new or differs from what was stored. */
export interface WriteResult {
  readonly key: string;
  readonly changed: boolean;
}

/**
 * Writes Slack objects into the directory with their indexes kept true: an
 * index the object no longer has (an old email or name, a deactivated user,
 * an archived channel) is deleted when it still points at the object, so a
 * rename answers by the new name at once and no longer by the old. Every key
 * written or deleted is reported to `onChange`, so the writing process drops
 * its in-memory copy at once.
 */
export class DirectoryEntries {
  readonly #store: DirectoryStore;
  readonly #onChange: (kind: DirectoryKind, key: string) => void;

  constructor(store: DirectoryStore, onChange: (kind: DirectoryKind, key: string) => void) {
    this.#store = store;
    this.#onChange = onChange;
  }

  /** Stores an object, and its indexes when it changed (or was renewed before its TTL). */
  async put<T>(shape: Shape<T>, scope: EntryScope, item: T): Promise<WriteResult> {
    const key = shape.key(scope, item);
    const stored = await this.#store.getEntry<T>(shape.kind, key);
    const outcome: PutOutcome = await this.#store.putIfChanged(shape.kind, key, item, stored);
    if (outcome === 'unchanged') return { key, changed: false };
    this.#onChange(shape.kind, key);
    const target = targetOf(item);
    const wanted = shape.indexes(scope, item);
    const before = stored ? shape.indexes(scope, stored.value) : [];
    await this.#dropIndexes(shape.kind, before.filter((index) => !wanted.includes(index)), target);
    // The object changed (or is renewed): its indexes are written with it, without reading them first.
    await forEachConcurrently(wanted, wanted.length, async (index) => {
      await this.#store.put(shape.kind, index, target);
      this.#onChange(shape.kind, index);
    });
    return { key, changed: outcome !== 'renewed' };
  }

  /** Removes an object and the indexes that still point at it. False when there was nothing to remove. */
  async remove<T>(shape: Shape<T>, scope: EntryScope, key: string, stored?: StoredEntry<T> | null): Promise<boolean> {
    const entry = stored === undefined ? await this.#store.getEntry<T>(shape.kind, key) : stored;
    if (!entry) return false;
    await this.#dropIndexes(shape.kind, shape.indexes(scope, entry.value), targetOf(entry.value));
    await this.#store.delete(shape.kind, key);
    this.#onChange(shape.kind, key);
    return true;
  }

  /** The stored object under a key, with its revision. */
  read<T>(kind: DirectoryKind, key: string): Promise<StoredEntry<T> | null> {
    return this.#store.getEntry<T>(kind, key);
  }

  async #dropIndexes(kind: DirectoryKind, indexes: readonly string[], target: string): Promise<void> {
    for (const index of indexes) {
      if (await this.#store.deleteIfHolds(kind, index, target)) this.#onChange(kind, index);
    }
  }
}

/** What an index holds: the object's id. */
function targetOf(item: unknown): string {
  const id = (item as { id?: unknown }).id;
  return typeof id === 'string' ? id : '';
}
