/**
 * Messages an app sends back without the Web API: to a response_url, or in
 * the body of its answer to a slash command or legacy button, as Slack shows
 * them: in the channel, only to the person, or in place of the original.
 */
import type { ResponseUrl } from './interactions.js';
import { messageContent } from './web-api/chat.js';
import { Params, type WorkspaceEvents } from './web-api/method.js';
import type { Workspace } from './workspace.js';

type Json = Record<string, unknown>;

export type ResponseOutcome = { ok: true } | { ok: false; error: string };

export class Responder {
  readonly #workspace: Workspace;
  readonly #events: WorkspaceEvents;

  constructor(workspace: Workspace, events: WorkspaceEvents) {
    this.#workspace = workspace;
    this.#events = events;
  }

  apply(url: ResponseUrl, body: Json): ResponseOutcome {
    const workspace = this.#workspace;
    const bot = workspace.botByAppId(url.appId);
    if (!bot) return { ok: false, error: 'app_not_found' };
    const { target } = url;
    const original = target.kind === 'message' ? workspace.message(url.channelId, target.ts) : undefined;
    const originalEphemeral = target.kind === 'ephemeral' ? workspace.ephemeral(target.id) : undefined;

    if (body.delete_original === true || body.delete_original === 'true') {
      if (original) workspace.remove(original);
      else if (originalEphemeral) workspace.removeEphemeral(originalEphemeral);
      else return { ok: false, error: 'message_not_found' };
      return { ok: true };
    }
    const content = messageContent(new Params(body));
    if (typeof content === 'string') {
      // A command's in_channel answer with nothing to say still shows the command, as Slack does.
      if (content === 'no_text' && target.kind === 'command' && body.response_type === 'in_channel') {
        this.#echoCommand(url);
        return { ok: true };
      }
      return { ok: false, error: content };
    }
    if (body.replace_original === true || body.replace_original === 'true') {
      if (original) {
        workspace.update(original, content, bot.userId);
        return { ok: true };
      }
      if (originalEphemeral) {
        workspace.replaceEphemeral(originalEphemeral, content);
        return { ok: true };
      }
    }
    const threadTs = typeof body.thread_ts === 'string' && body.thread_ts ? body.thread_ts : url.threadTs;
    if (body.response_type === 'in_channel') {
      this.#echoCommand(url);
      const message = workspace.post({ channel: url.channelId, user: bot.userId, bot, ...content, ...(threadTs ? { threadTs } : {}) });
      this.#events.messagePosted(message);
    } else {
      workspace.postEphemeral({ channel: url.channelId, user: url.userId, bot, ...content, ...(threadTs ? { threadTs } : {}) });
    }
    return { ok: true };
  }

  /** A command answered in the channel is shown there first, as the person typed it (once). */
  #echoCommand(url: ResponseUrl): void {
    if (url.target.kind !== 'command' || url.echoed) return;
    url.echoed = true;
    const text = `${url.target.command} ${url.target.text}`.trim();
    this.#workspace.post({ channel: url.channelId, user: url.userId, text, ...(url.threadTs ? { threadTs: url.threadTs } : {}) });
  }
}
