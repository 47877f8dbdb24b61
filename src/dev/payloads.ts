/**
 * The webhooks Slack sends, in Slack's shapes (as its docs and omnibot's
 * data/mock fixtures show them): Events API callbacks, slash commands and
 * interactive payloads.
 */
import { freshId } from './ids.js';
import { messageJson } from './shapes.js';
import type { BotIdentity, Conversation, Ephemeral, Message, Person, Workspace } from './workspace.js';

type Json = Record<string, unknown>;

/** The verification token Slack puts in every payload (the app's, or a stand-in for an app with a signing secret only). */
export function verificationToken(bot: BotIdentity): string {
  return bot.credentials.verificationToken?.reveal() ?? 'emulated-verification-token';
}

function teamJson(workspace: Workspace): Json {
  return { id: workspace.teamId, domain: workspace.domain };
}

function userRef(workspace: Workspace, person: Person): Json {
  return { id: person.id, username: person.name, name: person.name, team_id: workspace.teamId };
}

function channelRef(conversation: Conversation): Json {
  return { id: conversation.id, name: conversation.kind === 'im' ? 'directmessage' : conversation.name };
}

/** An Events API `event_callback` for one app. */
export function eventCallback(workspace: Workspace, bot: BotIdentity, event: Json, channel: string): Json & { event_id: string } {
  const eventTime = Math.floor(Date.now() / 1000);
  return {
    token: verificationToken(bot),
    team_id: workspace.teamId,
    context_team_id: workspace.teamId,
    api_app_id: bot.appId,
    event,
    type: 'event_callback',
    event_id: freshId('Ev0', 9),
    event_time: eventTime,
    authorizations: [{ enterprise_id: null, team_id: workspace.teamId, user_id: bot.userId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(`${bot.appId}:${channel}`).toString('base64url')}`,
  };
}

/** A `message` event for a message as Slack delivers it (a person's carries client_msg_id). */
export function messageEvent(workspace: Workspace, message: Message, conversation: Conversation, type: 'message' | 'app_mention'): Json {
  const event: Json = { ...messageJson(workspace, message), type, channel: message.channel, event_ts: message.ts };
  if (type === 'message') event.channel_type = conversation.kind;
  if (!message.bot) event.client_msg_id = crypto.randomUUID();
  // Counts of a thread's replies are history's business, not the event's.
  for (const key of ['reply_count', 'reply_users', 'reply_users_count', 'latest_reply', 'reactions', 'is_locked', 'subscribed']) delete event[key];
  return event;
}

export function reactionEvent(message: Message, user: string, name: string, added: boolean): Json {
  return {
    type: added ? 'reaction_added' : 'reaction_removed',
    user,
    reaction: name,
    item_user: message.user,
    item: { type: 'message', channel: message.channel, ts: message.ts },
    event_ts: `${(Date.now() / 1000).toFixed(6)}`,
  };
}

/** A slash command's form fields. */
export function slashCommandForm(
  workspace: Workspace,
  bot: BotIdentity,
  fields: { person: Person; conversation: Conversation; command: string; text: string; responseUrl: string; triggerId: string },
): Record<string, string> {
  return {
    token: verificationToken(bot),
    team_id: workspace.teamId,
    team_domain: workspace.domain,
    channel_id: fields.conversation.id,
    channel_name: fields.conversation.kind === 'im' ? 'directmessage' : fields.conversation.name,
    user_id: fields.person.id,
    user_name: fields.person.name,
    command: fields.command,
    text: fields.text,
    api_app_id: bot.appId,
    is_enterprise_install: 'false',
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId,
  };
}

function common(workspace: Workspace, bot: BotIdentity, person: Person, triggerId: string): Json {
  return {
    token: verificationToken(bot),
    api_app_id: bot.appId,
    team: teamJson(workspace),
    user: userRef(workspace, person),
    enterprise: null,
    is_enterprise_install: false,
    trigger_id: triggerId,
  };
}

/** Where a block action happened: a message in a channel (maybe ephemeral), or a modal. */
export type ActionContainer =
  | { type: 'message'; message: Message; conversation: Conversation }
  | { type: 'ephemeral'; ephemeral: Ephemeral; conversation: Conversation }
  | { type: 'view'; view: Json };

/** A `block_actions` payload for one action (the element, as clicked). */
export function blockActions(
  workspace: Workspace,
  bot: BotIdentity,
  fields: { person: Person; container: ActionContainer; action: Json; state: Json; responseUrl: string | undefined; triggerId: string },
): Json {
  const payload: Json = { type: 'block_actions', ...common(workspace, bot, fields.person, fields.triggerId) };
  const { container } = fields;
  if (container.type === 'view') {
    payload.container = { type: 'view', view_id: container.view.id };
    payload.view = { ...container.view, state: fields.state };
  } else {
    const ts = container.type === 'message' ? container.message.ts : container.ephemeral.ts;
    payload.container = { type: 'message', message_ts: ts, channel_id: container.conversation.id, is_ephemeral: container.type === 'ephemeral' };
    payload.channel = channelRef(container.conversation);
    // Slack leaves the message out of an ephemeral message's actions.
    if (container.type === 'message') payload.message = messageJson(workspace, container.message);
    payload.state = fields.state;
  }
  if (fields.responseUrl) payload.response_url = fields.responseUrl;
  payload.actions = [{ ...fields.action, action_ts: (Date.now() / 1000).toFixed(6) }];
  return payload;
}

/** A legacy attachment button or menu: `interactive_message`. */
export function interactiveMessage(
  workspace: Workspace,
  bot: BotIdentity,
  fields: { person: Person; conversation: Conversation; message: Json; callbackId: string; attachmentId: number; action: Json; responseUrl: string; triggerId: string; ts: string },
): Json {
  return {
    type: 'interactive_message',
    actions: [fields.action],
    callback_id: fields.callbackId,
    ...common(workspace, bot, fields.person, fields.triggerId),
    channel: channelRef(fields.conversation),
    action_ts: (Date.now() / 1000).toFixed(6),
    message_ts: fields.ts,
    attachment_id: String(fields.attachmentId),
    is_app_unfurl: false,
    original_message: fields.message,
    response_url: fields.responseUrl,
  };
}

/** A modal's `view_submission` (or, closing it when the app asked to hear, `view_closed`). */
export function viewPayload(workspace: Workspace, bot: BotIdentity, fields: { person: Person; view: Json; state: Json; triggerId: string; closed?: boolean }): Json {
  const payload: Json = {
    type: fields.closed ? 'view_closed' : 'view_submission',
    ...common(workspace, bot, fields.person, fields.triggerId),
    view: { ...fields.view, state: fields.state },
  };
  if (fields.closed) payload.is_cleared = false;
  else payload.response_urls = [];
  return payload;
}

/** A legacy dialog's `dialog_submission`. */
export function dialogSubmission(
  workspace: Workspace,
  bot: BotIdentity,
  fields: { person: Person; conversation: Conversation | undefined; callbackId: string; state: string; submission: Json; responseUrl: string | undefined },
): Json {
  const payload: Json = {
    type: 'dialog_submission',
    token: verificationToken(bot),
    action_ts: (Date.now() / 1000).toFixed(6),
    team: teamJson(workspace),
    user: { id: fields.person.id, name: fields.person.name },
    enterprise: null,
    is_enterprise_install: false,
    api_app_id: bot.appId,
    submission: fields.submission,
    callback_id: fields.callbackId,
    state: fields.state,
  };
  if (fields.conversation) payload.channel = channelRef(fields.conversation);
  if (fields.responseUrl) payload.response_url = fields.responseUrl;
  return payload;
}
