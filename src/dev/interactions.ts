/**
 * What the emulated Slack hands out for interactions and remembers about
 * them: trigger ids, response_urls, and the modals (views and legacy dialogs)
 * open for each person.
 */
import { freshId, triggerId } from './ids.js';

type Json = Record<string, unknown>;

/**
 * Slack's trigger ids expire after 3 s. The emulator gives 30 s: the first
 * webhook after `npm start` can take longer than 3 s on a busy laptop, and a
 * modal that never opens teaches nothing.
 */
export const TRIGGER_TTL_MS = 30_000;
/** As Slack: a response_url takes five responses within thirty minutes. */
export const RESPONSE_URL_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;
/** As Slack: at most three views in a modal's stack. */
export const MAX_VIEW_STACK = 3;

export interface Trigger {
  readonly id: string;
  readonly appId: string;
  readonly userId: string;
  readonly channelId: string | undefined;
  readonly createdAt: number;
}

/** Where a response_url's messages go. */
export type ResponseTarget =
  | { kind: 'command'; command: string; text: string }
  | { kind: 'message'; ts: string }
  | { kind: 'ephemeral'; id: string }
  | { kind: 'channel' };

export interface ResponseUrl {
  readonly id: string;
  readonly appId: string;
  readonly channelId: string;
  readonly userId: string;
  readonly threadTs: string | undefined;
  readonly target: ResponseTarget;
  readonly createdAt: number;
  uses: number;
  /** A command's in_channel answer shows the command itself first, once. */
  echoed: boolean;
}

export interface ModalView {
  /** The view as Slack's views.* methods answer with it, state included. */
  json: Json;
  /** Errors from a `response_action: errors` answer, by block id. */
  errors: Record<string, string>;
}

export interface Modal {
  readonly appId: string;
  readonly userId: string;
  readonly views: ModalView[];
}

export interface Dialog {
  readonly id: string;
  readonly appId: string;
  readonly userId: string;
  readonly channelId: string | undefined;
  readonly dialog: Json;
  errors: Array<{ name: string; error: string }>;
}

export class Interactions {
  readonly #triggers = new Map<string, Trigger>();
  readonly #responseUrls = new Map<string, ResponseUrl>();
  readonly #modals = new Map<string, Modal>();
  readonly #dialogs = new Map<string, Dialog>();

  trigger(appId: string, userId: string, channelId: string | undefined): Trigger {
    this.#forgetOld();
    const trigger = { id: triggerId(), appId, userId, channelId, createdAt: Date.now() };
    this.#triggers.set(trigger.id, trigger);
    return trigger;
  }

  /** The trigger, or Slack's error for it. A trigger id serves one modal, as in Slack. */
  useTrigger(id: unknown, appId: string): Trigger | 'invalid_trigger_id' | 'expired_trigger_id' {
    const trigger = typeof id === 'string' ? this.#triggers.get(id) : undefined;
    if (!trigger || trigger.appId !== appId) return 'invalid_trigger_id';
    this.#triggers.delete(trigger.id);
    if (Date.now() - trigger.createdAt > TRIGGER_TTL_MS) return 'expired_trigger_id';
    return trigger;
  }

  responseUrl(fields: Omit<ResponseUrl, 'id' | 'createdAt' | 'uses' | 'echoed'>): ResponseUrl {
    this.#forgetOld();
    const url: ResponseUrl = { ...fields, id: freshId('', 24), createdAt: Date.now(), uses: 0, echoed: false };
    this.#responseUrls.set(url.id, url);
    return url;
  }

  /** The response_url for one more response, or why Slack would refuse it. */
  useResponseUrl(id: string): ResponseUrl | 'expired_url' | 'used_url' {
    const url = this.#responseUrls.get(id);
    if (!url || Date.now() - url.createdAt > RESPONSE_URL_TTL_MS) return 'expired_url';
    if (url.uses >= RESPONSE_URL_USES) return 'used_url';
    url.uses += 1;
    return url;
  }

  modalOf(userId: string): Modal | undefined {
    return this.#modals.get(userId);
  }

  openModal(appId: string, userId: string, view: ModalView): void {
    this.#modals.set(userId, { appId, userId, views: [view] });
  }

  closeModal(userId: string): void {
    this.#modals.delete(userId);
  }

  /** The open view with this id or external id, and the modal holding it. */
  findView(key: { id?: unknown; externalId?: unknown }): { modal: Modal; index: number } | undefined {
    for (const modal of this.#modals.values()) {
      const index = modal.views.findIndex(
        (view) => (key.id !== undefined && view.json.id === key.id) || (key.externalId !== undefined && view.json.external_id === key.externalId),
      );
      if (index >= 0) return { modal, index };
    }
    return undefined;
  }

  openDialog(fields: Omit<Dialog, 'id' | 'errors'>): Dialog {
    const dialog: Dialog = { ...fields, id: freshId('DLG'), errors: [] };
    this.#dialogs.set(fields.userId, dialog);
    return dialog;
  }

  dialogOf(userId: string): Dialog | undefined {
    return this.#dialogs.get(userId);
  }

  closeDialog(userId: string): void {
    this.#dialogs.delete(userId);
  }

  #forgetOld(): void {
    const now = Date.now();
    for (const [id, trigger] of this.#triggers) if (now - trigger.createdAt > TRIGGER_TTL_MS) this.#triggers.delete(id);
    for (const [id, url] of this.#responseUrls) if (now - url.createdAt > RESPONSE_URL_TTL_MS) this.#responseUrls.delete(id);
  }
}
