import t from 'tap';
import { compilePythonRegex, PythonRegexError } from '../src/python-regex.js';

const search = (pattern: string, text: string) => compilePythonRegex(pattern, 'search').test(text);
const fullmatch = (pattern: string, text: string) => compilePythonRegex(pattern, 'fullmatch').test(text);

t.test('search finds the pattern anywhere, as re.search', async (t) => {
  t.ok(search('incident', 'a big incident today'));
  t.notOk(search('^incident', 'a big incident'));
  t.ok(search('.*(@here|@channel).*', 'hello @here all'));
  t.notOk(search('(@here|@channel)', 'hello everyone'));
});

t.test('fullmatch needs the whole text, alternatives included', async (t) => {
  t.ok(fullmatch('white_check_mark|heavy_check_mark', 'heavy_check_mark'));
  t.notOk(fullmatch('white_check_mark|heavy_check_mark', 'heavy_check_mark_2'), 'not a prefix');
  t.notOk(fullmatch('white_check_mark|heavy_check_mark', 'x_white_check_mark'), 'not a suffix');
  t.ok(fullmatch('(?i)THUMBSUP', 'thumbsup'));
  t.notOk(fullmatch('a$', 'a\n'), 'fullmatch does not allow a final newline');
});

t.test('Python syntax is translated', async (t) => {
  t.ok(search('(?P<word>ab)c(?P=word)', 'xxabcab'), 'named groups and back references');
  t.notOk(search('(?P<word>ab)c(?P=word)', 'abcad'));
  t.ok(search('(?i)deploy', 'DEPLOY now'), 'leading flags');
  t.ok(search('(?s)a.b', 'a\nb'));
  t.notOk(search('a.b', 'a\nb'));
  t.ok(search('(?m)^b', 'a\nb'));
  t.notOk(search('^b', 'a\nb'));
  t.ok(search('\\Aab', 'abc'));
  t.notOk(search('(?m)\\Ab', 'a\nb'), '\\A is the start of the text even with (?m)');
  t.ok(search('bc\\Z', 'abc'));
  t.notOk(search('bc\\Z', 'abc\n'));
  t.ok(search('bc$', 'abc\n'), '$ also matches before a final newline');
  t.notOk(search('bc$', 'abc\nd'));
  t.ok(search('[]x]', 'a]'), '] first in a class is a literal');
  t.ok(search('[^]x]', ']a'));
  t.ok(search('a(?#a comment)b', 'ab'));
  t.ok(search('[$]', 'cost $5'), '$ inside a class is a literal');
});

t.test('what cannot be translated is refused with a reason, every time', async (t) => {
  t.throws(() => compilePythonRegex('(?x) a b', 'search'), PythonRegexError);
  t.throws(() => compilePythonRegex('a(?i)b', 'search'), PythonRegexError);
  t.throws(() => compilePythonRegex('(unclosed', 'search'), PythonRegexError);
  t.throws(() => compilePythonRegex('(unclosed', 'search'), PythonRegexError, 'the failure is remembered, and thrown again');
  t.throws(() => compilePythonRegex('abc\\', 'search'), PythonRegexError);
});

t.test('each pattern is compiled once', async (t) => {
  t.equal(compilePythonRegex('once', 'search'), compilePythonRegex('once', 'search'));
  t.not(compilePythonRegex('once', 'search'), compilePythonRegex('once', 'fullmatch'));
});
