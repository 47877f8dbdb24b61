/** What every emulated Web API method gets, and what it answers. */
import type { Interactions } from '../interactions.js';
import type { BotIdentity, Conversation, Message, Workspace } from '../workspace.js';

export type Json = Record<string, unknown>;

/** Slack's answer envelope. */
export interface Answer {
  ok: boolean;
  error?: string;
  [field: string]: unknown;
}

/** Who calls: the bot token's bot, or its user token's person. */
export interface Caller {
  readonly bot: BotIdentity;
  /** The user the token acts as: the bot's user, or the person who installed the app. */
  readonly userId: string;
  readonly kind: 'bot' | 'user';
  readonly scopes: ReadonlySet<string>;
}

/** What the methods tell the rest of the emulator, so that the bots hear of it as they would from Slack. */
export interface WorkspaceEvents {
  messagePosted(message: Message): void;
  reactionChanged(message: Message, user: string, name: string, added: boolean): void;
}

export interface MethodContext {
  readonly workspace: Workspace;
  readonly interactions: Interactions;
  readonly events: WorkspaceEvents;
  readonly caller: Caller;
  readonly params: Params;
}

export interface WebApiMethod {
  /** Scopes of which the token needs one; a function when it depends on the conversation. */
  readonly scopes?: readonly string[] | ((context: MethodContext) => readonly string[]);
  run(context: MethodContext): Answer | Promise<Answer>;
}

export function failure(error: string, extra: Json = {}): Answer {
  return { ok: false, error, ...extra };
}

/** The method's arguments, whether they came form-encoded (objects as JSON text) or as a JSON body. */
export class Params {
  readonly #values: Json;

  constructor(values: Json) {
    this.#values = values;
  }

  has(name: string): boolean {
    const value = this.#values[name];
    return value !== undefined && value !== null && value !== '';
  }

  string(name: string): string | undefined {
    const value = this.#values[name];
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return undefined;
  }

  boolean(name: string): boolean {
    const value = this.#values[name];
    return value === true || value === 'true' || value === '1' || value === 1;
  }

  integer(name: string, fallback: number, max: number): number {
    const value = Number(this.string(name));
    return Number.isInteger(value) && value > 0 ? Math.min(value, max) : fallback;
  }

  /** An object or array argument; `invalid` when it is text that isn't JSON of that kind. */
  json<T extends 'object' | 'array'>(name: string, kind: T): (T extends 'array' ? unknown[] : Json) | undefined | 'invalid' {
    let value = this.#values[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value);
      } catch {
        return 'invalid';
      }
    }
    const isArray = Array.isArray(value);
    if (kind === 'array' ? !isArray : isArray || typeof value !== 'object' || value === null) return 'invalid';
    return value as T extends 'array' ? unknown[] : Json;
  }
}

/** The conversation a method names in `channel`, if the caller may see it (else Slack says channel_not_found). */
export function visibleChannel(context: MethodContext, name = 'channel'): Conversation | undefined {
  const conversation = context.workspace.resolveChannel(context.params.string(name), context.caller.userId);
  return conversation && context.workspace.canSee(context.caller.userId, conversation) ? conversation : undefined;
}

/** The read scope Slack asks for a kind of conversation: channels:, groups:, im: or mpim:. */
export function conversationScope(conversation: Conversation | undefined, suffix: 'read' | 'history'): string {
  const prefix = conversation?.kind === 'group' ? 'groups' : conversation?.kind === 'im' ? 'im' : 'channels';
  return `${prefix}:${suffix}`;
}
