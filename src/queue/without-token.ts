/**
 * Slack's verification token travels in every payload (`token`, at the top
 * level). It is a credential, so a stored message never carries it: every
 * subscriber of the stream would otherwise hold it. Nothing downstream needs
 * it: the worker routes by team and app id, and omnibot's callbacks never
 * received it.
 */

const TOKEN_KEY = Buffer.from('"token"');
const COMPACT_START = Buffer.from('{"token":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/**
 * An event's JSON as Slack sent it, without its token, when Slack sent it
 * the usual way: compact, `token` the first member, and `"token"` nowhere
 * else. Then it is cut out of the bytes (the rest is stored as sent, without
 * a second serialisation); the slices to concatenate are returned. Any other
 * shape: undefined, and the caller serialises the parsed payload without it.
 * (Content crafted by someone who holds the token can always carry it, in a
 * message's text if nowhere else; this removes the field Slack sends.)
 */
export function eventJsonWithoutToken(json: Buffer): Buffer[] | undefined {
  if (json.length < COMPACT_START.length || COMPACT_START.compare(json, 0, COMPACT_START.length) !== 0) return undefined;
  const end = json.indexOf(QUOTE, COMPACT_START.length);
  // No member after it, or an escape in the token: not the usual shape.
  if (end === -1 || json[end + 1] !== COMMA || json.lastIndexOf(BACKSLASH, end) >= COMPACT_START.length) return undefined;
  const rest = json.subarray(end + 2);
  // A second "token" (a duplicate key, which JSON.parse would have taken, or a nested one): not the usual shape.
  if (rest.includes(TOKEN_KEY)) return undefined;
  return [json.subarray(0, 1), rest];
}

/** A payload's top-level members but `token`. */
export function payloadWithoutToken(payload: Record<string, unknown>): Record<string, unknown> {
  if (!Object.hasOwn(payload, 'token')) return payload;
  const { token: _token, ...rest } = payload;
  return rest;
}
