import { cursorOffset, nextCursor, type FakeSlack, type FakeSlackCall } from './fake-slack.js';

type Json = Record<string, unknown>;

export interface FakeWorkspaceOptions {
  /** Slack's largest page: a larger `limit` is `invalid_limit`. */
  readonly maxLimit?: number;
  /**
   * Slack's Tier 2 for users.list, conversations.list and emoji.list: more than
   * `calls` calls per token within `windowMs` answer 429.
   */
  readonly tier2?: { readonly calls: number; readonly windowMs: number };
  /** Called before each page of a list is answered (to change the workspace mid-refresh, or hold a page). */
  readonly beforePage?: (call: FakeSlackCall) => void | Promise<void>;
}

/**
 * A Slack workspace that omnibot-ts reads through the fake Web API and a test
 * changes while it runs: its maps are read at every call. It pages lists as
 * Slack does: an opaque cursor, `limit` capped at Slack's largest page,
 * conversations.list filtered after paging (so a page may hold fewer than
 * asked, even none, and still have a cursor).
 */
export interface FakeWorkspace {
  /** Users by id, deleted ones included (users.list returns them). */
  readonly users: Map<string, Json>;
  /** Public and private channels by id, archived ones included. */
  readonly channels: Map<string, Json>;
  /** Private channels listed only for these tokens (absent: every token). */
  readonly privateMembers: Map<string, Set<string>>;
  /** Each token's IMs, by id. */
  readonly ims: Map<string, Map<string, Json>>;
  /** emoji.list as Slack answers it: name → URL or `alias:<name>`. */
  readonly emoji: Map<string, string>;
}

export function serveWorkspace(fake: FakeSlack, options: FakeWorkspaceOptions = {}): FakeWorkspace {
  const maxLimit = options.maxLimit ?? 1000;
  const workspace: FakeWorkspace = {
    users: new Map(),
    channels: new Map(),
    privateMembers: new Map(),
    ims: new Map(),
    emoji: new Map(),
  };

  const page = (call: FakeSlackCall, items: readonly Json[], defaultLimit: number, keep: (item: Json) => boolean, itemsKey: string) => {
    const raw = call.params['limit'];
    const limit = raw === undefined ? defaultLimit : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) return { ok: false, error: 'invalid_limit' };
    const offset = cursorOffset(call);
    if (offset === undefined) return { ok: false, error: 'invalid_cursor' };
    const end = offset + limit;
    return { ok: true, [itemsKey]: items.slice(offset, end).filter(keep), response_metadata: { next_cursor: nextCursor(end, items.length) } };
  };

  fake.on('users.list', async (call) => {
    await options.beforePage?.(call);
    // Without a limit Slack tries the whole list, and refuses a large one.
    if (call.params['limit'] === undefined && workspace.users.size > maxLimit) return { ok: false, error: 'limit_required' };
    return page(call, [...workspace.users.values()], Math.max(1, workspace.users.size), () => true, 'members');
  });

  fake.on('conversations.list', async (call) => {
    await options.beforePage?.(call);
    const types = new Set((call.params['types'] ?? 'public_channel').split(','));
    const excludeArchived = call.params['exclude_archived'] === 'true';
    const token = call.token ?? '';
    const candidates: Json[] = [];
    if (types.has('public_channel') || types.has('private_channel')) candidates.push(...workspace.channels.values());
    if (types.has('im')) candidates.push(...(workspace.ims.get(token)?.values() ?? []));
    const keep = (item: Json): boolean => {
      if (excludeArchived && item['is_archived'] === true) return false;
      if (item['is_im'] === true) return types.has('im');
      if (item['is_private'] === true) {
        const members = workspace.privateMembers.get(String(item['id']));
        return types.has('private_channel') && (members === undefined || members.has(token));
      }
      return types.has('public_channel');
    };
    return page(call, candidates, 100, keep, 'channels');
  });

  fake.on('emoji.list', async (call) => {
    await options.beforePage?.(call);
    return { ok: true, emoji: Object.fromEntries(workspace.emoji) };
  });

  fake.on('users.info', (call) => {
    const user = workspace.users.get(call.params['user'] ?? '');
    return user ? { ok: true, user } : { ok: false, error: 'user_not_found' };
  });

  fake.on('users.lookupByEmail', (call) => {
    const email = (call.params['email'] ?? '').toLowerCase();
    const user = [...workspace.users.values()].find(
      (u) => !u['deleted'] && String((u['profile'] as Json | undefined)?.['email'] ?? '').toLowerCase() === email,
    );
    return user ? { ok: true, user } : { ok: false, error: 'users_not_found' };
  });

  fake.on('conversations.info', (call) => {
    const id = call.params['channel'] ?? '';
    const channel = workspace.channels.get(id) ?? workspace.ims.get(call.token ?? '')?.get(id);
    return channel ? { ok: true, channel } : { ok: false, error: 'channel_not_found' };
  });

  if (options.tier2) {
    for (const method of ['users.list', 'conversations.list', 'emoji.list']) {
      fake.rateLimitWindow(method, options.tier2.calls, options.tier2.windowMs);
    }
  }
  return workspace;
}

/** A user as users.list gives one. */
export function fakeUser(id: string, name: string, fields: Json = {}): Json {
  return { id, name, team_id: 'T12345678', deleted: false, is_bot: false, profile: { email: `${name}@example.com`, display_name: name }, ...fields };
}

/** A channel as conversations.list gives one. */
export function fakeChannel(id: string, name: string, fields: Json = {}): Json {
  return { id, name, name_normalized: name, is_channel: true, is_private: false, is_archived: false, num_members: 3, ...fields };
}
