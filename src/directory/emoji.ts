import type { EmojiEntry } from './entries.js';

const ALIAS = 'alias:';
/** Slack's aliases point at an emoji, never at another alias; a few hops allow for the odd chain, and stop a loop. */
const MAX_HOPS = 10;

/**
 * What `emoji.list` maps a name to, resolved as omnibot resolved it: an alias
 * (`alias:other`) is followed to its target's image URL; an alias whose
 * target is not a custom emoji (a standard emoji, a deleted one) resolves to
 * nothing and is left out. `lookup` gives a name's raw value.
 */
export function resolveEmoji(value: unknown, lookup: (name: string) => unknown): string | undefined {
  let current = typeof value === 'string' ? value : '';
  for (let hops = 0; current.startsWith(ALIAS); hops++) {
    if (hops === MAX_HOPS) return undefined;
    const target = lookup(current.slice(ALIAS.length));
    current = typeof target === 'string' ? target : '';
  }
  return current === '' ? undefined : current;
}

/** Every custom emoji of an `emoji.list` answer, aliases resolved; the unresolvable left out. */
export function customEmoji(raw: Record<string, unknown>): EmojiEntry[] {
  const lookup = (name: string): unknown => (Object.hasOwn(raw, name) ? raw[name] : undefined);
  const found: EmojiEntry[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const url = resolveEmoji(value, lookup);
    if (url !== undefined) found.push({ name, url });
  }
  return found;
}
