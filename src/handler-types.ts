/**
 * What a handler's callback receives and may answer, for callback authors
 * (docs/HANDLERS.md): `import type { MessageCallback } from 'omnibot-ts'`.
 * The payloads are omnibot's, field for field; an http_callback service
 * receives the same payload as JSON and answers the same way.
 */
import type { SlackConversation, SlackUser } from './directory/types.js';
import type { CallbackContext } from './worker/callbacks/types.js';

export type { CallbackContext, CallbackLogger } from './worker/callbacks/types.js';
export type { SlackConversation, SlackUser } from './directory/types.js';

/** The bot that received the webhook, by its configured name and Slack app id. */
export interface PayloadBot {
  readonly name: string;
  readonly bot_id: string;
}

/** Its team, by configured name and Slack team id. */
export interface PayloadTeam {
  readonly name: string;
  readonly team_id: string;
}

/** A user as the directory knows it; `{}` when Slack doesn't know the id. */
export type ParsedUser = SlackUser | Record<string, never>;

/** A conversation as the directory knows it; `{}` when Slack doesn't know the id. */
export type ParsedChannel = SlackConversation | Record<string, never>;

/**
 * What the parser found in a text, each keyed by the markup as written:
 * `users: {"<@U123>": "alice"}`, `channels: {"<#C123|general>": "general"}`,
 * `specials: {"<!here>": "@here"}`, `emojis: {":tada:": "tada"}`,
 * `emails: {"<mailto:a@b.c|a@b.c>": "a@b.c"}`, `urls: {"<https://x.y>": "https://x.y"}`.
 */
export interface ParsedText {
  /** The text with Slack's markup turned back into `@alice`, `#general`, `@here`. */
  readonly parsed_text: string;
  readonly users: Readonly<Record<string, string>>;
  readonly channels: Readonly<Record<string, string>>;
  readonly subteams: Readonly<Record<string, string>>;
  readonly specials: Readonly<Record<string, string>>;
  readonly emojis: Readonly<Record<string, string>>;
  readonly emails: Readonly<Record<string, string>>;
  readonly urls: Readonly<Record<string, string>>;
}

/** A message (or app_mention) that matched a message handler with `match_type: command` or `regex`. */
export interface MessagePayload extends ParsedText {
  readonly omnibot_payload_type: 'message';
  readonly event_type: 'message' | 'app_mention' | null;
  readonly bot: PayloadBot;
  readonly team: PayloadTeam;
  /** The author's user id. */
  readonly user: string | null;
  readonly parsed_user: ParsedUser | null;
  readonly ts: string;
  /** Set for a reply in a thread (only handlers with `match_reply: true` get those). */
  readonly thread_ts: string | null;
  readonly parent_user_id: string | null;
  readonly text: string;
  readonly channel_id: string;
  readonly channel: ParsedChannel;
  /** Addressed to the bot: in an IM, or starting with a mention of it (`@bot do this`). */
  readonly directed: boolean;
  /** The bot is mentioned anywhere in the text. */
  readonly mentioned: boolean;
  /** For a directed message: the text after the bot's mention. */
  readonly command_text: string;
  readonly match_type: 'command' | 'regex';
  /** The handler's `match`. */
  readonly match: string;
  /** For `command` handlers: the command (the handler's match)… */
  readonly command?: string;
  /** …and what follows it, stripped. */
  readonly args?: string;
  /** For `regex` handlers: the handler's regex. */
  readonly regex?: string;
}

/** A reaction added to (or removed from) one of the bot's messages, for handlers with `match_type: reaction`. */
export interface ReactionPayload {
  readonly omnibot_payload_type: 'reaction';
  readonly event_type: 'reaction_added' | 'reaction_removed' | null;
  readonly bot: PayloadBot;
  readonly team: PayloadTeam;
  readonly user: string | null;
  readonly parsed_user: ParsedUser | null;
  readonly ts: string | null;
  readonly emoji_name: string;
  readonly item_type: string;
  readonly item_channel: string;
  readonly item_ts: string;
  readonly item_user: string | null;
  readonly channel_id: string;
  readonly match_type: 'reaction';
  readonly match: string;
  readonly reaction: string;
  /** The emoji's name. */
  readonly args: string;
}

/** A slash command that matched a `slash_command_handlers` entry. */
export interface SlashCommandPayload extends ParsedText {
  readonly omnibot_payload_type: 'slash_command';
  readonly bot: PayloadBot;
  readonly team: PayloadTeam;
  readonly enterprise_id: string | null;
  readonly enterprise_name: string | null;
  /** With its slash: `/deploy`. */
  readonly command: string;
  readonly response_url: string | null;
  readonly trigger_id: string | null;
  readonly user_id: string | null;
  readonly parsed_user: ParsedUser | null;
  /** What the user typed after the command. */
  readonly text: string;
  readonly channel_id: string;
  readonly channel: ParsedChannel;
}

/** A button, menu, shortcut, dialog or modal submission that matched an `interactive_component_handlers` entry. */
export interface InteractiveComponentPayload {
  readonly omnibot_payload_type: 'interactive_component';
  readonly bot: PayloadBot;
  readonly team: PayloadTeam;
  /** Slack's type: `block_actions`, `interactive_message`, `message_action`, `shortcut`, `dialog_submission`, `view_submission`, … */
  readonly type: string;
  readonly callback_id: string | null;
  readonly action_ts: string | null;
  readonly message_ts: string | null;
  readonly trigger_id: string | null;
  readonly response_url: string | null;
  readonly original_message: Readonly<Record<string, unknown>> | null;
  readonly view: Readonly<Record<string, unknown>> | null;
  readonly state: unknown;
  readonly user: Readonly<{ id: string; [key: string]: unknown }> | null;
  readonly channel: Readonly<{ id: string; [key: string]: unknown }> | null;
  /** The message the component belongs to, with `parsed_user` and, when it has text, the parser's fields. */
  readonly message: Readonly<Record<string, unknown>> | null;
  /** A dialog's submitted values. */
  readonly submission: Readonly<Record<string, string>> | null;
  readonly actions: readonly Readonly<Record<string, unknown>>[] | null;
  /** Present when the component names a user / a channel. */
  readonly parsed_user?: ParsedUser;
  readonly parsed_channel?: ParsedChannel;
}

/** Rewrites plain `@user`, `#channel` and `@here` in the named kwargs into Slack's markup before the call. */
export type OmnibotParse = Readonly<Record<string, ReadonlyArray<'users' | 'channels' | 'specials'>>>;

/**
 * A Slack Web API call made as the bot (with its user token when Slack refuses
 * the bot token for missing_scope, not_allowed_token_type, channel_not_found or
 * not_in_channel). A `chat.postMessage` from a message, reaction or
 * interactive component callback without `channel` goes to the webhook's
 * channel, and, for a message, in its thread (`thread_ts: null`: not in a thread).
 */
export interface SlackAction {
  /** A Slack method: `chat.postMessage`, `reactions.add`, `conversations.setTopic`, … */
  readonly action: string;
  readonly kwargs: Readonly<Record<string, unknown>> & { readonly omnibot_parse?: OmnibotParse };
}

/**
 * A message posted to the command's or component's `response_url`; the
 * handler's `response_type` unless it sets its own.
 */
export interface SlackResponse {
  readonly text?: string;
  readonly blocks?: readonly unknown[];
  readonly attachments?: readonly unknown[];
  readonly response_type?: 'in_channel' | 'ephemeral';
  readonly replace_original?: boolean;
  readonly delete_original?: boolean;
  readonly thread_ts?: string;
  readonly omnibot_parse?: OmnibotParse;
  readonly [key: string]: unknown;
}

/** What a message or reaction callback may answer: actions only (a message has no response_url). */
export interface MessageCallbackAnswer {
  readonly actions?: readonly SlackAction[];
}

/** What a slash command or interactive component callback may answer. */
export interface CommandCallbackAnswer {
  readonly actions?: readonly SlackAction[];
  readonly responses?: readonly SlackResponse[];
}

/**
 * A `synchronous: true` interactive callback's answer is Slack's answer to the
 * request, sent as is: for a modal, `{response_action: "errors", errors: {…}}`,
 * `{response_action: "update", view: {…}}`, or nothing (an empty 200 closes it).
 */
export type SynchronousAnswer = Readonly<Record<string, unknown>> | undefined | void;

type Answer<T> = T | undefined | void | Promise<T | undefined | void>;

/**
 * A callback module's export, as `module: "./callbacks/mine.js:export"` names
 * it: the payload, the handler's `kwargs` (a copy), and the worker's context
 * (the bot, the directory, Slack's Web API, a logger).
 */
export type MessageCallback = (payload: MessagePayload, kwargs: Readonly<Record<string, unknown>>, context: CallbackContext) => Answer<MessageCallbackAnswer>;
export type ReactionCallback = (payload: ReactionPayload, kwargs: Readonly<Record<string, unknown>>, context: CallbackContext) => Answer<MessageCallbackAnswer>;
export type SlashCommandCallback = (
  payload: SlashCommandPayload,
  kwargs: Readonly<Record<string, unknown>>,
  context: CallbackContext,
) => Answer<CommandCallbackAnswer>;
export type InteractiveComponentCallback = (
  payload: InteractiveComponentPayload,
  kwargs: Readonly<Record<string, unknown>>,
  context: CallbackContext,
) => Answer<CommandCallbackAnswer>;
export type SynchronousInteractiveCallback = (
  payload: InteractiveComponentPayload,
  kwargs: Readonly<Record<string, unknown>>,
  context: CallbackContext,
) => SynchronousAnswer | Promise<SynchronousAnswer>;
