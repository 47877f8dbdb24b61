/**
 * omnibot's configuration holds Python regular expressions: authorization
 * paths and subjects (`re.match`), message handlers (`re.search`) and
 * reaction handlers (`re.fullmatch`). JavaScript's syntax is close but
 * not the same; this translates the differences that matter for the patterns
 * people write, and refuses (with a reason) what it can't translate:
 *
 * - `(?P<name>…)` and `(?P=name)` become `(?<name>…)` and `\k<name>`;
 * - leading global flags `(?i)`, `(?m)`, `(?s)` (and the no-op `(?a)`, `(?u)`)
 *   become RegExp flags; `(?x)`, `(?L)` and flags elsewhere are refused;
 * - `\A` and `\Z` become "start of text" and "end of text";
 * - `$` without `(?m)` also matches before a final newline, as in Python;
 * - `]` first in a character class is a literal, as in Python;
 * - `(?#…)` comments are dropped.
 *
 * Left as they are: `\w`, `\d`, `\s` and `\b` are ASCII in JavaScript (Python
 * 3 matches Unicode word characters and digits too); possessive quantifiers
 * and atomic groups (Python 3.11) do not compile.
 */

export class PythonRegexError extends Error {
  override readonly name = 'PythonRegexError';
}

export type RegexMode = 'match' | 'search' | 'fullmatch';

const START_OF_TEXT = '(?<![\\s\\S])';
const END_OF_TEXT = '(?![\\s\\S])';

/** A Python pattern as a JavaScript source and flags; throws PythonRegexError for what can't be translated. */
export function translatePythonRegex(pattern: string): { source: string; flags: string } {
  let at = 0;
  const flags = new Set<string>();
  const leading = /^\(\?([aiLmsux]+)\)/.exec(pattern);
  if (leading?.[1]) {
    for (const flag of leading[1]) {
      if (flag === 'i' || flag === 'm' || flag === 's') flags.add(flag);
      else if (flag !== 'a' && flag !== 'u') throw new PythonRegexError(`the (?${flag}) flag is not supported`);
    }
    at = leading[0].length;
  }
  const multiline = flags.has('m');
  let out = '';
  let inClass = false;
  while (at < pattern.length) {
    const c = pattern[at] as string;
    if (c === '\\') {
      const next = pattern[at + 1];
      if (next === undefined) throw new PythonRegexError('the pattern ends with a lone backslash');
      if (!inClass && next === 'A') out += START_OF_TEXT;
      else if (!inClass && next === 'Z') out += END_OF_TEXT;
      else out += c + next;
      at += 2;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      at += 1;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      at += 1;
      if (pattern[at] === '^') {
        out += '^';
        at += 1;
      }
      // Python reads a `]` right after `[` or `[^` as a literal; JavaScript as an empty class.
      if (pattern[at] === ']') {
        out += '\\]';
        at += 1;
      }
      continue;
    }
    if (c === '$') {
      out += multiline ? '$' : `(?=\\n?${END_OF_TEXT})`;
      at += 1;
      continue;
    }
    if (c === '(' && pattern[at + 1] === '?') {
      const rest = pattern.slice(at + 2);
      if (rest.startsWith('P<')) {
        out += '(?<';
        at += 4;
        continue;
      }
      const backReference = /^P=(\w+)\)/.exec(rest);
      if (backReference) {
        out += `\\k<${backReference[1]}>`;
        at += 2 + backReference[0].length;
        continue;
      }
      if (rest.startsWith('#')) {
        const end = pattern.indexOf(')', at);
        if (end < 0) throw new PythonRegexError('a (?# comment is not closed');
        at = end + 1;
        continue;
      }
      if (/^[aiLmsux]+[):]/.test(rest)) throw new PythonRegexError('inline flags are only supported at the start of the pattern');
    }
    out += c;
    at += 1;
  }
  return { source: out, flags: [...flags].join('') };
}

const compiled = new Map<string, RegExp | PythonRegexError>();

/**
 * A Python pattern as a RegExp whose `test(text)` answers Python's
 * `re.match(pattern, text)` (mode match: at the start, not necessarily to the
 * end), `re.search` (mode search) or `re.fullmatch` (mode fullmatch).
 * Each pattern is compiled once per process; a pattern that can't be compiled
 * throws PythonRegexError each time it is asked for.
 */
export function compilePythonRegex(pattern: string, mode: RegexMode): RegExp {
  const key = `${mode}\u0000${pattern}`;
  let found = compiled.get(key);
  if (!found) {
    try {
      const { source, flags } = translatePythonRegex(pattern);
      // Anchored by lookarounds rather than `^` or the sticky flag: `a|b` stays one alternation,
      // and the RegExp keeps no lastIndex state between tests.
      const wrapped =
        mode === 'fullmatch' ? `${START_OF_TEXT}(?:${source})${END_OF_TEXT}` : mode === 'match' ? `${START_OF_TEXT}(?:${source})` : source;
      found = new RegExp(wrapped, flags);
    } catch (error) {
      found = error instanceof PythonRegexError ? error : new PythonRegexError((error as Error).message);
    }
    compiled.set(key, found);
  }
  if (found instanceof PythonRegexError) throw found;
  return found;
}
