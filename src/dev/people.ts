/**
 * What a person does on the emulator's page, done as Slack does it: a message
 * is posted (and the bots hear of it), a slash command, a click or a modal's
 * submission becomes the webhook Slack sends, and the answer is shown as
 * Slack shows it.
 */
import { actionFor, findElement, viewState } from './blocks.js';
import type { EventDelivery } from './event-delivery.js';
import type { Interactions, ResponseTarget } from './interactions.js';
import { toSlackMarkup } from './markup.js';
import { blockActions, dialogSubmission, interactiveMessage, slashCommandForm, viewPayload, type ActionContainer } from './payloads.js';
import type { Responder } from './responses.js';
import { messageJson } from './shapes.js';
import { buildView, viewProblems } from './web-api/views.js';
import type { WebhookAnswer, WebhookSender } from './webhook-sender.js';
import type { BotIdentity, Conversation, Person, Workspace } from './workspace.js';

type Json = Record<string, unknown>;

/** What came of an action, for the page: ok, or what went wrong in words a person reads. */
export type Outcome = { ok: true; ts?: string } | { ok: false; error: string };

/** Where a clicked element is: a message, an ephemeral message, or an open modal. */
export type ClickTarget = { channel: string; ts: string } | { ephemeral: string } | { view: string };

export interface Choice {
  readonly blockId: string;
  readonly actionId: string;
  /** A select's option value, a user or conversation id, a date; several for multi-selects. */
  readonly value?: string | string[];
}

function object(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function plainText(value: unknown): string {
  return typeof value === 'string' ? value : String(object(value)?.text ?? '');
}

function failed(answer: WebhookAnswer): string | undefined {
  if (answer.status === 200) return undefined;
  return answer.status === 0 ? `omnibot-ts could not be reached (${answer.body})` : `omnibot-ts answered HTTP ${answer.status}: ${answer.body.slice(0, 200)}`;
}

export class People {
  readonly #workspace: Workspace;
  readonly #interactions: Interactions;
  readonly #sender: WebhookSender;
  readonly #events: EventDelivery;
  readonly #responder: Responder;
  /** Slash command → the app it belongs to. */
  readonly #commands: ReadonlyMap<string, BotIdentity>;
  #baseUrl = '';

  constructor(
    workspace: Workspace,
    interactions: Interactions,
    parts: { sender: WebhookSender; events: EventDelivery; responder: Responder; commands: ReadonlyMap<string, BotIdentity> },
  ) {
    this.#workspace = workspace;
    this.#interactions = interactions;
    this.#sender = parts.sender;
    this.#events = parts.events;
    this.#responder = parts.responder;
    this.#commands = parts.commands;
  }

  /** The emulator's own address, for the response_urls it hands out. */
  setBaseUrl(url: string): void {
    this.#baseUrl = url.replace(/\/$/, '');
  }

  #responseUrl(bot: BotIdentity, person: Person, channelId: string, target: ResponseTarget, threadTs?: string): string {
    const url = this.#interactions.responseUrl({ appId: bot.appId, channelId, userId: person.id, threadTs, target });
    return `${this.#baseUrl}/response_url/${url.id}`;
  }

  #slackbotSays(person: Person, channel: string, text: string): void {
    this.#workspace.postEphemeral({ channel, user: person.id, text });
  }

  /** A message, or a slash command when it starts with `/`. */
  async say(person: Person, conversation: Conversation, typed: string, threadTs?: string): Promise<Outcome> {
    const text = typed.trim();
    if (text === '') return { ok: false, error: 'nothing to send' };
    if (!conversation.members.has(person.id)) return { ok: false, error: `${person.name} is not in this conversation` };
    if (text.startsWith('/')) return this.command(person, conversation, text, threadTs);
    const parent = threadTs ? this.#workspace.message(conversation.id, threadTs) : undefined;
    const message = this.#workspace.post({
      channel: conversation.id,
      user: person.id,
      text: toSlackMarkup(this.#workspace, text),
      ...(parent ? { threadTs: parent.ts } : {}),
    });
    this.#events.messagePosted(message);
    return { ok: true, ts: message.ts };
  }

  async command(person: Person, conversation: Conversation, line: string, threadTs?: string): Promise<Outcome> {
    const [command = ''] = line.split(/\s+/);
    const text = line.slice(command.length).trim();
    const bot = this.#commands.get(command);
    if (!bot) {
      this.#slackbotSays(person, conversation.id, `\`${command}\` is not a valid command. In Slack, all messages that start with "/" are interpreted as commands.`);
      return { ok: true };
    }
    const trigger = this.#interactions.trigger(bot.appId, person.id, conversation.id);
    const responseUrl = this.#responseUrl(bot, person, conversation.id, { kind: 'command', command, text }, threadTs);
    const form = slashCommandForm(this.#workspace, bot, { person, conversation, command, text, responseUrl, triggerId: trigger.id });
    const answer = await this.#sender.slashCommand(bot, form, `${person.name}: ${line}`);
    const problem = failed(answer);
    if (problem) {
      this.#slackbotSays(person, conversation.id, `\`${command}\` failed with the error "http_service_error": ${problem}`);
      return { ok: true };
    }
    // The answer's body is a first response, as if posted to the response_url.
    if (answer.json) this.#respond(responseUrl, answer.json);
    return { ok: true };
  }

  #respond(responseUrl: string, body: Json): void {
    const id = responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
    const url = this.#interactions.useResponseUrl(id);
    if (typeof url !== 'string') this.#responder.apply(url, body);
  }

  async click(person: Person, target: ClickTarget, choice: Choice): Promise<Outcome> {
    const workspace = this.#workspace;
    let container: ActionContainer;
    let blocks: unknown;
    let appId: string | undefined;
    let channelId: string | undefined;
    let responseTarget: ResponseTarget | undefined;
    let threadTs: string | undefined;
    if ('view' in target) {
      const modal = this.#interactions.modalOf(person.id);
      const view = modal?.views.find((candidate) => candidate.json.id === target.view);
      if (!modal || !view) return { ok: false, error: 'that modal is not open' };
      container = { type: 'view', view: view.json };
      blocks = view.json.blocks;
      appId = modal.appId;
    } else if ('ephemeral' in target) {
      const ephemeral = workspace.ephemeral(target.ephemeral);
      const conversation = ephemeral && workspace.conversations.get(ephemeral.channel);
      if (!ephemeral || !conversation || ephemeral.user !== person.id) return { ok: false, error: 'that message is gone' };
      container = { type: 'ephemeral', ephemeral, conversation };
      ({ blocks } = ephemeral);
      appId = ephemeral.bot?.appId;
      channelId = conversation.id;
      responseTarget = { kind: 'ephemeral', id: ephemeral.id };
      threadTs = ephemeral.threadTs;
    } else {
      const message = workspace.message(target.channel, target.ts);
      const conversation = workspace.conversations.get(target.channel);
      if (!message || !conversation) return { ok: false, error: 'that message is gone' };
      container = { type: 'message', message, conversation };
      ({ blocks } = message);
      appId = message.bot?.appId;
      channelId = conversation.id;
      responseTarget = { kind: 'message', ts: message.ts };
      threadTs = message.threadTs;
    }
    const bot = appId === undefined ? undefined : workspace.botByAppId(appId);
    const element = findElement(blocks, choice.blockId, choice.actionId);
    if (!bot || !element) return { ok: false, error: 'no such button or menu' };
    const action = actionFor(element, choice.blockId, choice.value);
    const given = { [choice.blockId]: { [choice.actionId]: choice.value ?? [] } } as Record<string, Record<string, string | string[]>>;
    const trigger = this.#interactions.trigger(bot.appId, person.id, channelId);
    const responseUrl = channelId && responseTarget ? this.#responseUrl(bot, person, channelId, responseTarget, threadTs) : undefined;
    const payload = blockActions(workspace, bot, { person, container, action, state: viewState(blocks, given), responseUrl, triggerId: trigger.id });
    const label = element.type === 'button' ? `clicked "${plainText(element.text)}"` : `chose ${JSON.stringify(choice.value ?? null)} in ${choice.actionId}`;
    const answer = await this.#sender.interactive(bot, payload, `${person.name}: ${label}`);
    const problem = failed(answer);
    return problem ? { ok: false, error: problem } : { ok: true };
  }

  /** A legacy attachment's button or menu (`interactive_message`); the answer's body replaces the message, as Slack did. */
  async clickAttachment(person: Person, channel: string, ts: string, attachmentIndex: number, actionIndex: number, value?: string): Promise<Outcome> {
    const workspace = this.#workspace;
    const message = workspace.message(channel, ts);
    const conversation = workspace.conversations.get(channel);
    const attachment = object(message?.attachments?.[attachmentIndex]);
    const element = object((attachment?.actions as unknown[] | undefined)?.[actionIndex]);
    const bot = message?.bot && workspace.botByAppId(message.bot.appId);
    if (!message || !conversation || !attachment || !element || !bot) return { ok: false, error: 'no such button or menu' };
    const action: Json = { name: element.name, type: element.type };
    if (element.type === 'select') action.selected_options = [{ value: value ?? '' }];
    else action.value = element.value;
    const trigger = this.#interactions.trigger(bot.appId, person.id, channel);
    const responseUrl = this.#responseUrl(bot, person, channel, { kind: 'message', ts }, message.threadTs);
    const payload = interactiveMessage(workspace, bot, {
      person,
      conversation,
      message: messageJson(workspace, message),
      callbackId: String(attachment.callback_id ?? ''),
      attachmentId: attachmentIndex + 1,
      action,
      responseUrl,
      triggerId: trigger.id,
      ts,
    });
    const answer = await this.#sender.interactive(bot, payload, `${person.name}: clicked "${String(element.text ?? element.name)}"`);
    const problem = failed(answer);
    if (problem) return { ok: false, error: problem };
    if (answer.json && Object.keys(answer.json).length > 0) this.#respond(responseUrl, { replace_original: true, ...answer.json });
    return { ok: true };
  }

  async submitView(person: Person, viewId: string, values: Record<string, Record<string, string | string[]>>): Promise<Outcome> {
    const modal = this.#interactions.modalOf(person.id);
    const top = modal?.views.at(-1);
    const bot = modal && this.#workspace.botByAppId(modal.appId);
    if (!modal || !top || !bot || top.json.id !== viewId) return { ok: false, error: 'that modal is not open' };
    const trigger = this.#interactions.trigger(bot.appId, person.id, undefined);
    const state = viewState(top.json.blocks, values);
    top.json.state = state;
    const payload = viewPayload(this.#workspace, bot, { person, view: top.json, state, triggerId: trigger.id });
    const answer = await this.#sender.interactive(bot, payload, `${person.name}: submitted "${plainText(top.json.title)}"`);
    const problem = failed(answer);
    if (problem) {
      // Slack keeps the modal open and says it couldn't reach the app.
      top.errors = { '': `We had some trouble connecting. ${problem}` };
      this.#workspace.emit({ type: 'view', user: person.id });
      return { ok: false, error: problem };
    }
    const response = answer.json ?? {};
    const responseView = object(response.view);
    switch (response.response_action) {
      case 'errors':
        top.errors = Object.fromEntries(Object.entries(object(response.errors) ?? {}).map(([block, error]) => [block, String(error)]));
        break;
      case 'update':
      case 'push':
        if (!responseView || viewProblems(responseView).length > 0) {
          top.errors = { '': `The app answered response_action "${String(response.response_action)}" with a view Slack would refuse.` };
        } else if (response.response_action === 'update') {
          modal.views[modal.views.length - 1] = buildView(this.#workspace, bot, responseView, { id: String(top.json.id), root: String(top.json.root_view_id) });
        } else {
          modal.views.push(buildView(this.#workspace, bot, responseView, { root: String(top.json.root_view_id), previous: String(top.json.id) }));
        }
        break;
      case 'clear':
        this.#interactions.closeModal(person.id);
        break;
      default:
        // An empty answer closes the view that was submitted.
        modal.views.pop();
        if (modal.views.length === 0) this.#interactions.closeModal(person.id);
    }
    this.#workspace.emit({ type: 'view', user: person.id });
    return { ok: true };
  }

  async closeView(person: Person, viewId: string): Promise<Outcome> {
    const modal = this.#interactions.modalOf(person.id);
    const top = modal?.views.at(-1);
    if (!modal || !top || top.json.id !== viewId) return { ok: false, error: 'that modal is not open' };
    this.#interactions.closeModal(person.id);
    this.#workspace.emit({ type: 'view', user: person.id });
    const bot = this.#workspace.botByAppId(modal.appId);
    if (bot && top.json.notify_on_close === true) {
      const trigger = this.#interactions.trigger(bot.appId, person.id, undefined);
      const payload = viewPayload(this.#workspace, bot, { person, view: top.json, state: top.json.state as Json, triggerId: trigger.id, closed: true });
      const problem = failed(await this.#sender.interactive(bot, payload, `${person.name}: closed "${plainText(top.json.title)}"`));
      if (problem) return { ok: false, error: problem };
    }
    return { ok: true };
  }

  async submitDialog(person: Person, submission: Json): Promise<Outcome> {
    const dialog = this.#interactions.dialogOf(person.id);
    const bot = dialog && this.#workspace.botByAppId(dialog.appId);
    if (!dialog || !bot) return { ok: false, error: 'no dialog is open' };
    const conversation = dialog.channelId ? this.#workspace.conversations.get(dialog.channelId) : undefined;
    const responseUrl = conversation ? this.#responseUrl(bot, person, conversation.id, { kind: 'channel' }) : undefined;
    const payload = dialogSubmission(this.#workspace, bot, {
      person,
      conversation,
      callbackId: String(dialog.dialog.callback_id ?? ''),
      state: typeof dialog.dialog.state === 'string' ? dialog.dialog.state : '',
      submission,
      responseUrl,
    });
    const answer = await this.#sender.interactive(bot, payload, `${person.name}: submitted the dialog "${String(dialog.dialog.title ?? '')}"`);
    const problem = failed(answer);
    if (problem) {
      dialog.errors = [{ name: '', error: problem }];
    } else if (Array.isArray(answer.json?.errors)) {
      dialog.errors = answer.json.errors.map(object).filter((error) => error !== undefined).map((error) => ({ name: String(error.name), error: String(error.error) }));
    } else {
      this.#interactions.closeDialog(person.id);
    }
    this.#workspace.emit({ type: 'view', user: person.id });
    return problem ? { ok: false, error: problem } : { ok: true };
  }

  cancelDialog(person: Person): Outcome {
    this.#interactions.closeDialog(person.id);
    this.#workspace.emit({ type: 'view', user: person.id });
    return { ok: true };
  }

  /** Adds the person's reaction, or takes it back when it is there. */
  react(person: Person, channel: string, ts: string, name: string): Outcome {
    const message = this.#workspace.message(channel, ts);
    if (!message) return { ok: false, error: 'that message is gone' };
    const added = !(message.reactions.get(name) ?? []).includes(person.id);
    this.#workspace.react(message, name, person.id, added);
    this.#events.reactionChanged(message, person.id, name, added);
    return { ok: true };
  }
}
