/** The emulated workspace's objects in the JSON shapes of Slack's Web API. */
import type { Conversation, Ephemeral, Message, Person, Workspace } from './workspace.js';

type Json = Record<string, unknown>;

const COLORS = ['9f69e7', '4bbe2e', 'e7392d', '3c989f', 'e0a729', '674b1b'];

function avatar(person: Person): string {
  // Slack's default avatars are on its CDN; a data-free placeholder keeps the page offline.
  return `https://avatars.invalid/${person.id}.png`;
}

/** users.info / users.list: the email only for a token with users:read.email, as Slack does. */
export function userJson(workspace: Workspace, person: Person, withEmail: boolean): Json {
  const profile: Json = {
    title: person.title,
    real_name: person.realName,
    real_name_normalized: person.realName,
    display_name: person.bot ? '' : person.name,
    display_name_normalized: person.bot ? '' : person.name,
    first_name: person.realName.split(' ')[0] ?? '',
    last_name: person.realName.split(' ').slice(1).join(' '),
    status_text: '',
    status_emoji: '',
    image_48: avatar(person),
    image_72: avatar(person),
    team: workspace.teamId,
  };
  if (withEmail && person.email) profile.email = person.email;
  if (person.bot) {
    profile.bot_id = person.bot.botId;
    profile.api_app_id = person.bot.appId;
    profile.always_active = true;
  }
  return {
    id: person.id,
    team_id: workspace.teamId,
    name: person.name,
    deleted: false,
    color: COLORS[person.id.charCodeAt(person.id.length - 1) % COLORS.length],
    real_name: person.realName,
    tz: 'Europe/London',
    tz_label: 'Greenwich Mean Time',
    tz_offset: 0,
    profile,
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: person.bot !== undefined,
    is_app_user: false,
    updated: 1_700_000_000,
  };
}

/** conversations.info / list: as the caller sees it (`is_member` is theirs). */
export function conversationJson(workspace: Workspace, conversation: Conversation, viewer: string, withMemberCount = true): Json {
  if (conversation.kind === 'im') {
    return {
      id: conversation.id,
      created: conversation.created,
      is_im: true,
      is_org_shared: false,
      context_team_id: workspace.teamId,
      user: conversation.members.has(viewer) ? (conversation.imUser === viewer ? conversation.creator : conversation.imUser) : conversation.imUser,
      is_user_deleted: false,
      priority: 0,
    };
  }
  const topic = { value: conversation.topic, creator: conversation.topic ? conversation.creator : '', last_set: conversation.topic ? conversation.created : 0 };
  const purpose = { value: conversation.purpose, creator: conversation.purpose ? conversation.creator : '', last_set: conversation.purpose ? conversation.created : 0 };
  const json: Json = {
    id: conversation.id,
    name: conversation.name,
    is_channel: conversation.kind === 'channel',
    is_group: conversation.kind === 'group',
    is_im: false,
    is_mpim: false,
    is_private: conversation.kind === 'group',
    created: conversation.created,
    is_archived: false,
    is_general: conversation.name === 'general',
    unlinked: 0,
    name_normalized: conversation.name,
    is_shared: false,
    is_org_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    context_team_id: workspace.teamId,
    creator: conversation.creator,
    is_ext_shared: false,
    shared_team_ids: [workspace.teamId],
    is_member: conversation.members.has(viewer),
    topic,
    purpose,
    previous_names: [],
  };
  if (withMemberCount) json.num_members = conversation.members.size;
  return json;
}

function reactionsJson(message: Message): Json[] {
  return [...message.reactions].map(([name, users]) => ({ name, users: [...users], count: users.length }));
}

/** A message as conversations.history and the events carry it. */
export function messageJson(workspace: Workspace, message: Message): Json {
  const json: Json = { type: 'message', user: message.user, text: message.text, ts: message.ts, team: workspace.teamId };
  if (message.bot) {
    json.bot_id = message.bot.botId;
    json.app_id = message.bot.appId;
    json.bot_profile = {
      id: message.bot.botId,
      app_id: message.bot.appId,
      name: message.bot.name,
      deleted: false,
      team_id: workspace.teamId,
      icons: { image_48: `https://avatars.invalid/${message.bot.botId}.png` },
    };
  }
  if (message.blocks) json.blocks = message.blocks;
  if (message.attachments) json.attachments = message.attachments;
  if (message.edited) json.edited = { ...message.edited };
  if (message.threadTs) {
    json.thread_ts = message.threadTs;
    const parent = workspace.message(message.channel, message.threadTs);
    if (parent) json.parent_user_id = parent.user;
  } else if (message.replies.length > 0) {
    const replies = message.replies.map((ts) => workspace.message(message.channel, ts)).filter((reply) => reply !== undefined);
    const users = [...new Set(replies.map((reply) => reply.user))];
    json.thread_ts = message.ts;
    json.reply_count = replies.length;
    json.reply_users_count = users.length;
    json.reply_users = users;
    json.latest_reply = replies.at(-1)?.ts ?? message.ts;
    json.is_locked = false;
    json.subscribed = false;
  }
  if (message.reactions.size > 0) json.reactions = reactionsJson(message);
  return json;
}

/** An ephemeral message as the page shows it (Slack never lists them). */
export function ephemeralJson(workspace: Workspace, ephemeral: Ephemeral): Json {
  const json: Json = { type: 'message', subtype: 'ephemeral', id: ephemeral.id, user: ephemeral.bot?.userId ?? 'USLACKBOT', text: ephemeral.text, ts: ephemeral.ts };
  if (ephemeral.bot) {
    json.bot_id = ephemeral.bot.botId;
    json.app_id = ephemeral.bot.appId;
  }
  if (ephemeral.blocks) json.blocks = ephemeral.blocks;
  if (ephemeral.attachments) json.attachments = ephemeral.attachments;
  if (ephemeral.threadTs) json.thread_ts = ephemeral.threadTs;
  json.team = workspace.teamId;
  return json;
}
