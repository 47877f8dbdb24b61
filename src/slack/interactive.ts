/** Slack's interactive payload types omnibot-ts accepts. */
export const INTERACTIVE_TYPES: ReadonlySet<string> = new Set([
  'interactive_message',
  'message_action',
  'dialog_submission',
  'block_actions',
  'view_submission',
  'shortcut',
  'view_closed',
]);

/** Types whose answer must be an empty body (for a modal, an empty body is what closes it). */
export const EMPTY_ANSWER_TYPES: ReadonlySet<string> = new Set(['dialog_submission', 'view_submission', 'view_closed']);

type Json = Record<string, unknown>;

function object(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * The team an interactive payload belongs to, as omnibot's `_get_team_id`
 * finds it: enterprise installs prefer the message's team, then the user's;
 * others the payload's team, then the message's.
 */
export function interactiveTeamId(payload: Json): string | undefined {
  const originalTeam = nonEmptyString(object(payload.original_message)?.team);
  if (payload.is_enterprise_install === true) return originalTeam ?? nonEmptyString(object(payload.user)?.team_id);
  return nonEmptyString(object(payload.team)?.id) ?? originalTeam;
}

export class MissingActionsError extends Error {
  override readonly name = 'MissingActionsError';
}

/**
 * The id handlers are matched on, as omnibot's `get_callback_id`: a block
 * action's first block id, a view's callback id, else the payload's callback id.
 */
export function interactiveCallbackId(payload: Json): string | undefined {
  if (payload.type === 'block_actions') {
    const actions = payload.actions;
    const first = Array.isArray(actions) ? object(actions[0]) : undefined;
    if (!first) throw new MissingActionsError('block_actions payload has no actions');
    return nonEmptyString(first.block_id);
  }
  if (payload.type === 'view_submission' || payload.type === 'view_closed') {
    return nonEmptyString(object(payload.view)?.callback_id);
  }
  return nonEmptyString(payload.callback_id);
}
