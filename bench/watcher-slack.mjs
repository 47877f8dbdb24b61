// A large Slack workspace for bench/watcher.mjs, in a process of its own so that its memory is
// not the watcher's: USERS users and CHANNELS channels, each made from its index when a page asks
// for it (nothing is held), paged as Slack pages them (cursor, `limit` at most 1000, else
// `invalid_limit`), with Slack's Tier 2 enforced per method and token: more than
// CALLS_PER_MINUTE calls in any minute answer 429 with Retry-After. Prints its port as JSON on
// the first line; GET /stats answers what it served.
import { createServer } from 'node:http';

const USERS = Number(process.env.USERS ?? 50_000);
const CHANNELS = Number(process.env.CHANNELS ?? 20_000);
const CALLS_PER_MINUTE = Number(process.env.CALLS_PER_MINUTE ?? 20);
const MAX_LIMIT = 1000;
const WINDOW_MS = 60_000;

const stats = { calls: {}, rate_limited: 0, invalid: 0, bytes: 0 };
const recent = new Map();

// A user as users.list gives one, about a kilobyte of JSON like a real profile.
function user(i) {
  const id = `U${String(i).padStart(9, '0')}`;
  const name = `user.${i}`;
  const image = (size) => `https://avatars.slack-edge.com/2024-01-01/${id}_${size}.png`;
  return {
    id,
    team_id: 'T0BENCH',
    name,
    deleted: false,
    color: '9f69e7',
    real_name: `User Number ${i}`,
    tz: 'Europe/Paris',
    tz_label: 'Central European Time',
    tz_offset: 3600,
    profile: {
      title: 'Engineer',
      phone: '',
      skype: '',
      real_name: `User Number ${i}`,
      real_name_normalized: `User Number ${i}`,
      display_name: `user${i}`,
      display_name_normalized: `user${i}`,
      status_text: i % 7 === 0 ? 'In a meeting' : '',
      status_emoji: i % 7 === 0 ? ':calendar:' : '',
      avatar_hash: `g${i.toString(16).padStart(11, '0')}`,
      email: `user${i}@example.com`,
      image_24: image(24),
      image_32: image(32),
      image_48: image(48),
      image_72: image(72),
      image_192: image(192),
      image_512: image(512),
      team: 'T0BENCH',
    },
    is_admin: false,
    is_owner: false,
    is_bot: false,
    is_app_user: false,
    updated: 1_700_000_000 + i,
  };
}

function channel(i) {
  const name = `channel-${i}`;
  return {
    id: `C${String(i).padStart(9, '0')}`,
    name,
    is_channel: true,
    is_group: false,
    is_im: false,
    created: 1_600_000_000 + i,
    is_archived: false,
    is_general: i === 0,
    name_normalized: name,
    is_shared: false,
    is_org_shared: false,
    is_member: i % 3 === 0,
    is_private: false,
    is_mpim: false,
    topic: { value: `Topic of ${name}`, creator: 'U000000001', last_set: 1_650_000_000 },
    purpose: { value: `Purpose of ${name}`, creator: 'U000000001', last_set: 1_650_000_000 },
    num_members: 3 + (i % 50),
  };
}

function page(params, total, make, key) {
  const limit = Number(params.get('limit') ?? 100);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    stats.invalid += 1;
    return { ok: false, error: 'invalid_limit' };
  }
  const cursor = params.get('cursor');
  const offset = cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8').replace('offset:', '')) : 0;
  const end = Math.min(total, offset + limit);
  const items = [];
  for (let i = offset; i < end; i++) items.push(make(i));
  const next = end < total ? Buffer.from(`offset:${end}`).toString('base64url') : '';
  return { ok: true, [key]: items, response_metadata: { next_cursor: next } };
}

function answer(method, params) {
  if (method === 'users.list') return page(params, USERS, user, 'members');
  if (method === 'conversations.list') {
    const types = params.get('types') ?? 'public_channel';
    return types.includes('public_channel') ? page(params, CHANNELS, channel, 'channels') : { ok: true, channels: [], response_metadata: { next_cursor: '' } };
  }
  if (method === 'emoji.list') {
    const emoji = {};
    for (let i = 0; i < 500; i++) emoji[`custom-${i}`] = i % 5 === 0 ? `alias:custom-${i + 1}` : `https://emoji.slack-edge.com/T0BENCH/custom-${i}.png`;
    return { ok: true, emoji };
  }
  return { ok: false, error: 'unknown_method' };
}

/** Slack's Tier 2: true when this call is one too many for the last minute. */
function overLimit(key) {
  const now = performance.now();
  const times = (recent.get(key) ?? []).filter((at) => now - at < WINDOW_MS);
  if (times.length >= CALLS_PER_MINUTE) {
    recent.set(key, times);
    return Math.ceil((WINDOW_MS - (now - times[0])) / 1000);
  }
  times.push(now);
  recent.set(key, times);
  return 0;
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    if (req.url === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(stats));
      return;
    }
    const method = (req.url ?? '').replace('/api/', '');
    const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    stats.calls[method] = (stats.calls[method] ?? 0) + 1;
    const retryAfter = overLimit(`${method} ${req.headers.authorization ?? ''}`);
    if (retryAfter > 0) {
      stats.rate_limited += 1;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(retryAfter) });
      res.end('{"ok":false,"error":"ratelimited"}');
      return;
    }
    const body = JSON.stringify(answer(method, params));
    stats.bytes += Buffer.byteLength(body);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
