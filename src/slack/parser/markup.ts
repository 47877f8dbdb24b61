import { BAR, GT, LT, isAllWord } from './chars.js';

/**
 * One piece of Slack markup, `<…>`, that omnibot's parser knows. `raw` is
 * the markup exactly as it appears in the text (the key omnibot uses in its
 * payload maps); `start`/`end` delimit it in the text.
 */
export type MarkupToken =
  | { readonly kind: 'user'; readonly start: number; readonly end: number; readonly raw: string; readonly id: string; readonly label: string | undefined }
  | { readonly kind: 'channel'; readonly start: number; readonly end: number; readonly raw: string; readonly id: string; readonly label: string | undefined }
  | { readonly kind: 'subteam'; readonly start: number; readonly end: number; readonly raw: string; readonly id: string; readonly label: string | undefined }
  | { readonly kind: 'special'; readonly start: number; readonly end: number; readonly raw: string; readonly name: string }
  | { readonly kind: 'email'; readonly start: number; readonly end: number; readonly raw: string; readonly address: string }
  | { readonly kind: 'url'; readonly start: number; readonly end: number; readonly raw: string; readonly url: string };

/**
 * From the `<` at `lt`, the index of the first `<` or `>` after it, or
 * text.length if there is neither. The markup is closed when that index holds
 * `>`. Slack escapes `<` and `>` in message text (`&lt;`, `&gt;`), so markup
 * never nests; stopping at a `<` means a later `<` is never scanned twice
 * from different starts, which keeps every caller linear.
 */
export function markupClose(text: string, lt: number): number {
  const n = text.length;
  let j = lt + 1;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === GT || c === LT) return j;
    j++;
  }
  return n;
}

const SUBTEAM = '!subteam^';

/** `U…`/`W…` (users), `C…`/`G…` (channels), `S…` (subteams): the letter, then `\w+`. */
function isId(text: string, from: number, to: number, letters: string): boolean {
  return to - from >= 2 && letters.includes(text.charAt(from)) && isAllWord(text, from + 1, to);
}

/** The label after `|`, if any; an empty label counts as none. */
function labelOf(text: string, bar: number, gt: number): string | undefined {
  return bar < 0 || bar + 1 >= gt ? undefined : text.slice(bar + 1, gt);
}

/** The first `|` in text[from, to), or -1. */
function barIn(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === BAR) return i;
  return -1;
}

/** Classifies the markup text[lt, gt] (both brackets included), or returns undefined. */
function classify(text: string, lt: number, gt: number): MarkupToken | undefined {
  const start = lt;
  const end = gt + 1;
  const body = lt + 1;
  const bar = barIn(text, body, gt);
  const targetEnd = bar < 0 ? gt : bar;
  const first = text.charAt(body);
  if (first === '@') {
    // omnibot: <@[UW]\w+(?:\|[\w-]+)?>
    if (!isId(text, body + 1, targetEnd, 'UW')) return undefined;
    return { kind: 'user', start, end, raw: text.slice(start, end), id: text.slice(body + 1, targetEnd), label: labelOf(text, bar, gt) };
  }
  if (first === '#') {
    // omnibot: <#C\w+(?:\|[\w-]+)?>; we also take G (private channels made before 2021).
    if (!isId(text, body + 1, targetEnd, 'CG')) return undefined;
    return { kind: 'channel', start, end, raw: text.slice(start, end), id: text.slice(body + 1, targetEnd), label: labelOf(text, bar, gt) };
  }
  if (first === '!') {
    if (text.startsWith(SUBTEAM, body)) {
      // omnibot's commented-out regex: <!subteam\^S\w+(?:\|@[\w-]+)?>
      const idStart = body + SUBTEAM.length;
      if (!isId(text, idStart, targetEnd, 'S')) return undefined;
      let label = labelOf(text, bar, gt);
      if (label !== undefined && label.startsWith('@')) label = label.length > 1 ? label.slice(1) : undefined;
      return { kind: 'subteam', start, end, raw: text.slice(start, end), id: text.slice(idStart, targetEnd), label };
    }
    // omnibot: <!\w+(?:\|@[\w-]+)?>. Any label is accepted here (omnibot's regex
    // missed `<!here|here>`, which its own tests expect to parse).
    if (!isAllWord(text, body + 1, targetEnd)) return undefined;
    return { kind: 'special', start, end, raw: text.slice(start, end), name: text.slice(body + 1, targetEnd) };
  }
  if (text.startsWith('mailto:', body)) {
    // omnibot: <mailto:([^>]*)(?:\|[^>]*)?>, value = the part before the first `|`.
    return { kind: 'email', start, end, raw: text.slice(start, end), address: text.slice(body + 7, targetEnd) };
  }
  if (text.startsWith('http://', body) || text.startsWith('https://', body)) {
    // omnibot: <(http[s]?://[^>]*)(?:\|[^>]*)?>, value = the part before the first `|`.
    return { kind: 'url', start, end, raw: text.slice(start, end), url: text.slice(body, targetEnd) };
  }
  return undefined;
}

/**
 * Every piece of known markup in the text, in order, in one pass: each
 * character is looked at a bounded number of times (at most twice by the
 * scan, plus once more by `classify` when it lies inside a closed `<…>`).
 * Markup that is not known (`<foo>`, `<!date^…>`, an unclosed `<`) is left
 * out and stays plain text.
 */
export function scanMarkup(text: string): MarkupToken[] {
  const tokens: MarkupToken[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    const close = markupClose(text, lt);
    if (close >= n) break; // no `<` or `>` after this one: nothing more to find
    if (text.charCodeAt(close) === LT) {
      i = close; // unclosed; the next `<` may start markup
      continue;
    }
    const token = classify(text, lt, close);
    if (token !== undefined) tokens.push(token);
    i = close + 1;
  }
  return tokens;
}
