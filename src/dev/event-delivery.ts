/**
 * The Events API side of the emulated Slack: each message or reaction goes,
 * as an `event_callback`, to every configured bot that is in the conversation
 * and subscribed to that event, as Slack would deliver it.
 */
import { eventCallback, messageEvent, reactionEvent } from './payloads.js';
import type { WorkspaceEvents } from './web-api/method.js';
import type { WebhookSender } from './webhook-sender.js';
import type { Conversation, Message, Workspace } from './workspace.js';

function subscriptionFor(conversation: Conversation): string {
  return conversation.kind === 'channel' ? 'message.channels' : conversation.kind === 'group' ? 'message.groups' : 'message.im';
}

function where(conversation: Conversation): string {
  return conversation.kind === 'im' ? 'a DM' : `#${conversation.name}`;
}

export class EventDelivery implements WorkspaceEvents {
  readonly #workspace: Workspace;
  readonly #sender: WebhookSender;

  constructor(workspace: Workspace, sender: WebhookSender) {
    this.#workspace = workspace;
    this.#sender = sender;
  }

  messagePosted(message: Message): void {
    const workspace = this.#workspace;
    const conversation = workspace.conversations.get(message.channel);
    if (!conversation) return;
    const author = workspace.people.get(message.user)?.name ?? message.user;
    for (const bot of workspace.bots.values()) {
      if (!conversation.members.has(bot.userId)) continue;
      if (bot.events.has(subscriptionFor(conversation))) {
        const event = eventCallback(workspace, bot, messageEvent(workspace, message, conversation, 'message'), conversation.id);
        void this.#sender.event(bot, event, `${author}: message in ${where(conversation)}`);
      }
      if (bot.events.has('app_mention') && conversation.kind !== 'im' && message.text.includes(`<@${bot.userId}>`)) {
        const event = eventCallback(workspace, bot, messageEvent(workspace, message, conversation, 'app_mention'), conversation.id);
        void this.#sender.event(bot, event, `${author}: mention in ${where(conversation)}`);
      }
    }
  }

  reactionChanged(message: Message, user: string, name: string, added: boolean): void {
    const workspace = this.#workspace;
    const conversation = workspace.conversations.get(message.channel);
    if (!conversation) return;
    const type = added ? 'reaction_added' : 'reaction_removed';
    const who = workspace.people.get(user)?.name ?? user;
    for (const bot of workspace.bots.values()) {
      if (!conversation.members.has(bot.userId) || !bot.events.has(type)) continue;
      const event = eventCallback(workspace, bot, reactionEvent(message, user, name, added), conversation.id);
      void this.#sender.event(bot, event, `${who}: :${name}: ${added ? 'added' : 'removed'} in ${where(conversation)}`);
    }
  }
}
