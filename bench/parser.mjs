// Parser throughput, from the built code: `npx tsc -p tsconfig.build.json && node bench/parser.mjs`.
// Prints one JSON object: operations per second for a typical message and for a
// 40,000-character one, inbound (Slack markup -> payload fields) and outbound
// (plain -> markup), against an in-memory directory. Takes ~10 s.
import { parseInbound, parseOutbound } from '../dist/slack/parser/index.js';

const USERS = new Map([
  ['U6J3LTKSQ', 'rlane'],
  ['UBOT', 'omnibot'],
  ['UALICE', 'alice'],
  ['UAL', 'al'],
]);
const CHANNELS = new Map([
  ['C4VQ6NUNN', 'general'],
  ['CRANDOM', 'random'],
]);
const byName = (map) => new Map([...map].map(([id, name]) => [name, { id, name }]));
const USERS_BY_NAME = byName(USERS);
const CHANNELS_BY_NAME = byName(CHANNELS);

/** In memory, like a warm directory cache. */
const directory = {
  userName: async (id) => USERS.get(id) ?? null,
  userIdByName: async (name) => USERS_BY_NAME.get(name) ?? null,
  channelName: async (id) => CHANNELS.get(id) ?? null,
  channelIdByName: async (name) => CHANNELS_BY_NAME.get(name) ?? null,
};

const CONTEXT = { botName: 'omnibot', botUserId: 'UBOT', channelIsIm: false };
const KINDS = ['specials', 'channels', 'users'];

const TYPICAL_IN =
  '<@UBOT> deploy api to prod, cc <@U6J3LTKSQ> <@UALICE|alice> in <#C4VQ6NUNN> :rocket: :+1::skin-tone-2: ' +
  'see <https://github.com/lyft/omnibot|omnibot> or mail <mailto:ops@example.com|ops@example.com> <!here>';
const TYPICAL_OUT = 'Deployed api to prod @here, thanks @alice and @al! Details in #general and #random.';
const fill = (unit) => unit.repeat(Math.ceil(40_000 / unit.length)).slice(0, 40_000);
const LARGE_IN = fill(`${TYPICAL_IN} `);
const LARGE_OUT = fill(`${TYPICAL_OUT} `);

/** Runs `fn` for about `ms` milliseconds after a warm-up; returns operations per second. */
async function opsPerSecond(fn, ms) {
  const warmUntil = performance.now() + ms / 4;
  while (performance.now() < warmUntil) await fn();
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 10; i++) await fn();
    ops += 10;
    elapsed = performance.now() - start;
  }
  return Math.round((ops / elapsed) * 1000);
}

const MS = 2000;
const result = {
  benchmark: 'slack parser',
  node: process.version,
  timestamp: new Date().toISOString(),
  unit: 'operations per second',
  inbound: {
    typical: await opsPerSecond(() => parseInbound(TYPICAL_IN, CONTEXT, directory), MS),
    large_40000: await opsPerSecond(() => parseInbound(LARGE_IN, CONTEXT, directory), MS),
  },
  outbound: {
    typical: await opsPerSecond(() => parseOutbound(TYPICAL_OUT, KINDS, directory), MS),
    large_40000: await opsPerSecond(() => parseOutbound(LARGE_OUT, KINDS, directory), MS),
  },
  input_chars: {
    inbound_typical: TYPICAL_IN.length,
    outbound_typical: TYPICAL_OUT.length,
    large: LARGE_IN.length,
  },
};
process.stdout.write(`${JSON.stringify(result)}\n`);
