/** Block Kit, as Slack treats what an app sends: ids filled in, elements found again when clicked. */
import { randomBytes } from 'node:crypto';

type Json = Record<string, unknown>;

function object(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function shortId(): string {
  return randomBytes(4).toString('base64url').slice(0, 5);
}

/** The interactive elements of a block: an actions block's elements, a section's accessory, an input's element. */
function elementsOf(block: Json): Json[] {
  const found: Json[] = [];
  if (Array.isArray(block.elements)) for (const element of block.elements) if (object(element)) found.push(element as Json);
  for (const key of ['accessory', 'element']) {
    const element = object(block[key]);
    if (element) found.push(element);
  }
  return found.filter((element) => typeof element.type === 'string' && !['plain_text', 'mrkdwn', 'image'].includes(element.type as string));
}

/** As Slack stores them: every block has a block_id and every interactive element an action_id (made up when missing). */
export function withIds(blocks: unknown[]): unknown[] {
  return blocks.map((entry) => {
    const block = object(entry);
    if (!block) return entry;
    const copy: Json = { ...block, block_id: typeof block.block_id === 'string' && block.block_id ? block.block_id : shortId() };
    if (Array.isArray(block.elements)) copy.elements = block.elements.map((element) => withActionId(element));
    for (const key of ['accessory', 'element']) if (object(block[key])) copy[key] = withActionId(block[key]);
    return copy;
  });
}

function withActionId(entry: unknown): unknown {
  const element = object(entry);
  if (!element || typeof element.type !== 'string' || ['plain_text', 'mrkdwn', 'image'].includes(element.type)) return entry;
  return typeof element.action_id === 'string' && element.action_id ? element : { ...element, action_id: shortId() };
}

export function findElement(blocks: unknown, blockId: string, actionId: string): Json | undefined {
  if (!Array.isArray(blocks)) return undefined;
  for (const entry of blocks) {
    const block = object(entry);
    if (!block || block.block_id !== blockId) continue;
    return elementsOf(block).find((element) => element.action_id === actionId);
  }
  return undefined;
}

function options(element: Json): Json[] {
  const direct = Array.isArray(element.options) ? element.options : [];
  const grouped = Array.isArray(element.option_groups) ? element.option_groups.flatMap((group) => (object(group)?.options as unknown[]) ?? []) : [];
  return [...direct, ...grouped].map(object).filter((option) => option !== undefined);
}

function optionNamed(element: Json, value: string | undefined): Json | undefined {
  return options(element).find((option) => option.value === value);
}

/**
 * The action Slack reports for an element a person used, with the choice
 * they made (`value`: an option's value, a user or conversation id, a date):
 * for a button its text and value, for a select its selected option, and so on.
 */
export function actionFor(element: Json, blockId: string, choice: string | string[] | undefined): Json {
  const type = String(element.type);
  const action: Json = { type, block_id: blockId, action_id: element.action_id };
  const single = Array.isArray(choice) ? choice[0] : choice;
  const many = Array.isArray(choice) ? choice : choice === undefined ? [] : [choice];
  switch (type) {
    case 'button':
      action.text = element.text;
      if (element.value !== undefined) action.value = element.value;
      if (element.style !== undefined) action.style = element.style;
      break;
    case 'static_select':
    case 'external_select':
    case 'overflow':
    case 'radio_buttons':
      action.selected_option = optionNamed(element, single) ?? null;
      break;
    case 'multi_static_select':
    case 'checkboxes':
      action.selected_options = many.map((value) => optionNamed(element, value)).filter((option) => option !== undefined);
      break;
    case 'users_select':
      action.selected_user = single ?? null;
      break;
    case 'conversations_select':
      action.selected_conversation = single ?? null;
      break;
    case 'channels_select':
      action.selected_channel = single ?? null;
      break;
    case 'datepicker':
      action.selected_date = single ?? null;
      break;
    default:
      action.value = single ?? null;
  }
  if (element.placeholder !== undefined && type.endsWith('select')) action.placeholder = element.placeholder;
  return action;
}

/** A stateful element's value as `state.values[block][action]` holds it. */
export function stateValue(element: Json, choice: string | string[] | undefined): Json {
  const action = actionFor(element, '', choice);
  delete action.block_id;
  delete action.action_id;
  if (['plain_text_input', 'email_text_input', 'url_text_input', 'number_input'].includes(String(element.type))) {
    return { type: element.type, value: (Array.isArray(choice) ? choice[0] : choice) ?? null };
  }
  delete action.text;
  delete action.placeholder;
  return action;
}

/** The view's state as Slack reports it on submission: every stateful element of every block, by block and action id. */
export function viewState(blocks: unknown, given: Record<string, Record<string, string | string[]>>): Json {
  const values: Record<string, Json> = {};
  if (!Array.isArray(blocks)) return { values };
  for (const entry of blocks) {
    const block = object(entry);
    if (!block || typeof block.block_id !== 'string') continue;
    for (const element of elementsOf(block)) {
      if (element.type === 'button' || typeof element.action_id !== 'string') continue;
      const choice = given[block.block_id]?.[element.action_id];
      (values[block.block_id] ??= {})[element.action_id] = stateValue(element, choice);
    }
  }
  return { values };
}
