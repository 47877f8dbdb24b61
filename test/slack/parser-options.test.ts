import t from 'tap';
import { ParseOptionsError, applyOmnibotParse } from '../../src/slack/parser/index.js';
import { FakeDirectory } from './fixtures/parser-directory.js';

const DATA = { users: { UALICE: 'alice', UAL: 'al' }, channels: { CGEN: 'general' } };

t.test('applies each named kind list to its argument and drops omnibot_parse', async (t) => {
  const kwargs = {
    channel: 'C1',
    text: 'hi @alice, see #general @here',
    attachments_text: '@al on #general',
    omnibot_parse: { text: ['channels', 'users', 'specials'], attachments_text: ['channels'] },
  };
  const before = structuredClone(kwargs);
  const directory = new FakeDirectory(DATA);
  const out = await applyOmnibotParse(kwargs, directory);
  t.strictSame(out, {
    channel: 'C1',
    text: 'hi <@UALICE|alice>, see <#CGEN|general> <!here|here>',
    attachments_text: '@al on <#CGEN|general>',
  });
  t.strictSame(kwargs, before, 'the input is not changed');
  t.not(out, kwargs);
  t.same(Object.keys(out), ['channel', 'text', 'attachments_text'], 'key order kept');
});

t.test('no omnibot_parse (missing, undefined or null): a copy without it', async (t) => {
  const directory = new FakeDirectory(DATA);
  for (const kwargs of [{ text: '@alice' }, { text: '@alice', omnibot_parse: undefined }, { text: '@alice', omnibot_parse: null }]) {
    const out = await applyOmnibotParse(kwargs, directory);
    t.strictSame(out, { text: '@alice' });
    t.not(out, kwargs);
  }
  t.equal(directory.totalCalls, 0);
});

t.test('missing and non-string arguments are left alone', async (t) => {
  const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '@alice' } }];
  const out = await applyOmnibotParse(
    { blocks, count: 3, nothing: null, omnibot_parse: { blocks: ['users'], count: ['users'], nothing: ['users'], absent: ['users'], toString: ['users'] } },
    new FakeDirectory(DATA),
  );
  t.strictSame(out, { blocks, count: 3, nothing: null });
  t.equal(out.blocks, blocks, 'the same object, untouched');
  t.notOk(Object.hasOwn(out, 'absent'));
});

t.test('an empty kind list or an empty omnibot_parse changes nothing', async (t) => {
  t.strictSame(await applyOmnibotParse({ text: '@alice', omnibot_parse: { text: [] } }, new FakeDirectory(DATA)), { text: '@alice' });
  t.strictSame(await applyOmnibotParse({ text: '@alice', omnibot_parse: {} }, new FakeDirectory(DATA)), { text: '@alice' });
});

t.test('invalid shapes throw ParseOptionsError with a clear message', async (t) => {
  const cases: Array<[unknown, RegExp]> = [
    [['text'], /^omnibot_parse must be an object mapping argument names to lists of "specials", "channels", "users"; got an array$/],
    ['text', /^omnibot_parse must be an object .*; got the string "text"$/],
    [42, /^omnibot_parse must be an object .*; got a number$/],
    [true, /got a boolean$/],
    [{ text: null }, /^omnibot_parse\.text must be a list of "specials", "channels", "users"; got null$/],
    [{ text: 7 }, /^omnibot_parse\.text must be a list .*; got a number$/],
  ];
  for (const [options, message] of cases) {
    const directory = new FakeDirectory(DATA);
    const kwargs = { text: '@alice', omnibot_parse: options };
    await t.rejects(applyOmnibotParse(kwargs, directory), ParseOptionsError, JSON.stringify(options));
    await applyOmnibotParse(kwargs, directory).catch((error: unknown) => {
      t.type(error, ParseOptionsError);
      t.equal((error as Error).name, 'ParseOptionsError');
      t.match((error as Error).message, message);
    });
    t.equal(directory.totalCalls, 0, 'nothing looked up');
    t.strictSame(kwargs.omnibot_parse, options, 'input untouched');
  }
});

t.test('kinds are read as omnibot read them, so existing callers keep working', async (t) => {
  const cases: Array<[unknown, string]> = [
    [['users', 'user', 'emojis', 7], 'only the known kinds count; the rest are ignored, as omnibot ignored them'],
    ['users', 'a string counts by what it contains (Python\'s `in`)'],
    [{ users: true }, 'a mapping counts by its keys'],
  ];
  const expected = await applyOmnibotParse({ text: '@alice', omnibot_parse: { text: ['users'] } }, new FakeDirectory(DATA));
  t.not(expected.text, '@alice', 'users are parsed');
  for (const [kinds, name] of cases) {
    const out = await applyOmnibotParse({ text: '@alice', omnibot_parse: { text: kinds } }, new FakeDirectory(DATA));
    t.strictSame(out, expected, name);
  }
  const none = await applyOmnibotParse({ text: '@alice', omnibot_parse: { text: ['emojis'] } }, new FakeDirectory(DATA));
  t.strictSame(none, { text: '@alice' }, 'no known kind: nothing parsed');
});

t.test('arguments are parsed concurrently', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const directory = new FakeDirectory(DATA, () => gate);
  const pending = applyOmnibotParse({ a: '@alice', b: '#general', omnibot_parse: { a: ['users'], b: ['channels'] } }, directory);
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(directory.inFlight, 2, 'both arguments\' lookups started before either finished');
  release();
  t.strictSame(await pending, { a: '<@UALICE|alice>', b: '<#CGEN|general>' });
});
