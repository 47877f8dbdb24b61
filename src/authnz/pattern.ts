/**
 * omnibot's patterns are Python regular expressions applied with `re.match`:
 * the match must start at the beginning of the subject but may stop anywhere
 * before its end. JavaScript's syntax is close enough that we compile the source
 * with `new RegExp`, after rewriting the few Python-only constructs that JS
 * would otherwise reject (named groups) or silently read differently (`\A` and
 * `\Z` are literal letters in a JS pattern without the `u` flag).
 */

/** A pattern compiled once, tested many times: `re.match` semantics. */
export interface StartMatcher {
  readonly source: string;
  test(subject: string): boolean;
}

const NAMED_BACKREFERENCE = /^\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/;

/**
 * Rewrites Python-only syntax outside character classes: `(?P<name>` becomes
 * `(?<name>`, `(?P=name)` becomes `\k<name>`, `\A` becomes "at the start of the
 * input" and `\Z` "at the end of the input". A `]` right after a class's `[` or
 * `[^` is a literal in Python (JS would read `[]` as an empty class), so it is
 * escaped. Everything else is passed through for `new RegExp` to judge.
 */
export function translatePythonPattern(source: string): string {
  let out = '';
  let inClass = false;
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1];
      if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && next === 'Z') out += '(?![\\s\\S])';
      else out += source.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      i += 1;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i += 1;
      if (source[i] === '^') {
        out += '^';
        i += 1;
      }
      if (source[i] === ']') {
        out += '\\]';
        i += 1;
      }
      continue;
    }
    if (c === '(' && source.startsWith('(?P<', i)) {
      out += '(?<';
      i += 4;
      continue;
    }
    if (c === '(' && source.startsWith('(?P=', i)) {
      const backreference = NAMED_BACKREFERENCE.exec(source.slice(i));
      if (backreference) {
        out += `\\k<${backreference[1]}>`;
        i += backreference[0].length;
        continue;
      }
    }
    out += c;
    i += 1;
  }
  return out;
}

/**
 * Compiles a Python pattern for `re.match`-style tests. The sticky flag anchors
 * the match at index 0 without wrapping the source, so `a|b` stays "a or b at the
 * start" (a `^` prefix would anchor only the first alternative).
 * Throws the `SyntaxError` from `new RegExp` when the pattern is invalid.
 */
export function compileStartMatcher(source: string): StartMatcher {
  const regex = new RegExp(translatePythonPattern(source), 'y');
  return {
    source,
    test(subject: string): boolean {
      // A sticky regex starts at lastIndex, which a previous successful test moved.
      regex.lastIndex = 0;
      return regex.test(subject);
    },
  };
}
