/** chat.* and reactions.*: what bots say in the emulated workspace. */
import { withIds } from '../blocks.js';
import { messageJson } from '../shapes.js';
import type { Conversation, Message } from '../workspace.js';
import { failure, visibleChannel, type Json, type MethodContext, type WebApiMethod } from './method.js';

/** Slack truncates at 40,000 characters and refuses more. */
const MAX_TEXT = 40_000;

export interface MessageContent {
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
}

/** A message's text, blocks and attachments from a method's or a response_url's arguments, or Slack's error. */
export function messageContent(source: { string(name: string): string | undefined; json(name: string, kind: 'array'): unknown[] | undefined | 'invalid' }): MessageContent | string {
  const text = source.string('text') ?? '';
  const blocks = source.json('blocks', 'array');
  const attachments = source.json('attachments', 'array');
  if (blocks === 'invalid' || blocks?.some((block) => typeof block !== 'object' || block === null || typeof (block as Json).type !== 'string')) {
    return 'invalid_blocks';
  }
  if (attachments === 'invalid' || attachments?.some((attachment) => typeof attachment !== 'object' || attachment === null)) return 'invalid_attachments';
  if (text === '' && !blocks?.length && !attachments?.length) return 'no_text';
  if (text.length > MAX_TEXT) return 'msg_too_long';
  const content: MessageContent = { text };
  if (blocks?.length) content.blocks = withIds(blocks);
  if (attachments?.length) content.attachments = attachments;
  return content;
}

/** The conversation a bot may write to, or Slack's error: private ones it isn't in don't exist for it. */
function writableChannel(context: MethodContext): Conversation | string {
  const conversation = visibleChannel(context);
  if (!conversation) return 'channel_not_found';
  if (!conversation.members.has(context.caller.userId) && !(conversation.kind === 'channel' && context.caller.scopes.has('chat:write.public'))) {
    return 'not_in_channel';
  }
  return conversation;
}

/** The caller's own message at `ts`, or Slack's error for it. */
function ownMessage(context: MethodContext, verb: 'update' | 'delete'): Message | string {
  const conversation = visibleChannel(context);
  if (!conversation) return 'channel_not_found';
  const message = context.workspace.message(conversation.id, context.params.string('ts') ?? '');
  if (!message) return 'message_not_found';
  if (message.user !== context.caller.userId) return verb === 'update' ? 'cant_update_message' : 'cant_delete_message';
  return message;
}

function reactionTarget(context: MethodContext): { message: Message; name: string } | string {
  const name = (context.params.string('name') ?? '').replace(/^:|:$/g, '');
  if (!context.params.has('channel') || !context.params.has('timestamp')) return 'no_item_specified';
  if (!/^[a-z0-9_+'-]+$/.test(name)) return 'invalid_name';
  const conversation = visibleChannel(context);
  if (!conversation) return 'channel_not_found';
  const message = context.workspace.message(conversation.id, context.params.string('timestamp') ?? '');
  return message ? { message, name } : 'message_not_found';
}

/** reactions.add or reactions.remove: the caller's reaction, or Slack's error when it is already there (or not there). */
function reactionMethod(add: boolean, unchangedError: string): WebApiMethod {
  return {
    scopes: ['reactions:write'],
    run(context) {
      const target = reactionTarget(context);
      if (typeof target === 'string') return failure(target);
      if (!context.workspace.react(target.message, target.name, context.caller.userId, add)) return failure(unchangedError);
      context.events.reactionChanged(target.message, context.caller.userId, target.name, add);
      return { ok: true };
    },
  };
}

export const chatMethods: Readonly<Record<string, WebApiMethod>> = {
  'chat.postMessage': {
    scopes: ['chat:write'],
    run(context) {
      const conversation = writableChannel(context);
      if (typeof conversation === 'string') return failure(conversation);
      const content = messageContent(context.params);
      if (typeof content === 'string') return failure(content);
      const { workspace, caller, params } = context;
      const thread = workspace.message(conversation.id, params.string('thread_ts') ?? '');
      const message = workspace.post({
        channel: conversation.id,
        user: caller.userId,
        ...(caller.kind === 'bot' ? { bot: caller.bot } : {}),
        ...content,
        ...(thread ? { threadTs: thread.threadTs ?? thread.ts } : {}),
      });
      context.events.messagePosted(message);
      return { ok: true, channel: conversation.id, ts: message.ts, message: messageJson(workspace, message) };
    },
  },

  'chat.update': {
    scopes: ['chat:write'],
    run(context) {
      const message = ownMessage(context, 'update');
      if (typeof message === 'string') return failure(message);
      const content = messageContent(context.params);
      if (typeof content === 'string') return failure(content);
      context.workspace.update(message, content, context.caller.userId);
      return { ok: true, channel: message.channel, ts: message.ts, text: message.text, message: messageJson(context.workspace, message) };
    },
  },

  'chat.delete': {
    scopes: ['chat:write'],
    run(context) {
      const message = ownMessage(context, 'delete');
      if (typeof message === 'string') return failure(message);
      context.workspace.remove(message);
      return { ok: true, channel: message.channel, ts: message.ts };
    },
  },

  'chat.postEphemeral': {
    scopes: ['chat:write'],
    run(context) {
      const conversation = writableChannel(context);
      if (typeof conversation === 'string') return failure(conversation);
      const { workspace, caller, params } = context;
      const user = params.string('user') ?? '';
      if (!workspace.people.has(user)) return failure('user_not_found');
      if (!conversation.members.has(user)) return failure('user_not_in_channel');
      const content = messageContent(params);
      if (typeof content === 'string') return failure(content);
      const threadTs = params.string('thread_ts');
      const ephemeral = workspace.postEphemeral({ channel: conversation.id, user, bot: caller.bot, ...content, ...(threadTs ? { threadTs } : {}) });
      return { ok: true, message_ts: ephemeral.ts };
    },
  },

  'reactions.add': reactionMethod(true, 'already_reacted'),
  'reactions.remove': reactionMethod(false, 'no_reaction'),
};
