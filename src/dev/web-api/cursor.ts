/**
 * Slack's cursor pagination: an opaque `next_cursor` that names where the
 * next page starts, and `""` on the last page.
 */
import { failure, type Answer, type Params } from './method.js';

const PREFIX = 'dXNlcjpO';

function encode(key: string): string {
  return `${PREFIX}${Buffer.from(key, 'utf8').toString('base64url')}`;
}

function decode(cursor: string): string | undefined {
  if (!cursor.startsWith(PREFIX)) return undefined;
  return Buffer.from(cursor.slice(PREFIX.length), 'base64url').toString('utf8');
}

/**
 * One page of `items` (each with a unique key) under `field`, from the
 * request's `cursor`, `limit` at a time (Slack's default and maximum for the
 * method). An unknown cursor is Slack's `invalid_cursor`.
 */
export function page<T>(items: readonly T[], keyOf: (item: T) => string, params: Params, field: string, limits: { fallback: number; max: number }): Answer {
  const limit = params.integer('limit', limits.fallback, limits.max);
  let start = 0;
  const cursor = params.string('cursor');
  if (cursor) {
    const key = decode(cursor);
    start = key === undefined ? -1 : items.findIndex((item) => keyOf(item) === key);
    if (start < 0) return failure('invalid_cursor');
  }
  const next = items[start + limit];
  return { ok: true, [field]: items.slice(start, start + limit), response_metadata: { next_cursor: next === undefined ? '' : encode(keyOf(next)) } };
}
