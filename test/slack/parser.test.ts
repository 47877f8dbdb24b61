import t from 'tap';
import {
  commandText,
  isDirected,
  isSpace,
  parseInbound,
  pyStrip,
  parseOutbound,
  type InboundContext,
  type InboundParse,
  type OutboundKind,
} from '../../src/slack/parser/index.js';
import { FakeDirectory, barrier, type FakeDirectoryData } from './fixtures/parser-directory.js';

const DATA: FakeDirectoryData = {
  users: {
    U6J3LTKSQ: 'rlane',
    UBOT: 'omnibot',
    UAL: 'al',
    UALICE: 'alice',
    UJS: 'john.smith',
    UDASH: 'mary-jane_w',
    W0ENT: 'enterprise.user',
  },
  channels: { C4VQ6NUNN: 'general', CRANDOM: 'random', CDEV: 'dev-ops.eu', GOLD: 'old-private' },
};

const CHANNEL: InboundContext = { botName: 'omnibot', botUserId: 'UBOT', channelIsIm: false };
const IM: InboundContext = { ...CHANNEL, channelIsIm: true };

const DOC_TEXT = '<@U6J3LTKSQ> hey, come join me in <#C4VQ6NUNN>, see <https://github.com/lyft/omnibot> for why';

t.test('inbound: omnibot documentation message, every payload field', async (t) => {
  const directory = new FakeDirectory(DATA);
  const parsed = await parseInbound(DOC_TEXT, CHANNEL, directory);
  t.strictSame(parsed, {
    users: { '<@U6J3LTKSQ>': 'rlane' },
    channels: { '<#C4VQ6NUNN>': 'general' },
    subteams: {},
    specials: {},
    emojis: {},
    emails: {},
    urls: { '<https://github.com/lyft/omnibot>': 'https://github.com/lyft/omnibot' },
    parsed_text: '@rlane hey, come join me in #general, see https://github.com/lyft/omnibot for why',
    // Sent by rlane in #general, not to the bot: not directed; command_text is the parsed text.
    directed: false,
    mentioned: false,
    command_text: '@rlane hey, come join me in #general, see https://github.com/lyft/omnibot for why',
  } satisfies InboundParse);
  t.same(directory.calls, { userName: ['U6J3LTKSQ'], userIdByName: [], channelName: ['C4VQ6NUNN'], channelIdByName: [] });
});

t.test('inbound: the documentation payload (labelled channel, the mention resolving to the bot)', async (t) => {
  // The docs' payload shows text with `<#C4VQ6NUNN|general>`, parsed_text starting with
  // `@omnibot` and `directed: true`: what you get when U6J3LTKSQ is the bot itself.
  const directory = new FakeDirectory({ users: { U6J3LTKSQ: 'omnibot' } });
  const text = '<@U6J3LTKSQ> hey, come join me in <#C4VQ6NUNN|general>, see <https://github.com/lyft/omnibot> for why';
  const parsed = await parseInbound(text, { botName: 'omnibot', channelIsIm: false }, directory);
  t.strictSame(parsed, {
    users: { '<@U6J3LTKSQ>': 'omnibot' },
    channels: { '<#C4VQ6NUNN|general>': 'general' },
    subteams: {},
    specials: {},
    emojis: {},
    emails: {},
    urls: { '<https://github.com/lyft/omnibot>': 'https://github.com/lyft/omnibot' },
    parsed_text: '@omnibot hey, come join me in #general, see https://github.com/lyft/omnibot for why',
    directed: true,
    mentioned: true,
    command_text: 'hey, come join me in #general, see https://github.com/lyft/omnibot for why',
  } satisfies InboundParse);
  t.equal(directory.count('channelName'), 0, 'a labelled channel is not looked up');
});

interface InboundCase {
  readonly name: string;
  readonly text: string;
  readonly context?: InboundContext;
  readonly data?: FakeDirectoryData;
  readonly expect: Partial<InboundParse>;
}

const INBOUND: InboundCase[] = [
  {
    // omnibot's tests/unit/omnibot/services/slack/message_test.py text. `<@A…>` is not a
    // user id omnibot's `[UW]` takes (its test mocked extract_users), so it stays.
    name: 'omnibot message_test text',
    text: '<@A12345678> echo I am <!here|here> in <#C123456AB|channel-channel>. See: <http://example.com> :simple_smile:',
    expect: {
      users: {},
      channels: { '<#C123456AB|channel-channel>': 'channel-channel' },
      specials: { '<!here|here>': '@here' },
      emojis: { ':simple_smile:': 'simple_smile' },
      urls: { '<http://example.com>': 'http://example.com' },
      parsed_text: '<@A12345678> echo I am @here in #channel-channel. See: http://example.com :simple_smile:',
      directed: false,
      mentioned: false,
    },
  },
  {
    name: 'omnibot parser_test: W and U ids with labels, G is not a user',
    text: '<@W024BE7LH|logan-smith> <@U024BE7LH|logan-smith> <@G024BE7LH|logan-smith>',
    expect: {
      users: { '<@W024BE7LH|logan-smith>': 'logan-smith', '<@U024BE7LH|logan-smith>': 'logan-smith' },
      parsed_text: '@logan-smith @logan-smith <@G024BE7LH|logan-smith>',
    },
  },
  {
    name: 'labels with dashes and dots',
    text: 'cc <@U9|john.smith> <@W9|mary-jane.w_2> in <#C9|dev-ops.eu> and <!subteam^S9|@on-call.eu>',
    expect: {
      users: { '<@U9|john.smith>': 'john.smith', '<@W9|mary-jane.w_2>': 'mary-jane.w_2' },
      channels: { '<#C9|dev-ops.eu>': 'dev-ops.eu' },
      subteams: { '<!subteam^S9|@on-call.eu>': 'on-call.eu' },
      parsed_text: 'cc @john.smith @mary-jane.w_2 in #dev-ops.eu and @on-call.eu',
    },
  },
  {
    name: 'directory names with dots and dashes; W ids; G channels',
    text: '<@UJS> <@UDASH> <@W0ENT> <#CDEV> <#GOLD>',
    expect: {
      users: { '<@UJS>': 'john.smith', '<@UDASH>': 'mary-jane_w', '<@W0ENT>': 'enterprise.user' },
      channels: { '<#CDEV>': 'dev-ops.eu', '<#GOLD>': 'old-private' },
      parsed_text: '@john.smith @mary-jane_w @enterprise.user #dev-ops.eu #old-private',
    },
  },
  {
    name: 'the label wins over the directory',
    text: '<@UALICE|ally>',
    expect: { users: { '<@UALICE|ally>': 'ally' }, parsed_text: '@ally' },
  },
  {
    name: 'unknown user: its id; unknown channel: left out and left as written',
    text: '<@U404> in <#C404>',
    expect: { users: { '<@U404>': 'U404' }, channels: {}, parsed_text: '@U404 in <#C404>' },
  },
  {
    name: 'subteams with and without a label',
    text: '<!subteam^S012345|@happy-peeps> <!subteam^S0STAFF|staff> <!subteam^S0NOLABEL>',
    expect: {
      subteams: {
        '<!subteam^S012345|@happy-peeps>': 'happy-peeps',
        '<!subteam^S0STAFF|staff>': 'staff',
        '<!subteam^S0NOLABEL>': 'S0NOLABEL',
      },
      specials: {},
      parsed_text: '@happy-peeps @staff @S0NOLABEL',
    },
  },
  {
    name: 'specials with and without labels',
    text: '<!here> <!channel> <!everyone> <!here|here> <!here|@here> <!channel|@channel>',
    expect: {
      specials: {
        '<!here>': '@here',
        '<!channel>': '@channel',
        '<!everyone>': '@everyone',
        '<!here|here>': '@here',
        '<!here|@here>': '@here',
        '<!channel|@channel>': '@channel',
      },
      parsed_text: '@here @channel @everyone @here @here @channel',
    },
  },
  {
    name: 'date markup and unknown markup stay as written',
    text: '<!date^1392734382^{date_short}|Feb 18> <foo> <@> <#> <!> <@U1 x>',
    expect: {
      users: {},
      channels: {},
      specials: {},
      parsed_text: '<!date^1392734382^{date_short}|Feb 18> <foo> <@> <#> <!> <@U1 x>',
    },
  },
  {
    name: 'emojis: +1, skin tones, adjacent, dashes, underscores, plus, apostrophe',
    text: ":+1: :skin-tone-2: :thumbsup::skin-tone-3: :face_with-dash: :man's_shoe: :-1:",
    expect: {
      emojis: {
        ':+1:': '+1',
        ':skin-tone-2:': 'skin-tone-2',
        ':thumbsup:': 'thumbsup',
        ':skin-tone-3:': 'skin-tone-3',
        ':face_with-dash:': 'face_with-dash',
        ":man's_shoe:": "man's_shoe",
        ':-1:': '-1',
      },
    },
  },
  {
    name: 'emojis as omnibot finds them: a repeat counts once, times match, capitals do not, markup is skipped',
    text: ':wave: :wave: at 10:30:45 :Wave: :: <https://x.com/a:b:c|see:d:> <#C1|x:y:z> <a:e:f>',
    expect: {
      emojis: { ':wave:': 'wave', ':30:': '30', ':e:': 'e' },
    },
  },
  {
    name: 'emails',
    text: 'write <mailto:a.b-c@example.com|a.b-c@example.com> or <mailto:x@y.io>',
    expect: {
      emails: { '<mailto:a.b-c@example.com|a.b-c@example.com>': 'a.b-c@example.com', '<mailto:x@y.io>': 'x@y.io' },
      urls: {},
      parsed_text: 'write a.b-c@example.com or x@y.io',
    },
  },
  {
    name: 'urls: labels give way to the url, as in omnibot',
    text: '<https://example.com/a?b=1&amp;c=2|the docs> <http://test.com> <https://x.io|x.io> <ftp://no>',
    expect: {
      urls: {
        '<https://example.com/a?b=1&amp;c=2|the docs>': 'https://example.com/a?b=1&amp;c=2',
        '<http://test.com>': 'http://test.com',
        '<https://x.io|x.io>': 'https://x.io',
      },
      parsed_text: 'https://example.com/a?b=1&amp;c=2 http://test.com https://x.io <ftp://no>',
    },
  },
  {
    name: 'an unclosed < does not hide the markup after it',
    text: 'a < b <@UALICE> c <<#CRANDOM> <@UAL',
    expect: {
      users: { '<@UALICE>': 'alice' },
      channels: { '<#CRANDOM>': 'random' },
      parsed_text: 'a < b @alice c <#random <@UAL',
    },
  },
  {
    name: 'empty text',
    text: '',
    expect: { users: {}, parsed_text: '', directed: false, mentioned: false, command_text: '' },
  },
  // directed / mentioned / command_text
  {
    name: 'IM: directed without any mention',
    text: 'deploy  now ',
    context: IM,
    expect: { directed: true, mentioned: false, command_text: 'deploy  now ' },
  },
  {
    name: 'the bot first: directed and mentioned',
    text: '<@UBOT> deploy api',
    expect: { parsed_text: '@omnibot deploy api', directed: true, mentioned: true, command_text: 'deploy api' },
  },
  {
    name: 'the bot first, a no-break space after it',
    text: '<@UBOT>\u00a0deploy',
    expect: { directed: true, mentioned: true, command_text: 'deploy' },
  },
  {
    name: 'the bot first with a colon: not directed (first word is "@omnibot:"), command ": deploy"',
    text: '<@UBOT>: deploy',
    expect: { directed: false, mentioned: true, command_text: ': deploy' },
  },
  {
    name: 'the bot by user id mid-sentence',
    text: 'hey <@UBOT> deploy please',
    expect: { parsed_text: 'hey @omnibot deploy please', directed: false, mentioned: true, command_text: 'deploy please' },
  },
  {
    name: 'the bot by user id, unknown to the directory: mentioned by id',
    text: 'hey <@UBOT> deploy',
    data: { users: {} },
    expect: { parsed_text: 'hey @UBOT deploy', directed: false, mentioned: true, command_text: 'hey @UBOT deploy' },
  },
  {
    name: 'the bot by id with another label: mentioned',
    text: 'ping <@UBOT|robot>',
    expect: { mentioned: true, directed: false },
  },
  {
    name: 'the bot by name label: mentioned',
    text: 'ping <@UOTHER|omnibot> now',
    context: { botName: 'omnibot', channelIsIm: false },
    expect: { mentioned: true, command_text: 'now' },
  },
  {
    name: 'in an IM, with the bot first',
    text: '<@UBOT> help',
    context: IM,
    expect: { directed: true, mentioned: true, command_text: 'help' },
  },
  {
    name: 'command_text: the last mention on each line, then stripped',
    text: ' a <@UBOT> b <@UBOT> c \nno mention\nx <@UBOT> y ',
    expect: { directed: false, command_text: 'c \nno mention\n y' },
  },
  {
    name: 'omnibot quirk kept: "@omnibottest" starts with "@omnibot"',
    text: '@omnibottestcommand',
    expect: { directed: false, mentioned: false, command_text: 'testcommand' },
  },
  {
    name: 'another user first: not directed, command_text unchanged',
    text: '<@UALICE> look  ',
    expect: { directed: false, mentioned: false, command_text: '@alice look  ' },
  },
];

t.test('inbound table', async (t) => {
  for (const c of INBOUND) {
    const parsed = await parseInbound(c.text, c.context ?? CHANNEL, new FakeDirectory(c.data ?? DATA));
    const picked = Object.fromEntries(Object.keys(c.expect).map((k) => [k, parsed[k as keyof InboundParse]]));
    t.strictSame(picked, c.expect, c.name);
  }
});

t.test('inbound: each distinct id is looked up once, labelled ones not at all', async (t) => {
  const directory = new FakeDirectory(DATA);
  const text = '<@UAL> <@UALICE> <@UAL> <#CRANDOM> <@UALICE|alice> <#CRANDOM> <@UAL> <#CDEV|dev> <@U404> <@U404>';
  const parsed = await parseInbound(text, CHANNEL, directory);
  t.same(directory.calls.userName.sort(), ['U404', 'UAL', 'UALICE']);
  t.same(directory.calls.channelName, ['CRANDOM']);
  t.equal(directory.totalCalls, 4);
  t.strictSame(parsed.users, { '<@UAL>': 'al', '<@UALICE>': 'alice', '<@UALICE|alice>': 'alice', '<@U404>': 'U404' });
  t.equal(parsed.parsed_text, '@al @alice @al #random @alice #random @al #dev @U404 @U404');
});

t.test('inbound: lookups run concurrently', async (t) => {
  // Five distinct ids: the gate opens only when all five lookups wait at it together.
  const directory = new FakeDirectory(DATA, barrier(5));
  const parsed = await parseInbound('<@UAL> <@UALICE> <#CRANDOM> <@UAL> <#CDEV> <@UJS> <#CRANDOM>', CHANNEL, directory);
  t.equal(directory.maxInFlight, 5);
  t.equal(directory.totalCalls, 5);
  t.equal(parsed.parsed_text, '@al @alice #random @al #dev-ops.eu @john.smith #random');
});

t.test('inbound: a failing lookup rejects the parse', async (t) => {
  const directory = new FakeDirectory(DATA);
  directory.userName = async () => {
    throw new Error('directory down');
  };
  await t.rejects(parseInbound('<@UAL>', CHANNEL, directory), { message: 'directory down' });
});

/** `unit` repeated, then padded with `x` to exactly `length` characters: [text, repeats, padding]. */
function fill(unit: string, length: number): [string, number, string] {
  const repeats = Math.floor(length / unit.length);
  const padding = 'x'.repeat(length - repeats * unit.length);
  return [unit.repeat(repeats) + padding, repeats, padding];
}

t.test('inbound: text of exactly 40,000 characters', async (t) => {
  const [text, repeats, padding] = fill('<@UALICE> see <#CRANDOM|random> :+1: <https://x.io/a|a> <!here> <mailto:a@b.c|a@b.c> ', 40_000);
  t.equal(text.length, 40_000);
  const directory = new FakeDirectory(DATA);
  const parsed = await parseInbound(text, CHANNEL, directory);
  t.equal(directory.totalCalls, 1);
  t.strictSame(parsed.users, { '<@UALICE>': 'alice' });
  t.strictSame(parsed.channels, { '<#CRANDOM|random>': 'random' });
  t.strictSame(parsed.emojis, { ':+1:': '+1' });
  t.strictSame(parsed.specials, { '<!here>': '@here' });
  t.strictSame(parsed.urls, { '<https://x.io/a|a>': 'https://x.io/a' });
  t.strictSame(parsed.emails, { '<mailto:a@b.c|a@b.c>': 'a@b.c' });
  t.equal(parsed.parsed_text, '@alice see #random :+1: https://x.io/a @here a@b.c '.repeat(repeats) + padding);
});

// ---- outbound

interface OutboundCase {
  readonly name: string;
  readonly text: string;
  readonly kinds?: OutboundKind[];
  readonly data?: FakeDirectoryData;
  readonly expect: string;
}

const ALL: OutboundKind[] = ['specials', 'channels', 'users'];

const OUTBOUND: OutboundCase[] = [
  { name: 'omnibot docs', text: 'Please do not use @here.', kinds: ['specials'], expect: 'Please do not use <!here|here>.' },
  {
    name: 'specials',
    text: '@here @channel @everyone (@here) "@channel": ok',
    kinds: ['specials'],
    expect: '<!here|here> <!channel|channel> <!everyone|everyone> (<!here|here>) "<!channel|channel>": ok',
  },
  {
    name: 'specials: whole words only, not inside addresses',
    text: 'bob@here.com @heresy @channels @here-team x.@here',
    kinds: ['specials'],
    expect: 'bob@here.com @heresy @channels @here-team x.@here',
  },
  {
    name: 'channels: at the start, after any white space, trailing punctuation',
    text: '#general is like\n#random.\tsee #dev-ops.eu, #general!',
    kinds: ['channels'],
    expect: '<#C4VQ6NUNN|general> is like\n<#CRANDOM|random>.\tsee <#CDEV|dev-ops.eu>, <#C4VQ6NUNN|general>!',
  },
  {
    name: 'channels: not after a non-space; unknown left as written',
    text: 'issue#general (#general) #nope #',
    kinds: ['channels'],
    expect: 'issue#general (#general) #nope #',
  },
  {
    name: 'users: prefixes resolve to their own user',
    text: '@al and @alice, @alice. @al',
    kinds: ['users'],
    expect: '<@UAL|al> and <@UALICE|alice>, <@UALICE|alice>. <@UAL|al>',
  },
  {
    name: 'users: names with dots, dashes and underscores; trailing dots and apostrophes end them',
    text: '@john.smith. @mary-jane_w\'s @john.smith',
    kinds: ['users'],
    expect: '<@UJS|john.smith>. <@UDASH|mary-jane_w>\'s <@UJS|john.smith>',
  },
  {
    name: 'users: unknown and not-after-space left as written',
    text: '@bob mail al@alice.com @',
    kinds: ['users'],
    expect: '@bob mail al@alice.com @',
  },
  {
    name: 'users: the markup takes the name the directory gives',
    text: 'hi @Alice',
    kinds: ['users'],
    data: { userAliases: { Alice: { id: 'UALICE', name: 'alice' } } },
    expect: 'hi <@UALICE|alice>',
  },
  {
    name: 'all kinds; specials win over a user named "here"',
    text: '@here @alice see #general',
    data: { ...DATA, users: { ...DATA.users, UHERE: 'here' } },
    expect: '<!here|here> <@UALICE|alice> see <#C4VQ6NUNN|general>',
  },
  {
    name: 'without specials, @here is a user name like any other',
    text: '@here @alice',
    kinds: ['users'],
    data: { users: { UHERE: 'here', UALICE: 'alice' } },
    expect: '<@UHERE|here> <@UALICE|alice>',
  },
  {
    name: 'only the kinds asked for',
    text: '@here @alice #general',
    kinds: ['channels'],
    expect: '@here @alice <#C4VQ6NUNN|general>',
  },
  { name: 'no kinds', text: '@here @alice #general', kinds: [], expect: '@here @alice #general' },
  {
    name: 'existing markup is copied as it is',
    text: '<!here|@here> <@UALICE|alice> <https://x.io/@alice|@alice #general> @alice',
    expect: '<!here|@here> <@UALICE|alice> <https://x.io/@alice|@alice #general> <@UALICE|alice>',
  },
  {
    name: 'an unclosed < is plain text',
    text: 'a < @alice <b @here',
    expect: 'a < <@UALICE|alice> <b <!here|here>',
  },
  { name: 'non-ASCII names', text: '@zoë #café', data: { users: { UZ: 'zoë' }, channels: { CC: 'café' } }, expect: '<@UZ|zoë> <#CC|café>' },
];

t.test('outbound table', async (t) => {
  for (const c of OUTBOUND) {
    t.equal(await parseOutbound(c.text, c.kinds ?? ALL, new FakeDirectory(c.data ?? DATA)), c.expect, c.name);
  }
});

t.test('outbound: omnibot order whatever the order of kinds', async (t) => {
  const text = '@here @alice #general @everyone';
  const expected = '<!here|here> <@UALICE|alice> <#C4VQ6NUNN|general> <!everyone|everyone>';
  const orders: OutboundKind[][] = [
    ['specials', 'channels', 'users'],
    ['users', 'channels', 'specials'],
    ['channels', 'users', 'specials', 'users'],
  ];
  for (const kinds of orders) {
    const directory = new FakeDirectory(DATA);
    t.equal(await parseOutbound(text, kinds, directory), expected, kinds.join(','));
    t.same(directory.calls.userIdByName, ['alice'], 'here/everyone are not looked up as users');
  }
});

t.test('outbound: each distinct name is looked up once', async (t) => {
  const directory = new FakeDirectory(DATA);
  const out = await parseOutbound('@al @alice @al #general @alice #general @bob @bob #nope', ALL, directory);
  t.equal(out, '<@UAL|al> <@UALICE|alice> <@UAL|al> <#C4VQ6NUNN|general> <@UALICE|alice> <#C4VQ6NUNN|general> @bob @bob #nope');
  t.same(directory.calls.userIdByName, ['al', 'alice', 'bob']);
  t.same(directory.calls.channelIdByName, ['general', 'nope']);
  t.equal(directory.totalCalls, 5);
});

t.test('outbound: lookups run concurrently', async (t) => {
  const directory = new FakeDirectory(DATA, barrier(4));
  const out = await parseOutbound('@al #general @alice @al #random', ALL, directory);
  t.equal(out, '<@UAL|al> <#C4VQ6NUNN|general> <@UALICE|alice> <@UAL|al> <#CRANDOM|random>');
  t.equal(directory.maxInFlight, 4);
});

t.test('outbound: nothing to look up, no lookups', async (t) => {
  const directory = new FakeDirectory(DATA);
  t.equal(await parseOutbound('plain text, a@b.c, x#y', ALL, directory), 'plain text, a@b.c, x#y');
  t.equal(directory.totalCalls, 0);
});

t.test('outbound: text of exactly 40,000 characters', async (t) => {
  const [text, repeats, padding] = fill('@here @alice #general, @al. ', 40_000);
  t.equal(text.length, 40_000);
  const directory = new FakeDirectory(DATA);
  const out = await parseOutbound(text, ALL, directory);
  t.equal(out, '<!here|here> <@UALICE|alice> <#C4VQ6NUNN|general>, <@UAL|al>. '.repeat(repeats) + padding);
  t.equal(directory.totalCalls, 3);
});

t.test('the barrier fake does catch lookups made one after another', async (t) => {
  const directory = new FakeDirectory(DATA, barrier(2, 50));
  const sequential = async () => {
    await directory.userName('UAL');
    await directory.userName('UALICE');
  };
  await t.rejects(sequential(), { message: 'lookups did not overlap: 1 of 2 were in flight together' });
});

t.test('white space is Python\'s str.isspace() set, as omnibot splits and strips by it', async (t) => {
  // From python3: [c for c in range(0x10000) if chr(c).isspace()]
  const python = [
    0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
    0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
  ];
  const ours: number[] = [];
  for (let c = 0; c < 0x10000; c++) if (isSpace(c)) ours.push(c);
  t.strictSame(ours, python);
  t.equal(pyStrip('\u001c\u00a0 x y\u3000\n'), 'x y');
  t.equal(pyStrip('\ufeffx'), '\ufeffx', 'U+FEFF is not white space to Python');
  t.ok(isDirected('@omnibot\u2003go', 'omnibot', false));
  t.notOk(isDirected('@my bot go', 'my bot', false), 'a name with a space is never the first word');
  t.equal(commandText('x @omnibot\r\ny', 'omnibot'), 'y', '\\r is white space, only \\n ends a line');
});
