/** views.open, views.update, views.push and dialog.open: the modals a bot opens for a person. */
import { randomBytes } from 'node:crypto';
import { freshId } from '../ids.js';
import { withIds } from '../blocks.js';
import { MAX_VIEW_STACK, type ModalView } from '../interactions.js';
import type { BotIdentity, Workspace } from '../workspace.js';
import { failure, type Answer, type Json, type MethodContext, type WebApiMethod } from './method.js';

function hash(): string {
  return `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`;
}

/** What Slack would refuse in a view, in its words (empty when it would take it). */
export function viewProblems(view: Json): string[] {
  const problems: string[] = [];
  if (view.type !== 'modal') problems.push('[ERROR] must be "modal" [json-pointer:/view/type]');
  if (typeof view.title !== 'object' || view.title === null) problems.push('[ERROR] missing required field: title [json-pointer:/view]');
  if (!Array.isArray(view.blocks)) problems.push('[ERROR] missing required field: blocks [json-pointer:/view]');
  else if (view.blocks.some((block) => (block as Json | null)?.type === 'input') && !view.submit) {
    problems.push('[ERROR] submit is required when an input block is present [json-pointer:/view/submit]');
  }
  return problems;
}

/** The view argument, or Slack's error with the reasons in response_metadata. */
function viewArgument(context: MethodContext): Json {
  const view = context.params.json('view', 'object');
  if (view === undefined) return failure('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: view'] } });
  if (view === 'invalid') return failure('invalid_arguments', { response_metadata: { messages: ['[ERROR] failed to match all allowed schemas [json-pointer:/view]'] } });
  const problems = viewProblems(view);
  if (problems.length > 0) return failure('invalid_arguments', { response_metadata: { messages: problems } });
  return view;
}

function isFailure(value: Json): value is Answer {
  return value.ok === false;
}

/** The view as Slack's views.* methods answer with it. */
export function buildView(workspace: Workspace, bot: BotIdentity, input: Json, stack: { root?: string; previous?: string | undefined; id?: string }): ModalView {
  const id = stack.id ?? freshId('V');
  return {
    errors: {},
    json: {
      id,
      team_id: workspace.teamId,
      type: 'modal',
      blocks: withIds(Array.isArray(input.blocks) ? input.blocks : []),
      private_metadata: typeof input.private_metadata === 'string' ? input.private_metadata : '',
      callback_id: typeof input.callback_id === 'string' ? input.callback_id : '',
      state: { values: {} },
      hash: hash(),
      title: input.title,
      clear_on_close: input.clear_on_close === true,
      notify_on_close: input.notify_on_close === true,
      close: input.close ?? null,
      submit: input.submit ?? null,
      previous_view_id: stack.previous ?? null,
      root_view_id: stack.root ?? id,
      app_id: bot.appId,
      external_id: typeof input.external_id === 'string' ? input.external_id : '',
      app_installed_team_id: workspace.teamId,
      bot_id: bot.botId,
    },
  };
}

function viewOutput(context: MethodContext, input: Json, stack: { root?: string; previous?: string | undefined; id?: string }): ModalView {
  return buildView(context.workspace, context.caller.bot, input, stack);
}

export const viewMethods: Readonly<Record<string, WebApiMethod>> = {
  'views.open': {
    run(context) {
      const trigger = context.interactions.useTrigger(context.params.string('trigger_id'), context.caller.bot.appId);
      if (typeof trigger === 'string') return failure(trigger);
      const view = viewArgument(context);
      if (isFailure(view)) return view;
      const output = viewOutput(context, view, {});
      context.interactions.openModal(context.caller.bot.appId, trigger.userId, output);
      context.workspace.emit({ type: 'view', user: trigger.userId });
      return { ok: true, view: output.json };
    },
  },

  'views.push': {
    run(context) {
      const trigger = context.interactions.useTrigger(context.params.string('trigger_id'), context.caller.bot.appId);
      if (typeof trigger === 'string') return failure(trigger);
      const modal = context.interactions.modalOf(trigger.userId);
      if (!modal) return failure('not_found');
      if (modal.views.length >= MAX_VIEW_STACK) return failure('push_limit_reached');
      const view = viewArgument(context);
      if (isFailure(view)) return view;
      const top = modal.views.at(-1)?.json;
      const output = viewOutput(context, view, { root: String(top?.root_view_id ?? ''), previous: String(top?.id ?? '') });
      modal.views.push(output);
      context.workspace.emit({ type: 'view', user: trigger.userId });
      return { ok: true, view: output.json };
    },
  },

  'views.update': {
    run(context) {
      const { params } = context;
      if (!params.has('view_id') && !params.has('external_id')) return failure('invalid_arguments', { response_metadata: { messages: ['[ERROR] view_id or external_id is required'] } });
      const found = context.interactions.findView({ id: params.string('view_id'), externalId: params.string('external_id') });
      if (!found || found.modal.appId !== context.caller.bot.appId) return failure('not_found');
      const current = found.modal.views[found.index] as ModalView;
      if (params.has('hash') && params.string('hash') !== current.json.hash) return failure('hash_conflict');
      const view = viewArgument(context);
      if (isFailure(view)) return view;
      const output = viewOutput(context, view, {
        id: String(current.json.id),
        root: String(current.json.root_view_id),
        previous: current.json.previous_view_id === null ? undefined : String(current.json.previous_view_id),
      });
      found.modal.views[found.index] = output;
      context.workspace.emit({ type: 'view', user: found.modal.userId });
      return { ok: true, view: output.json };
    },
  },

  'dialog.open': {
    run(context) {
      const trigger = context.interactions.useTrigger(context.params.string('trigger_id'), context.caller.bot.appId);
      if (typeof trigger === 'string') return failure(trigger);
      const dialog = context.params.json('dialog', 'object');
      if (dialog === undefined || dialog === 'invalid') return failure('missing_dialog');
      const problems: string[] = [];
      for (const field of ['title', 'callback_id'] as const) if (typeof dialog[field] !== 'string' || dialog[field] === '') problems.push(`${field} is required`);
      if (!Array.isArray(dialog.elements) || dialog.elements.length === 0) problems.push('elements must hold at least one element');
      if (problems.length > 0) return failure('validation_errors', { response_metadata: { messages: problems } });
      context.interactions.openDialog({ appId: context.caller.bot.appId, userId: trigger.userId, channelId: trigger.channelId, dialog });
      context.workspace.emit({ type: 'view', user: trigger.userId });
      return { ok: true };
    },
  },
};
