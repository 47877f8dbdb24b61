// The emulated Slack's page: conversations, a composer, modals, and what omnibot-ts did with each webhook.
import { attachments, blocks, el, emoji, mrkdwn } from './render.js';

const QUICK_REACTIONS = ['+1', 'white_check_mark', 'eyes'];
const $ = (id) => document.getElementById(id);

const state = {
  workspace: undefined,
  as: undefined,
  channel: undefined,
  thread: undefined,
  messages: [],
  ephemerals: [],
  webhooks: [],
  openWebhooks: new Set(),
};

async function api(path, body) {
  const response = await fetch(path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json().catch(() => ({}));
  if (!response.ok && json.error) flash(json.error.message ?? json.message ?? json.error);
  return json;
}

function flash(text) {
  $('status').textContent = text;
  $('status').classList.add('error');
}

const names = {
  person: (id) => state.workspace?.people.find((person) => person.id === id)?.name,
  channel: (id) => state.workspace?.conversations.find((channel) => channel.id === id)?.name,
  people: () => state.workspace?.people ?? [],
  conversations: () => (state.workspace?.conversations ?? []).filter((channel) => channel.kind !== 'im'),
};

function time(ts) {
  return new Date(Number(ts) * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

// ---- the workspace and the person

async function loadWorkspace() {
  state.workspace = await api(state.as ? `/dev/api/workspace?as=${encodeURIComponent(state.as)}` : '/dev/api/workspace');
  if (!state.workspace.people) {
    // A person remembered from another workspace: start again as this one's first.
    state.as = undefined;
    state.workspace = await api('/dev/api/workspace');
  }
  const humans = state.workspace.people.filter((person) => !person.is_bot);
  if (!state.as || !humans.some((person) => person.id === state.as)) {
    state.as = humans[0]?.id;
    state.workspace = await api(`/dev/api/workspace?as=${encodeURIComponent(state.as)}`);
  }
  $('team-name').textContent = `${state.workspace.team.name}`;
  $('as').replaceChildren(...humans.map((person) => el('option', { value: person.id, selected: person.id === state.as }, `${person.name} (${person.real_name})`)));
  const conversations = state.workspace.conversations;
  if (!conversations.some((channel) => channel.id === state.channel)) state.channel = conversations.find((channel) => channel.name === 'general')?.id ?? conversations[0]?.id;
  const item = (channel) => el('li', {}, el('a', {
    href: `#${channel.id}`,
    class: channel.id === state.channel ? 'current' : '',
    dataset: { channel: channel.id },
    onclick: (event) => { event.preventDefault(); openChannel(channel.id); },
  }, channel.kind === 'im' ? channel.name : `# ${channel.name}`, channel.kind === 'group' ? el('span', { class: 'private' }, ' (private)') : null));
  $('channels').replaceChildren(...conversations.filter((channel) => channel.kind !== 'im').map(item));
  $('dms').replaceChildren(...conversations.filter((channel) => channel.kind === 'im').map(item));
  $('commands').replaceChildren(
    el('h2', {}, 'Slash commands'),
    el('ul', {}, state.workspace.commands.map((command) => el('li', { title: command.description }, el('code', {}, command.command), ` ${command.description}`))),
  );
}

async function openChannel(id) {
  state.channel = id;
  state.thread = undefined;
  history.replaceState(null, '', `?as=${state.as}#${id}`);
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('current', link.dataset.channel === id);
  const channel = state.workspace.conversations.find((candidate) => candidate.id === id);
  $('conversation-name').textContent = channel ? (channel.kind === 'im' ? channel.name : `#${channel.name}`) : '';
  $('conversation-topic').textContent = channel?.topic ?? '';
  $('composer-text').placeholder = `Message ${$('conversation-name').textContent} — @mention a bot, #channel, @here, or /command`;
  await loadMessages();
  await loadModal();
}

// ---- messages

async function loadMessages() {
  if (!state.channel) return;
  const answer = await api(`/dev/api/conversations/${state.channel}?as=${state.as}`);
  state.messages = answer.messages ?? [];
  state.ephemerals = answer.ephemerals ?? [];
  renderMessages();
}

function author(message) {
  if (message.subtype === 'ephemeral' && !message.bot_id) return 'Slackbot';
  return names.person(message.user) ?? message.bot_profile?.name ?? message.user ?? 'someone';
}

function webhooksFor(message) {
  return state.webhooks.filter((webhook) => webhook.payload?.event?.ts === message.ts && webhook.payload?.event?.user === message.user);
}

function renderMessage(message, { inThread }) {
  const ephemeral = message.subtype === 'ephemeral';
  const act = (block, element, value) => {
    const target = ephemeral ? { ephemeral: message.id } : { channel: state.channel, ts: message.ts };
    const choice = { block_id: block.block_id, action_id: element.action_id };
    if (value !== undefined) choice.value = value;
    return api('/dev/api/click', { as: state.as, ...target, ...choice });
  };
  const actAttachment = (attachment, action, value) => api('/dev/api/click-attachment', { as: state.as, channel: state.channel, ts: message.ts, attachment, action, value });
  const replies = !inThread && message.reply_count ? el('button', { type: 'button', class: 'link replies', onclick: () => openThread(message.ts) }, `${message.reply_count} ${message.reply_count === 1 ? 'reply' : 'replies'}`) : null;
  const traced = webhooksFor(message);
  const tools = ephemeral ? null : el('span', { class: 'tools' },
    QUICK_REACTIONS.map((name) => el('button', { type: 'button', class: 'link', title: `React with :${name}:`, onclick: () => react(message, name) }, emoji(name))),
    inThread ? null : el('button', { type: 'button', class: 'link', onclick: () => openThread(message.ts) }, 'Reply'),
    traced.length ? el('button', { type: 'button', class: 'link', onclick: () => showWebhooks(traced) }, 'Trace') : null);
  return el('li', { class: `message${ephemeral ? ' ephemeral' : ''}${message.bot_id ? ' from-bot' : ''}`, dataset: { ts: message.ts, user: message.user ?? '' } },
    el('div', { class: 'meta' },
      el('strong', { class: 'author' }, author(message)),
      message.bot_id ? el('span', { class: 'badge' }, 'APP') : null,
      el('span', { class: 'time' }, time(message.ts)),
      message.edited ? el('span', { class: 'edited' }, '(edited)') : null,
      tools),
    message.text && !(message.blocks && message.bot_id) ? el('div', { class: 'text' }, mrkdwn(message.text, names)) : null,
    message.blocks ? blocks(message.blocks, names, act) : null,
    message.attachments ? attachments(message.attachments, names, actAttachment) : null,
    message.reactions?.length ? el('div', { class: 'reactions' }, message.reactions.map((reaction) =>
      el('button', { type: 'button', class: `reaction${reaction.users.includes(state.as) ? ' mine' : ''}`, title: reaction.users.map((id) => names.person(id) ?? id).join(', '), onclick: () => react(message, reaction.name) },
        `${emoji(reaction.name)} ${reaction.count}`))) : null,
    ephemeral ? el('div', { class: 'only-you' }, 'Only visible to you') : null,
    replies);
}

function renderMessages() {
  const list = $('messages');
  const stick = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const top = [...state.messages.filter((message) => !message.thread_ts || message.thread_ts === message.ts), ...state.ephemerals.filter((message) => !message.thread_ts)]
    .sort((a, b) => Number(a.ts) - Number(b.ts));
  list.replaceChildren(...top.map((message) => renderMessage(message, { inThread: false })));
  if (stick) list.scrollTop = list.scrollHeight;
  renderThread();
}

function openThread(ts) {
  state.thread = ts;
  renderThread();
  $('thread-text').focus();
}

function renderThread() {
  $('thread').hidden = !state.thread;
  if (!state.thread) return;
  const thread = [...state.messages, ...state.ephemerals]
    .filter((message) => message.ts === state.thread || message.thread_ts === state.thread)
    .sort((a, b) => Number(a.ts) - Number(b.ts));
  $('thread-messages').replaceChildren(...thread.map((message) => renderMessage(message, { inThread: true })));
}

async function react(message, name) {
  await api('/dev/api/react', { as: state.as, channel: state.channel, ts: message.ts, name });
}

async function send(textarea, threadTs) {
  const text = textarea.value;
  if (!text.trim()) return;
  textarea.value = '';
  const answer = await api('/dev/api/say', { as: state.as, channel: state.channel, text, ...(threadTs ? { thread_ts: threadTs } : {}) });
  if (!answer.ok) {
    textarea.value = text;
    flash(answer.error ?? 'not sent');
  }
}

// ---- modals and dialogs

async function loadModal() {
  const { view, dialog } = await api(`/dev/api/modal?as=${state.as}`);
  const modal = $('modal');
  $('modal-backdrop').hidden = !view && !dialog;
  if (view) renderView(modal, view);
  else if (dialog) renderDialog(modal, dialog);
  else modal.replaceChildren();
}

/** What a person entered in a modal's input blocks, as `values[block_id][action_id]`. */
function viewValues(form) {
  const values = {};
  for (const block of form.querySelectorAll('.block.input')) {
    for (const field of block.querySelectorAll('[data-action-id]')) {
      let value;
      if (field.tagName === 'FIELDSET') {
        const checked = [...field.querySelectorAll('input:checked')].map((input) => input.value);
        value = field.dataset.type === 'checkboxes' ? checked : checked[0];
      } else if (field.multiple) {
        value = [...field.selectedOptions].map((option) => option.value);
      } else {
        value = field.value === '' ? undefined : field.value;
      }
      if (value !== undefined) (values[block.dataset.blockId] ??= {})[field.dataset.actionId] = value;
    }
  }
  return values;
}

function renderView(form, view) {
  const act = (block, element, value) => api('/dev/api/click', { as: state.as, view: view.id, block_id: block.block_id, action_id: element.action_id, ...(value === undefined ? {} : { value }) });
  form.replaceChildren(...[
    el('header', {}, el('h2', {}, view.title?.text ?? ''), el('button', { type: 'button', class: 'link close', 'aria-label': 'Close', onclick: () => api('/dev/api/view/close', { as: state.as, view: view.id }) }, '×')),
    view.errors?.[''] ? el('div', { class: 'field-error', role: 'alert' }, view.errors['']) : null,
    blocks(view.blocks, names, act, view.errors ?? {}),
    el('footer', {},
      el('button', { type: 'button', onclick: () => api('/dev/api/view/close', { as: state.as, view: view.id }) }, view.close?.text ?? 'Cancel'),
      view.submit ? el('button', { type: 'submit', class: 'primary' }, view.submit.text) : null),
  ].filter(Boolean));
  form.onsubmit = async (event) => {
    event.preventDefault();
    await api('/dev/api/view/submit', { as: state.as, view: view.id, values: viewValues(form) });
  };
}

function renderDialog(form, dialog) {
  const errorFor = (name) => dialog.errors?.find((error) => error.name === name)?.error;
  form.replaceChildren(...[
    el('header', {}, el('h2', {}, dialog.title ?? '')),
    errorFor('') ? el('div', { class: 'field-error', role: 'alert' }, errorFor('')) : null,
    (dialog.elements ?? []).map((element) => el('label', { class: 'block input' },
      el('span', { class: 'label' }, element.label ?? element.name),
      element.type === 'select'
        ? el('select', { name: element.name }, el('option', { value: '' }, element.placeholder ?? 'Choose…'), (element.options ?? []).map((option) => el('option', { value: option.value, selected: option.value === element.value }, option.label)))
        : element.type === 'textarea'
          ? el('textarea', { name: element.name, placeholder: element.placeholder, rows: 3 }, element.value ?? '')
          : el('input', { name: element.name, placeholder: element.placeholder, value: element.value }),
      errorFor(element.name) ? el('span', { class: 'field-error', role: 'alert' }, errorFor(element.name)) : null)),
    el('footer', {},
      el('button', { type: 'button', onclick: () => api('/dev/api/dialog/cancel', { as: state.as }) }, 'Cancel'),
      el('button', { type: 'submit', class: 'primary' }, dialog.submit_label ?? 'Submit')),
  ].flat().filter(Boolean));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const submission = Object.fromEntries([...new FormData(form)].map(([name, value]) => [name, String(value)]));
    await api('/dev/api/dialog/submit', { as: state.as, submission });
  };
}

// ---- the trace

/** As many as the server keeps (KEEP in src/dev/trace-log.ts). */
const KEEP_WEBHOOKS = 200;

async function loadWebhooks() {
  state.webhooks = (await api('/dev/api/webhooks')).webhooks ?? [];
  renderWebhooks();
  renderMessages();
}

/** After a step of one webhook's trace, just that webhook: replaced where it is, or first when it is new. */
async function loadWebhook(id) {
  const response = await fetch(`/dev/api/webhooks/${encodeURIComponent(id)}`);
  if (!response.ok && response.status !== 404) return flash(`the trace of ${id}: HTTP ${response.status}`);
  const webhook = response.ok ? await response.json() : undefined;
  const index = state.webhooks.findIndex((candidate) => candidate.id === id);
  if (index >= 0 && webhook) state.webhooks[index] = webhook;
  // No longer among the server's latest: gone here too.
  else if (index >= 0) state.webhooks.splice(index, 1);
  else if (webhook) state.webhooks = [webhook, ...state.webhooks].slice(0, KEEP_WEBHOOKS);
  renderWebhooks();
  // A message's Trace button depends only on which webhooks there are.
  if (index < 0 || !webhook) renderMessages();
}

// The trace's loads run one at a time, in the order asked, so an older answer never overwrites a newer one.
let webhookLoads = Promise.resolve();
function inOrder(load) {
  webhookLoads = webhookLoads.then(load, load);
}

function httpLine(webhook) {
  if (!webhook.http) return el('span', { class: 'pending' }, 'sending…');
  if (webhook.http.error) return el('span', { class: 'bad' }, `not delivered: ${webhook.http.error}`);
  return el('span', { class: webhook.http.status === 200 ? 'good' : 'bad' }, `HTTP ${webhook.http.status} in ${Math.round(webhook.http.ms)} ms`);
}

function details(summary, value) {
  return el('details', {}, el('summary', {}, summary), el('pre', {}, JSON.stringify(value, null, 2)));
}

function step(record) {
  const ms = (value) => `${Math.round(value)} ms`;
  switch (record.kind) {
    case 'stored':
      return el('li', {}, record.duplicate ? `already stored in ${record.stream} (seq ${record.seq}): a retry` : `stored in ${record.stream}, seq ${record.seq}`);
    case 'received':
      return el('li', {}, `a worker took it (delivery ${record.delivery})`);
    case 'callback': {
      const handler = Object.entries(record.matched ?? {}).map(([key, value]) => `${key}: ${value}`).join(', ') || 'help';
      return el('li', { class: record.error ? 'bad' : '' }, `handler {${handler}} → ${record.module} in ${ms(record.ms)}`,
        record.error ? el('div', {}, `threw ${record.error}`) : details('its answer', record.answer ?? null));
    }
    case 'slack':
      return el('li', { class: record.ok ? '' : 'bad' }, `Slack ${record.method} → ${record.ok ? 'ok' : (record.error ?? 'failed')} in ${ms(record.ms)}`, details('arguments', record.params));
    case 'response':
      return el('li', { class: record.error ? 'bad' : '' }, `response_url ← ${record.error ? `refused: ${record.error}` : 'posted'} in ${ms(record.ms)}`, details('body', record.body));
    case 'problem':
      return el('li', { class: 'bad' }, `${record.level}: ${record.message}${record.error ? ` (${record.error})` : ''}`);
    case 'done':
      return el('li', { class: record.ok ? 'good' : 'bad' }, record.ok ? `done in ${ms(record.ms)}` : `failed: ${record.error}; JetStream will deliver it again`);
    default:
      return el('li', {}, record.kind);
  }
}

function renderWebhooks() {
  $('webhooks').replaceChildren(...state.webhooks.map((webhook) => {
    const open = state.openWebhooks.has(webhook.id);
    const steps = webhook.steps ?? [];
    const handled = steps.some((record) => record.kind === 'callback');
    const finished = steps.some((record) => record.kind === 'done');
    return el('li', { class: `webhook${open ? ' open' : ''}`, dataset: { id: webhook.id } },
      el('button', { type: 'button', class: 'link webhook-summary', onclick: () => { if (open) state.openWebhooks.delete(webhook.id); else state.openWebhooks.add(webhook.id); renderWebhooks(); } },
        el('span', { class: 'kind' }, webhook.type.replace('_', ' ')), ` ${webhook.summary} `, httpLine(webhook),
        finished && !handled ? el('span', { class: 'muted' }, ' · no callback ran') : null),
      open ? el('div', { class: 'webhook-detail' },
        webhook.http && !webhook.http.error && webhook.http.body ? el('div', { class: 'muted' }, `answer: ${webhook.http.body.slice(0, 300)}`) : null,
        el('ol', { class: 'steps' }, steps.map(step)),
        details('the payload Slack sent', webhook.payload)) : null);
  }));
}

function showWebhooks(webhooks) {
  for (const webhook of webhooks) state.openWebhooks.add(webhook.id);
  renderWebhooks();
  document.querySelector(`#webhooks [data-id="${CSS.escape(webhooks[0].id)}"]`)?.scrollIntoView({ block: 'nearest' });
}

// ---- live updates

function debounce(fn, ms) {
  let timer;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

function follow() {
  const reloadMessages = debounce(loadMessages, 30);
  const reloadModal = debounce(loadModal, 30);
  // Webhooks with a load waiting in line: more steps before it starts need no other.
  const waiting = new Set();
  const reloadWebhook = (id) => {
    if (waiting.has(id)) return;
    waiting.add(id);
    inOrder(() => {
      waiting.delete(id);
      return loadWebhook(id);
    });
  };
  const source = new EventSource('/dev/api/events');
  source.onopen = () => {
    $('status').textContent = state.workspace.omnibot ? `live · omnibot-ts at ${state.workspace.omnibot}` : 'live';
    $('status').classList.remove('error');
    document.body.dataset.live = 'true';
    // Anything missed while disconnected.
    void loadMessages();
    inOrder(loadWebhooks);
  };
  source.onerror = () => {
    $('status').textContent = 'reconnecting…';
    document.body.dataset.live = 'false';
  };
  source.onmessage = (event) => {
    const change = JSON.parse(event.data);
    if ((change.type === 'message' || change.type === 'message_deleted') && change.channel === state.channel) reloadMessages();
    else if (change.type === 'ephemeral' && change.channel === state.channel && change.user === state.as) reloadMessages();
    else if (change.type === 'view' && change.user === state.as) reloadModal();
    else if (change.type === 'webhook') reloadWebhook(change.id);
  };
}

// ---- start

async function start() {
  const params = new URLSearchParams(location.search);
  state.as = params.get('as') ?? localStorage.getItem('omnibot-dev-as') ?? undefined;
  state.channel = location.hash.slice(1) || undefined;
  await loadWorkspace();
  $('as').onchange = async (event) => {
    state.as = event.target.value;
    localStorage.setItem('omnibot-dev-as', state.as);
    await loadWorkspace();
    await openChannel(state.channel);
  };
  for (const [form, textarea, thread] of [[$('composer'), $('composer-text'), false], [$('thread-composer'), $('thread-text'), true]]) {
    form.onsubmit = (event) => {
      event.preventDefault();
      void send(textarea, thread ? state.thread : undefined);
    };
    textarea.onkeydown = (event) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        void send(textarea, thread ? state.thread : undefined);
      }
    };
  }
  $('thread-close').onclick = () => {
    state.thread = undefined;
    renderThread();
  };
  await openChannel(state.channel);
  follow();
}

void start();
