import { compilePythonRegex } from '../python-regex.js';

/** A pattern compiled once, tested many times: `re.match` semantics. */
export interface StartMatcher {
  readonly source: string;
  test(subject: string): boolean;
}

/**
 * omnibot's authorization patterns are Python regular expressions applied
 * with `re.match`: the match must start at the beginning of the subject but
 * may stop anywhere before its end. Throws PythonRegexError for a pattern
 * that does not compile.
 */
export function compileStartMatcher(source: string): StartMatcher {
  const regex = compilePythonRegex(source, 'match');
  return { source, test: (subject) => regex.test(subject) };
}
