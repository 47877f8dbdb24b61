// Slack's message formats as DOM: mrkdwn text, Block Kit blocks and legacy attachments.
// Everything an app or a person wrote goes in as text nodes, never as HTML.

const EMOJI = {
  white_check_mark: '✅', heavy_check_mark: '✔️', x: '❌', '+1': '👍', thumbsup: '👍', '-1': '👎', tada: '🎉', eyes: '👀',
  heart: '❤️', rocket: '🚀', fire: '🔥', warning: '⚠️', wave: '👋', smile: '😄', joy: '😂', thinking_face: '🤔', ship: '🚢',
  mega: '📣', bangbang: '‼️', white_circle: '⚪', red_circle: '🔴', large_green_circle: '🟢', robot_face: '🤖',
};

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) if (child !== undefined && child !== null && child !== false) node.append(child);
  return node;
}

/** Whether this browser has a font for emoji (headless Chromium on a server often has none): else `:name:`. */
let emojiFont;
function hasEmojiFont() {
  if (emojiFont === undefined) {
    const context = document.createElement('canvas').getContext('2d');
    context.font = '16px sans-serif';
    // A character no font has is drawn as the same box as an emoji without an emoji font.
    emojiFont = context.measureText('\u{1F44D}').width !== context.measureText('\u{10FFFD}').width;
  }
  return emojiFont;
}

export function emoji(name) {
  return hasEmojiFont() && EMOJI[name] ? EMOJI[name] : `:${name}:`;
}

function unescape(text) {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

/** `<@U…>`, `<#C…|name>`, `<!here>`, `<url|label>` as the names a person sees. */
function link(inner, names) {
  const [target, label] = inner.split('|');
  if (target.startsWith('@')) return el('span', { class: 'mention' }, `@${names.person(target.slice(1)) ?? target.slice(1)}`);
  if (target.startsWith('#')) return el('span', { class: 'mention' }, `#${label ?? names.channel(target.slice(1)) ?? target.slice(1)}`);
  if (target.startsWith('!')) {
    const special = target.slice(1).split('^')[0];
    return el('span', { class: 'mention special' }, special.startsWith('subteam') ? `@${label ?? 'group'}` : `@${special}`);
  }
  return el('a', { href: target, target: '_blank', rel: 'noreferrer' }, unescape(label ?? target));
}

const INLINE = /```([\s\S]+?)```|`([^`\n]+)`|<([^>\n]+)>|\*([^*\n]+)\*|_([^_\n]+)_|~([^~\n]+)~|:([a-z0-9_+'-]+):/g;

/** Slack's mrkdwn: code, links and mentions, bold, italic, strike, emoji; newlines kept. */
export function mrkdwn(text, names, plain = false) {
  const out = el('span', { class: 'mrkdwn' });
  const source = String(text ?? '');
  if (plain) {
    out.append(unescape(source));
    return out;
  }
  let last = 0;
  for (const match of source.matchAll(INLINE)) {
    if (match.index > last) out.append(unescape(source.slice(last, match.index)));
    const [, pre, code, inner, bold, italic, strike, emojiName] = match;
    if (pre !== undefined) out.append(el('pre', {}, unescape(pre)));
    else if (code !== undefined) out.append(el('code', {}, unescape(code)));
    else if (inner !== undefined) out.append(link(inner, names));
    else if (bold !== undefined) out.append(el('strong', {}, mrkdwn(bold, names)));
    else if (italic !== undefined) out.append(el('em', {}, mrkdwn(italic, names)));
    else if (strike !== undefined) out.append(el('s', {}, mrkdwn(strike, names)));
    else out.append(el('span', { class: 'emoji', title: `:${emojiName}:` }, emoji(emojiName)));
    last = match.index + match[0].length;
  }
  if (last < source.length) out.append(unescape(source.slice(last)));
  return out;
}

function textObject(object, names) {
  if (!object) return '';
  return mrkdwn(object.text, names, object.type === 'plain_text');
}

/** A select menu's choices, as <option>s; `names` lists people and conversations for users_select and the like. */
function choices(element, names) {
  const placeholder = el('option', { value: '' }, element.placeholder?.text ?? 'Choose…');
  if (element.type === 'users_select' || element.type === 'multi_users_select') {
    return [placeholder, ...names.people().map((person) => el('option', { value: person.id }, person.name))];
  }
  if (/conversations_select|channels_select/.test(element.type)) {
    return [placeholder, ...names.conversations().map((channel) => el('option', { value: channel.id }, `#${channel.name}`))];
  }
  const options = element.options ?? (element.option_groups ?? []).flatMap((group) => group.options ?? []);
  return [placeholder, ...options.map((option) => el('option', { value: option.value }, option.text?.text ?? option.value))];
}

/**
 * An interactive element. `act(element, value)` is called when a person uses it in a message or
 * (for elements outside input blocks) in a modal; inside input blocks the value is read on submit.
 */
export function element(element, names, act, input = false) {
  const common = { dataset: { actionId: element.action_id ?? '', type: element.type } };
  switch (element.type) {
    case 'button':
      return el('button', { type: 'button', class: `block-button ${element.style ?? ''}`, ...common, onclick: () => act?.(element) }, element.text?.text ?? 'Button');
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input': {
      const type = { email_text_input: 'email', url_text_input: 'url', number_input: 'number' }[element.type] ?? 'text';
      const attributes = { ...common, name: element.action_id, placeholder: element.placeholder?.text, value: element.initial_value };
      if (element.multiline) return el('textarea', { ...attributes, rows: 3 }, element.initial_value ?? '');
      return el('input', { ...attributes, type });
    }
    case 'datepicker':
      return el('input', { ...common, type: 'date', name: element.action_id, value: element.initial_date, onchange: input ? undefined : (event) => act?.(element, event.target.value) });
    case 'checkboxes':
    case 'radio_buttons': {
      const kind = element.type === 'checkboxes' ? 'checkbox' : 'radio';
      const group = `${element.action_id}-${Math.random().toString(36).slice(2)}`;
      return el('fieldset', { ...common, class: 'choices' }, (element.options ?? []).map((option) =>
        el('label', {}, el('input', { type: kind, name: group, value: option.value, onchange: input ? undefined : (event) => act?.(element, event.target.value) }), option.text?.text ?? option.value)));
    }
    case 'overflow':
    case 'static_select':
    case 'external_select':
    case 'users_select':
    case 'conversations_select':
    case 'channels_select':
    case 'multi_static_select':
    case 'multi_users_select':
    case 'multi_conversations_select':
    case 'multi_channels_select':
      return el('select', {
        ...common,
        name: element.action_id,
        multiple: element.type.startsWith('multi_'),
        // In an input block the block's label names it.
        'aria-label': input ? undefined : (element.placeholder?.text ?? element.action_id),
        onchange: input ? undefined : (event) => act?.(element, event.target.value),
      }, choices(element, names));
    case 'image':
      return el('span', { class: 'image-alt' }, `[image: ${element.alt_text ?? ''}]`);
    default:
      return el('span', { class: 'unsupported' }, `[${element.type}]`);
  }
}

/** Blocks as a message or a modal shows them; `act(block, element, value)` for their interactive elements. */
export function blocks(list, names, act, errors = {}) {
  const out = el('div', { class: 'blocks' });
  for (const block of list ?? []) {
    const on = (item, value) => act?.(block, item, value);
    let node;
    switch (block.type) {
      case 'section':
        node = el('div', { class: 'block section' },
          el('div', { class: 'section-text' }, textObject(block.text, names),
            block.fields ? el('div', { class: 'fields' }, block.fields.map((field) => el('div', {}, textObject(field, names)))) : null),
          block.accessory ? el('div', { class: 'accessory' }, element(block.accessory, names, on)) : null);
        break;
      case 'actions':
        node = el('div', { class: 'block actions' }, (block.elements ?? []).map((item) => element(item, names, on)));
        break;
      case 'context':
        node = el('div', { class: 'block context' }, (block.elements ?? []).map((item) => (item.type === 'image' ? element(item, names) : textObject(item, names))));
        break;
      case 'header':
        node = el('h3', { class: 'block header' }, textObject(block.text, names));
        break;
      case 'divider':
        node = el('hr', { class: 'block divider' });
        break;
      case 'image':
        node = el('div', { class: 'block image' }, `[image: ${block.alt_text ?? ''}]`);
        break;
      case 'input':
        node = el('label', { class: 'block input', dataset: { blockId: block.block_id } },
          el('span', { class: 'label' }, block.label?.text ?? '', block.optional ? el('span', { class: 'optional' }, ' (optional)') : null),
          element(block.element ?? {}, names, block.dispatch_action ? on : undefined, !block.dispatch_action),
          block.hint ? el('span', { class: 'hint' }, block.hint.text) : null);
        break;
      case 'rich_text':
        node = el('div', { class: 'block rich-text' }, richText(block.elements ?? [], names));
        break;
      default:
        node = el('div', { class: 'block unsupported' }, `[${block.type} block]`);
    }
    if (block.block_id) node.dataset.blockId = block.block_id;
    out.append(node);
    if (errors[block.block_id]) out.append(el('div', { class: 'field-error', role: 'alert' }, errors[block.block_id]));
  }
  return out;
}

function richText(elements, names) {
  return elements.flatMap((section) => (section.elements ?? []).map((item) => {
    if (item.type === 'text') return item.text;
    if (item.type === 'user') return link(`@${item.user_id}`, names);
    if (item.type === 'channel') return link(`#${item.channel_id}`, names);
    if (item.type === 'emoji') return emoji(item.name);
    if (item.type === 'link') return link(`${item.url}|${item.text ?? item.url}`, names);
    return '';
  }));
}

/** Legacy attachments, with their buttons and menus (`actAttachment(index, actionIndex, value)`). */
export function attachments(list, names, actAttachment) {
  return el('div', { class: 'attachments' }, (list ?? []).map((attachment, index) =>
    el('div', { class: 'attachment', style: `border-color: ${/^#?[0-9a-f]{3,6}$/i.test(attachment.color ?? '') ? (attachment.color.startsWith('#') ? attachment.color : `#${attachment.color}`) : '#ddd'}` },
      attachment.pretext ? el('div', { class: 'pretext' }, mrkdwn(attachment.pretext, names)) : null,
      attachment.author_name ? el('div', { class: 'author' }, attachment.author_name) : null,
      attachment.title ? el('div', { class: 'title' }, attachment.title) : null,
      attachment.text ? el('div', { class: 'text' }, mrkdwn(attachment.text, names)) : null,
      attachment.fields?.length ? el('div', { class: 'fields' }, attachment.fields.map((field) =>
        el('div', { class: field.short ? 'field short' : 'field' }, el('div', { class: 'field-title' }, field.title ?? ''), el('div', {}, mrkdwn(field.value ?? '', names))))) : null,
      attachment.blocks ? blocks(attachment.blocks, names) : null,
      attachment.actions?.length ? el('div', { class: 'block actions' }, attachment.actions.map((action, actionIndex) =>
        action.type === 'select'
          ? el('select', { 'aria-label': action.text ?? action.name, onchange: (event) => actAttachment?.(index, actionIndex, event.target.value) },
            el('option', { value: '' }, action.text ?? 'Choose…'), (action.options ?? []).map((option) => el('option', { value: option.value }, option.text)))
          : el('button', { type: 'button', class: `block-button ${action.style ?? ''}`, onclick: () => actAttachment?.(index, actionIndex) }, action.text ?? action.name))) : null,
      attachment.footer ? el('div', { class: 'footer' }, attachment.footer) : null,
    )));
}
