/** conversations.*: the emulated workspace's channels, private channels and IMs, and their history. */
import { conversationJson, messageJson } from '../shapes.js';
import type { Conversation, Message } from '../workspace.js';
import { page } from './cursor.js';
import { conversationScope, failure, visibleChannel, type MethodContext, type WebApiMethod } from './method.js';

const TYPE_SCOPES: Readonly<Record<string, string>> = {
  public_channel: 'channels:read',
  private_channel: 'groups:read',
  im: 'im:read',
  mpim: 'mpim:read',
};

function requestedTypes(context: MethodContext): string[] {
  return (context.params.string('types') || 'public_channel').split(',').map((type) => type.trim()).filter((type) => type !== '');
}

function kindOfType(type: string): Conversation['kind'] | undefined {
  return type === 'public_channel' ? 'channel' : type === 'private_channel' ? 'group' : type === 'im' ? 'im' : undefined;
}

/** Messages between `oldest` and `latest` (each end included only with `inclusive`), as history filters them. */
function within(context: MethodContext, messages: Message[]): Message[] {
  const { params } = context;
  const latest = Number(params.string('latest') ?? Infinity);
  const oldest = Number(params.string('oldest') ?? 0);
  const inclusive = params.boolean('inclusive');
  return messages.filter((message) => {
    const ts = Number(message.ts);
    return (inclusive ? ts <= latest : ts < latest) && (inclusive ? ts >= oldest : ts > oldest);
  });
}

function historyScope(context: MethodContext): readonly string[] {
  return [conversationScope(visibleChannel(context), 'history')];
}

/** The conversation whose history the caller may read, or Slack's error: it must see the conversation and be in it. */
function memberChannel(context: MethodContext): Conversation | string {
  const conversation = visibleChannel(context);
  if (!conversation) return 'channel_not_found';
  return conversation.members.has(context.caller.userId) ? conversation : 'not_in_channel';
}

export const conversationMethods: Readonly<Record<string, WebApiMethod>> = {
  'conversations.list': {
    scopes: (context) => {
      const needed = requestedTypes(context).map((type) => TYPE_SCOPES[type] ?? 'channels:read');
      // One missing scope is enough to refuse: name it.
      const missing = needed.find((scope) => !context.caller.scopes.has(scope));
      return missing ? [missing] : [];
    },
    run(context) {
      const { workspace, caller, params } = context;
      const kinds = new Set(requestedTypes(context).map(kindOfType));
      // Nothing is archived in the emulator, so exclude_archived changes nothing.
      const channels = [...workspace.conversations.values()]
        .filter((conversation) => kinds.has(conversation.kind))
        .filter((conversation) => workspace.canSee(caller.userId, conversation))
        .map((conversation) => conversationJson(workspace, conversation, caller.userId));
      return page(channels, (channel) => String(channel.id), params, 'channels', { fallback: 100, max: 1000 });
    },
  },

  'conversations.info': {
    scopes: (context) => [conversationScope(visibleChannel(context), 'read')],
    run(context) {
      const conversation = visibleChannel(context);
      if (!conversation) return failure('channel_not_found');
      return { ok: true, channel: conversationJson(context.workspace, conversation, context.caller.userId, context.params.boolean('include_num_members')) };
    },
  },

  'conversations.open': {
    scopes: ['im:write'],
    run({ workspace, caller, params }) {
      const existing = params.string('channel');
      if (existing) {
        const conversation = workspace.conversations.get(existing);
        if (!conversation || !conversation.members.has(caller.userId)) return failure('channel_not_found');
        return { ok: true, no_op: true, already_open: true, channel: conversationJson(workspace, conversation, caller.userId) };
      }
      const users = (params.string('users') ?? '').split(',').map((id) => id.trim()).filter((id) => id !== '');
      if (users.length === 0) return failure('users_list_not_supplied');
      if (users.length > 1) return failure('not_enough_users', { detail: 'the emulator opens IMs with one person only' });
      const [user] = users as [string];
      const person = workspace.people.get(user);
      if (!person) return failure('user_not_found');
      if (person.bot) return failure('cannot_dm_bot');
      const im = workspace.imBetween(caller.userId, user);
      const channel = params.boolean('return_im') ? conversationJson(workspace, im, caller.userId) : { id: im.id };
      return { ok: true, no_op: true, already_open: true, channel };
    },
  },

  'conversations.history': {
    scopes: historyScope,
    run(context) {
      const { workspace, params } = context;
      const conversation = memberChannel(context);
      if (typeof conversation === 'string') return failure(conversation);
      const newestFirst = within(context, workspace.messages(conversation.id)).reverse();
      const messages = newestFirst.map((message) => messageJson(workspace, message));
      const answer = page(messages, (message) => String(message.ts), params, 'messages', { fallback: 100, max: 999 });
      const next = (answer.response_metadata as { next_cursor?: string } | undefined)?.next_cursor;
      return { ...answer, has_more: Boolean(next), pin_count: 0 };
    },
  },

  'conversations.replies': {
    scopes: historyScope,
    run(context) {
      const { workspace, params } = context;
      const conversation = memberChannel(context);
      if (typeof conversation === 'string') return failure(conversation);
      const asked = workspace.message(conversation.id, params.string('ts') ?? '');
      const parent = asked?.threadTs ? workspace.message(conversation.id, asked.threadTs) : asked;
      if (!parent) return failure('thread_not_found');
      const thread = [parent, ...parent.replies.map((ts) => workspace.message(conversation.id, ts)).filter((reply) => reply !== undefined)];
      const messages = within(context, thread).map((message) => messageJson(workspace, message));
      const answer = page(messages, (message) => String(message.ts), params, 'messages', { fallback: 1000, max: 1000 });
      const next = (answer.response_metadata as { next_cursor?: string } | undefined)?.next_cursor;
      return { ...answer, has_more: Boolean(next) };
    },
  },
};
