/**
 * The emulated workspace in memory: people, bots, conversations and their
 * messages, in the shapes Slack's Web API answers with. Every change is
 * announced on `changes`, which the page follows.
 */
import { EventEmitter } from 'node:events';
import type { BotCredentials } from '../config/credentials.js';
import { stableId, TsClock } from './ids.js';
import { DEFAULT_BOT_EVENTS, DEFAULT_BOT_SCOPES, type WorkspaceFile } from './workspace-file.js';

type Json = Record<string, unknown>;

export interface Person {
  readonly id: string;
  readonly name: string;
  readonly realName: string;
  readonly email: string | undefined;
  readonly title: string;
  /** Set for a bot's user. */
  readonly bot?: BotIdentity;
}

export interface BotIdentity {
  readonly name: string;
  readonly appId: string;
  /** Slack's `B…` id of the bot. */
  readonly botId: string;
  readonly userId: string;
  readonly scopes: ReadonlySet<string>;
  readonly events: ReadonlySet<string>;
  readonly credentials: BotCredentials;
}

export interface Conversation {
  readonly id: string;
  readonly name: string;
  readonly kind: 'channel' | 'group' | 'im';
  readonly created: number;
  readonly creator: string;
  readonly members: Set<string>;
  topic: string;
  purpose: string;
  /** For an IM: the person on the other side from the bot. */
  readonly imUser?: string;
}

export interface Message {
  readonly ts: string;
  readonly channel: string;
  /** The author: a person's id, or the bot's user id. */
  readonly user: string;
  readonly bot?: BotIdentity;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  readonly threadTs?: string;
  /** Replies' ts, for a thread's parent. */
  readonly replies: string[];
  /** emoji name → who reacted, in order. */
  readonly reactions: Map<string, string[]>;
  edited?: { user: string; ts: string };
}

/** A message only one person sees. */
export interface Ephemeral {
  readonly id: string;
  readonly ts: string;
  readonly channel: string;
  readonly user: string;
  readonly bot?: BotIdentity;
  readonly threadTs?: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
}

export type WorkspaceChange =
  | { type: 'message'; channel: string; ts: string }
  | { type: 'message_deleted'; channel: string; ts: string }
  | { type: 'ephemeral'; channel: string; user: string }
  | { type: 'view'; user: string }
  | { type: 'webhook'; id: string };

export interface EmulatedBot {
  readonly name: string;
  readonly appId: string;
  readonly credentials: BotCredentials;
}

export class Workspace {
  readonly teamId: string;
  readonly teamName: string;
  readonly domain: string;
  readonly people = new Map<string, Person>();
  readonly bots = new Map<string, BotIdentity>();
  readonly conversations = new Map<string, Conversation>();
  readonly emoji: Readonly<Record<string, string>>;
  readonly changes = new EventEmitter();
  readonly #messages = new Map<string, Map<string, Message>>();
  readonly #ephemerals: Ephemeral[] = [];
  readonly #clock = new TsClock();

  constructor(file: WorkspaceFile, team: { id: string; name: string }, bots: readonly EmulatedBot[]) {
    this.teamId = team.id;
    this.teamName = team.name;
    this.domain = file.domain ?? team.name;
    this.emoji = Object.freeze({ ...(file.emoji ?? {}) });
    // Conversations older than anything said in them.
    const created = Math.floor(Date.now() / 1000) - 86_400;
    for (const user of file.users) {
      const id = user.id ?? stableId('U', `${team.id}/user/${user.name}`);
      this.people.set(id, { id, name: user.name, realName: user.real_name ?? user.name, email: user.email, title: user.title ?? '' });
    }
    for (const bot of bots) {
      const settings = file.bots?.[bot.name];
      const identity: BotIdentity = {
        name: bot.name,
        appId: bot.appId,
        botId: stableId('B', `${team.id}/bot/${bot.appId}`),
        userId: stableId('U', `${team.id}/bot-user/${bot.appId}`),
        scopes: new Set(settings?.scopes ?? DEFAULT_BOT_SCOPES),
        events: new Set(settings?.events ?? DEFAULT_BOT_EVENTS),
        credentials: bot.credentials,
      };
      this.bots.set(bot.name, identity);
      this.people.set(identity.userId, { id: identity.userId, name: bot.name, realName: bot.name, email: undefined, title: '', bot: identity });
    }
    const humans = [...this.people.values()].filter((person) => !person.bot);
    const creator = humans[0]?.id ?? '';
    for (const channel of file.channels) {
      const members = new Set(
        channel.members ? channel.members.map((name) => this.personByName(name)?.id ?? '') : humans.map((person) => person.id),
      );
      const botNames = channel.bots === false ? [] : Array.isArray(channel.bots) ? channel.bots : [...this.bots.keys()];
      for (const name of botNames) {
        const bot = this.bots.get(name);
        if (bot) members.add(bot.userId);
      }
      const id = channel.id ?? stableId(channel.private ? 'G' : 'C', `${team.id}/channel/${channel.name}`);
      this.#addConversation({
        id,
        name: channel.name,
        kind: channel.private ? 'group' : 'channel',
        created,
        creator,
        members,
        topic: channel.topic ?? '',
        purpose: channel.purpose ?? '',
      });
    }
    // Every person has an IM with every bot, as after a first "Messages" tab visit.
    for (const bot of this.bots.values()) {
      for (const person of humans) this.imBetween(bot.userId, person.id, created);
    }
  }

  #addConversation(conversation: Conversation): void {
    this.conversations.set(conversation.id, conversation);
    this.#messages.set(conversation.id, new Map());
  }

  emit(change: WorkspaceChange): void {
    this.changes.emit('change', change);
  }

  personByName(name: string): Person | undefined {
    for (const person of this.people.values()) if (person.name === name) return person;
    return undefined;
  }

  channelByName(name: string): Conversation | undefined {
    for (const conversation of this.conversations.values()) if (conversation.kind !== 'im' && conversation.name === name) return conversation;
    return undefined;
  }

  botByAppId(appId: string): BotIdentity | undefined {
    for (const bot of this.bots.values()) if (bot.appId === appId) return bot;
    return undefined;
  }

  /** The IM between a bot's user and a person, opened when there is none yet. */
  imBetween(botUserId: string, personId: string, created = Math.floor(Date.now() / 1000)): Conversation {
    for (const conversation of this.conversations.values()) {
      if (conversation.kind === 'im' && conversation.members.has(botUserId) && conversation.imUser === personId) return conversation;
    }
    const im: Conversation = {
      id: stableId('D', `${this.teamId}/im/${botUserId}/${personId}`),
      name: personId,
      kind: 'im',
      created,
      creator: botUserId,
      members: new Set([botUserId, personId]),
      topic: '',
      purpose: '',
      imUser: personId,
    };
    this.#addConversation(im);
    return im;
  }

  nextTs(): string {
    return this.#clock.next();
  }

  message(channel: string, ts: string): Message | undefined {
    return this.#messages.get(channel)?.get(ts);
  }

  /** Top-level messages of a conversation (and thread replies, with `threads`), oldest first. */
  messages(channel: string, options: { threads?: boolean } = {}): Message[] {
    const all = [...(this.#messages.get(channel)?.values() ?? [])];
    return options.threads ? all : all.filter((message) => message.threadTs === undefined);
  }

  post(fields: Omit<Message, 'ts' | 'replies' | 'reactions'>): Message {
    const message: Message = { ...fields, ts: this.nextTs(), replies: [], reactions: new Map() };
    this.#messages.get(fields.channel)?.set(message.ts, message);
    if (message.threadTs) {
      const parent = this.message(fields.channel, message.threadTs);
      parent?.replies.push(message.ts);
      if (parent) this.emit({ type: 'message', channel: parent.channel, ts: parent.ts });
    }
    this.emit({ type: 'message', channel: message.channel, ts: message.ts });
    return message;
  }

  update(message: Message, fields: Pick<Message, 'text' | 'blocks' | 'attachments'>, by: string): void {
    message.text = fields.text;
    message.blocks = fields.blocks;
    message.attachments = fields.attachments;
    message.edited = { user: by, ts: this.nextTs() };
    this.emit({ type: 'message', channel: message.channel, ts: message.ts });
  }

  remove(message: Message): void {
    const channel = this.#messages.get(message.channel);
    channel?.delete(message.ts);
    for (const reply of message.replies) channel?.delete(reply);
    if (message.threadTs) {
      const parent = this.message(message.channel, message.threadTs);
      if (parent) parent.replies.splice(parent.replies.indexOf(message.ts), 1);
    }
    this.emit({ type: 'message_deleted', channel: message.channel, ts: message.ts });
  }

  /** Adds or removes one person's reaction; false when there was nothing to do (already there, or not there). */
  react(message: Message, name: string, user: string, add: boolean): boolean {
    const users = message.reactions.get(name) ?? [];
    const index = users.indexOf(user);
    if (add === index >= 0) return false;
    if (add) users.push(user);
    else users.splice(index, 1);
    if (users.length > 0) message.reactions.set(name, users);
    else message.reactions.delete(name);
    this.emit({ type: 'message', channel: message.channel, ts: message.ts });
    return true;
  }

  postEphemeral(fields: Omit<Ephemeral, 'id' | 'ts'>): Ephemeral {
    const ts = this.nextTs();
    const ephemeral: Ephemeral = { ...fields, id: `${fields.channel}.${ts}`, ts };
    this.#ephemerals.push(ephemeral);
    // Only the last few hundred: ephemeral messages are gone in Slack after a reload anyway.
    if (this.#ephemerals.length > 500) this.#ephemerals.shift();
    this.emit({ type: 'ephemeral', channel: ephemeral.channel, user: ephemeral.user });
    return ephemeral;
  }

  ephemeral(id: string): Ephemeral | undefined {
    return this.#ephemerals.find((ephemeral) => ephemeral.id === id);
  }

  ephemeralsFor(channel: string, user: string): Ephemeral[] {
    return this.#ephemerals.filter((ephemeral) => ephemeral.channel === channel && ephemeral.user === user);
  }

  replaceEphemeral(ephemeral: Ephemeral, fields: { text: string; blocks?: unknown[]; attachments?: unknown[] }): void {
    ephemeral.text = fields.text;
    ephemeral.blocks = fields.blocks;
    ephemeral.attachments = fields.attachments;
    this.emit({ type: 'ephemeral', channel: ephemeral.channel, user: ephemeral.user });
  }

  removeEphemeral(ephemeral: Ephemeral): void {
    this.#ephemerals.splice(this.#ephemerals.indexOf(ephemeral), 1);
    this.emit({ type: 'ephemeral', channel: ephemeral.channel, user: ephemeral.user });
  }

  /** Can this user (a person or a bot's user) read the conversation? Public channels: everyone. */
  canSee(userId: string, conversation: Conversation): boolean {
    return conversation.kind === 'channel' || conversation.members.has(userId);
  }

  /** A conversation by id, or by `#name` / `name` as chat.postMessage also takes, or a user id (their IM with the bot). */
  resolveChannel(value: unknown, botUserId: string | undefined): Conversation | undefined {
    if (typeof value !== 'string' || value === '') return undefined;
    const byId = this.conversations.get(value);
    if (byId) return byId;
    if (/^[UW][A-Z0-9]+$/.test(value) && botUserId && this.people.has(value)) return this.imBetween(botUserId, value);
    return this.channelByName(value.replace(/^#/, ''));
  }
}

export type { Json };
