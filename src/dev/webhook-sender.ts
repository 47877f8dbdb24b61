/**
 * Sends webhooks as Slack does: signed with the app's signing secret (v0),
 * POSTed to omnibot-ts's real routes, each recorded in the trace log first so
 * that nothing the roles report about it is missed.
 */
import { request } from 'undici';
import { stableMessageId } from '../queue/publish.js';
import { signSlackRequest } from '../slack/signature.js';
import type { Delivery, TraceLog } from './trace-log.js';
import type { BotIdentity } from './workspace.js';

type Json = Record<string, unknown>;

const ROUTES = {
  event: '/api/v1/slack/event',
  slash_command: '/api/v1/slack/slash_command',
  interactive_component: '/api/v1/slack/interactive',
} as const;

export interface WebhookAnswer {
  readonly status: number;
  readonly body: string;
  /** The body as JSON, when it is a JSON object. */
  readonly json: Json | undefined;
}

export class WebhookSender {
  readonly #traces: TraceLog;
  #target: string | undefined;

  constructor(traces: TraceLog) {
    this.#traces = traces;
  }

  /** Where omnibot-ts listens, e.g. http://127.0.0.1:8080. */
  setTarget(url: string): void {
    this.#target = url.replace(/\/$/, '');
  }

  event(bot: BotIdentity, payload: Json & { event_id: string }, summary: string): Promise<WebhookAnswer> {
    const body = JSON.stringify(payload);
    return this.#send(bot, 'event', payload, body, 'application/json', stableMessageId(payload.event_id, body), summary);
  }

  slashCommand(bot: BotIdentity, form: Record<string, string>, summary: string): Promise<WebhookAnswer> {
    const body = new URLSearchParams(form).toString();
    return this.#send(bot, 'slash_command', form, body, 'application/x-www-form-urlencoded', stableMessageId(form.trigger_id, body), summary);
  }

  interactive(bot: BotIdentity, payload: Json, summary: string): Promise<WebhookAnswer> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.#send(bot, 'interactive_component', payload, body, 'application/x-www-form-urlencoded', stableMessageId(payload.trigger_id, body), summary);
  }

  async #send(bot: BotIdentity, type: Delivery['type'], payload: unknown, body: string, contentType: string, id: string, summary: string): Promise<WebhookAnswer> {
    const delivery = this.#traces.started({ id, type, bot: bot.name, summary, payload });
    const started = performance.now();
    const headers: Record<string, string> = { 'content-type': contentType, 'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)' };
    const secret = bot.credentials.signingSecret?.reveal();
    if (secret) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      headers['x-slack-request-timestamp'] = timestamp;
      headers['x-slack-signature'] = signSlackRequest(secret, timestamp, body);
    }
    try {
      if (!this.#target) throw new Error('omnibot-ts is not listening yet');
      const response = await request(`${this.#target}${ROUTES[type]}`, { method: 'POST', headers, body, headersTimeout: 10_000, bodyTimeout: 10_000 });
      const text = await response.body.text();
      this.#traces.answered(delivery, { status: response.statusCode, body: text, ms: performance.now() - started });
      return { status: response.statusCode, body: text, json: jsonObject(text) };
    } catch (error) {
      this.#traces.answered(delivery, { error: (error as Error).message, ms: performance.now() - started });
      return { status: 0, body: (error as Error).message, json: undefined };
    }
  }
}

function jsonObject(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}
