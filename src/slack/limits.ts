/**
 * What Slack allows, as bounds on what a request may make us look up. A
 * value beyond them cannot name anything in Slack, so it is refused or
 * answered "not found" before any lookup, and never becomes a KV key or a
 * NATS subject (nats-server closes a connection whose control line, which
 * holds the subject, is over 4 KiB).
 */
export const SLACK_LIMITS = {
  /** Display names, user names and channel names: at most 80 characters. */
  nameLength: 80,
  /** An email address: at most 254 characters (RFC 5321's path limit). */
  emailLength: 254,
  /** A custom emoji's name: Slack allows up to 100 characters. */
  emojiNameLength: 100,
  /** Ids (U…, W…, C…, D…, T…) are about a dozen letters and digits; this leaves room to grow. */
  idLength: 64,
} as const;

/** Shaped like a Slack id: letters, digits (and, leniently, `-` and `_`), at most idLength. */
const ID_SHAPE = new RegExp(`^[A-Za-z0-9_-]{1,${SLACK_LIMITS.idLength}}$`);

export function isSlackIdShaped(value: string): boolean {
  return ID_SHAPE.test(value);
}

/** Counted in characters (code points), as Slack counts them; the length check first keeps a huge string cheap. */
function withinCharacters(value: string, max: number): boolean {
  if (value.length <= max) return true;
  if (value.length > max * 2) return false;
  let count = 0;
  for (const _ of value) if (++count > max) return false;
  return true;
}

export function isNameWithinLimit(name: string): boolean {
  return name.length > 0 && withinCharacters(name, SLACK_LIMITS.nameLength);
}

export function isEmailWithinLimit(email: string): boolean {
  return email.length > 0 && withinCharacters(email, SLACK_LIMITS.emailLength);
}

export function isEmojiNameWithinLimit(name: string): boolean {
  return name.length > 0 && withinCharacters(name, SLACK_LIMITS.emojiNameLength);
}
