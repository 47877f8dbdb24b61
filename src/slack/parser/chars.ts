/*
 * Character classes, by UTF-16 code unit, matching what omnibot's Python
 * regexes mean by them. Nothing here allocates for ASCII input.
 */

export const LT = 0x3c; // <
export const GT = 0x3e; // >
export const AT = 0x40; // @
export const HASH = 0x23; // #
export const COLON = 0x3a; // :
export const BAR = 0x7c; // |
export const DOT = 0x2e; // .

/**
 * Python's str.isspace(): what omnibot's `[\s\u00A0]` split and str.strip()
 * treat as white space (JavaScript's `\s` differs at U+001C..U+001F, U+0085
 * and U+FEFF).
 */
export function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

function isAsciiWord(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

// Sticky: tests exactly one code point at lastIndex. No quantifier, so no backtracking.
const NON_ASCII_WORD = /[\p{L}\p{N}]/uy;

/**
 * Python's `\w` (Unicode letters, digits, `_`) at `i`: the number of code
 * units the character takes (1, or 2 for a surrogate pair), or 0 if it is
 * not a word character.
 */
export function wordCharLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return isAsciiWord(c) ? 1 : 0;
  NON_ASCII_WORD.lastIndex = i;
  if (!NON_ASCII_WORD.test(text)) return 0;
  return c >= 0xd800 && c <= 0xdbff ? 2 : 1;
}

/** True when every character of text[from, to) is a word character (and there is at least one). */
export function isAllWord(text: string, from: number, to: number): boolean {
  if (from >= to) return false;
  let i = from;
  while (i < to) {
    const n = wordCharLength(text, i);
    if (n === 0) return false;
    i += n;
  }
  return i === to;
}

/**
 * A character of an emoji name: omnibot's `[a-z0-9_\+\-]`, plus `'` (Slack
 * has emoji names with apostrophes, which omnibot's class missed).
 */
export function isEmojiNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2b || c === 0x2d || c === 0x27;
}

/**
 * The end of a user or channel name written in plain text starting at
 * `from`: omnibot's `[\w\-_]+` plus `.` (Slack user names such as
 * `john.smith` hold dots), where trailing dots are not part of the name so
 * `#general.` ends a sentence. Returns `from` when there is no name.
 */
export function nameEnd(text: string, from: number): number {
  let i = from;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x2d || c === DOT) {
      i++;
      continue;
    }
    const len = wordCharLength(text, i);
    if (len === 0) break;
    i += len;
  }
  while (i > from && text.charCodeAt(i - 1) === DOT) i--;
  return i;
}

/** Python's str.strip(): white space (isSpace) off both ends. */
export function pyStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}
