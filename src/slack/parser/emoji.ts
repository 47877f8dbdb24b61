import { COLON, isEmojiNameChar } from './chars.js';

/**
 * Adds the emojis in text[from, to) to `out`, as omnibot's
 * `re.findall(r":[a-z0-9_\+\-]+:", text)` finds them (plus `'` in names):
 * non-overlapping, left to right, so `:thumbsup::skin-tone-3:` gives
 * `:thumbsup:` and `:skin-tone-3:`, and `10:30:45` gives `:30:`. Keys are the
 * emoji with colons, values the name. Linear: after a failed match the scan
 * resumes where the name run ended, which holds no `:` but possibly its own.
 */
export function scanEmojis(text: string, from: number, to: number, out: Record<string, string>): void {
  let i = from;
  while (i < to) {
    if (text.charCodeAt(i) !== COLON) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < to && isEmojiNameChar(text.charCodeAt(j))) j++;
    if (j < to && j > i + 1 && text.charCodeAt(j) === COLON) {
      out[text.slice(i, j + 1)] = text.slice(i + 1, j);
      i = j + 1; // the closing colon is used up, as with findall
    } else {
      i = j; // j is a `:` (may open the next one) or a char no emoji can start with
    }
  }
}
