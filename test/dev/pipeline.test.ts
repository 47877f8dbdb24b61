import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDev, type DevServer } from '../../src/dev/start.js';
import type { Delivery } from '../../src/dev/trace-log.js';
import { startServer } from '../../src/server.js';
import { holdRequest } from '../helpers/held-request.js';
import { eventually, waitFor } from '../helpers/wait.js';

type Teardown = { teardown(fn: () => unknown): void };

// `omnibot dev` in-process on the example configuration, driven through the page's own JSON API:
// each action is a real signed webhook through the whole pipeline, and its trace comes back over NATS.

type Json = Record<string, unknown>;

async function startExample(t: Teardown): Promise<{ dev: DevServer; page: (path: string, body?: unknown) => Promise<Json> }> {
  // Its own embedded nats-server, as `npm start` has: stopped after the roles, whatever tap's teardown order.
  const dev = await startDev({
    env: { PATH: process.env.PATH, PORT: '0', SLACK_EMULATOR_PORT: '0', LOG_LEVEL: 'silent' },
    startRoles: (config) => startServer(config, { http: true, worker: true }),
  });
  t.teardown(() => dev.close());
  const page = async (path: string, body?: unknown): Promise<Json> => {
    const response = await fetch(`${dev.emulator.url}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return (await response.json()) as Json;
  };
  return { dev, page };
}

t.test('a mention of the bot gets the help reply in its thread, and the trace says how', async (t) => {
  const { dev, page } = await startExample(t);
  const { workspace } = dev.emulator;
  const alice = workspace.personByName('alice')?.id ?? '';
  const general = workspace.channelByName('general')?.id ?? '';
  t.equal(dev.config.settings.slackApiUrl, `${dev.emulator.url}/api/`, 'the roles call the emulator');

  const said = await page('/dev/api/say', { as: alice, channel: general, text: '@example-bot help' });
  t.match(said, { ok: true, ts: String });
  const asked = workspace.message(general, said.ts as string);
  t.equal(asked?.text, `<@${workspace.bots.get('example-bot')?.userId}> help`, 'the mention is Slack markup, as Slack\'s clients send it');

  const reply = await eventually(async () => workspace.messages(general, { threads: true }).find((message) => message.threadTs === said.ts && message.bot));
  t.match(reply.attachments, [{ title: 'Commands:', fields: [{ title: 'help', value: 'Lists what this bot can do.' }] }]);

  const done = await eventually(async () => {
    const webhooks = (await page('/dev/api/webhooks')).webhooks as Delivery[];
    const mine = webhooks.find((webhook) => (webhook.payload as { event?: Json }).event?.ts === said.ts);
    return mine?.steps.some((step) => step.kind === 'done') ? mine : undefined;
  });
  t.match(done, { type: 'event', bot: 'example-bot', http: { status: 200, body: '{"status":"success"}' } });
  const kinds = done.steps.map((step) => step.kind);
  t.same(kinds.filter((kind) => kind !== 'problem'), ['stored', 'received', 'callback', 'slack', 'done'], 'stored, taken, handled, answered, acked');
  t.match(done.steps.find((step) => step.kind === 'stored'), { stream: 'OMNIBOT', seq: Number, duplicate: false });
  t.match(done.steps.find((step) => step.kind === 'callback'), {
    module: 'omnibot.callbacks.message_callbacks:help_callback',
    matched: { match_type: 'command', match: 'help' },
    answer: { actions: [{ action: 'chat.postMessage' }] },
  });
  t.match(done.steps.find((step) => step.kind === 'slack'), { method: 'chat.postMessage', ok: true, params: { channel: general, thread_ts: said.ts } });
  t.notOk(JSON.stringify(done.steps).includes('xoxb-'), 'no token in the trace');
  t.match(await page(`/dev/api/webhooks/${encodeURIComponent(done.id)}`), { id: done.id, type: 'event', summary: done.summary, http: done.http }, 'one webhook by its id');
  t.equal((await fetch(`${dev.emulator.url}/dev/api/webhooks/no-such-webhook`)).status, 404, 'an unknown webhook is not found');
});

t.test('/deploy answers in the channel; Approve replaces the question; /feedback opens a modal whose submission is posted', async (t) => {
  const { dev, page } = await startExample(t);
  const { workspace } = dev.emulator;
  const alice = workspace.personByName('alice')?.id ?? '';
  const deploys = workspace.channelByName('deploys')?.id ?? '';

  t.match(await page('/dev/api/say', { as: alice, channel: deploys, text: '/deploy prod' }), { ok: true });
  const question = await eventually(async () => workspace.messages(deploys).find((message) => message.bot && message.blocks));
  t.match(workspace.messages(deploys)[0], { user: alice, text: '/deploy prod' }, 'the command is shown first, as Slack shows an in_channel answer');
  t.match(question.text, 'Deploy prod?');

  t.match(await page('/dev/api/click', { as: alice, channel: deploys, ts: question.ts, block_id: 'deploy_approval', action_id: 'approve' }), { ok: true });
  await eventually(async () => (question.text.includes('approved') ? true : undefined));
  t.equal(question.text, `:white_check_mark: <@${alice}> approved the deploy of *prod*.`);
  t.equal(question.blocks, undefined, 'replace_original replaced the whole message');

  t.match(await page('/dev/api/say', { as: alice, channel: deploys, text: '/feedback' }), { ok: true });
  const modal = await eventually(async () => ((await page(`/dev/api/modal?as=${alice}`)).view as Json | null) ?? undefined);
  t.match(modal, { callback_id: 'feedback_modal', private_metadata: deploys, title: { text: 'Feedback' } });
  t.match(
    await page('/dev/api/view/submit', { as: alice, view: modal.id, values: { feedback: { text: 'Ship it' }, mood: { choice: 'happy' } } }),
    { ok: true },
  );
  t.same(await page(`/dev/api/modal?as=${alice}`), { view: null, dialog: null }, 'an empty answer closes the modal');
  const posted = await eventually(async () => workspace.messages(deploys).find((message) => message.text.startsWith('Feedback from')));
  t.equal(posted.text, `Feedback from <@${alice}> (happy): Ship it`);
});

t.test('an unknown slash command, and a reaction, as Slack handles them', async (t) => {
  const { dev, page } = await startExample(t);
  const { workspace } = dev.emulator;
  const bob = workspace.personByName('bob')?.id ?? '';
  const general = workspace.channelByName('general')?.id ?? '';
  t.match(await page('/dev/api/say', { as: bob, channel: general, text: '/nope now' }), { ok: true });
  t.match(workspace.ephemeralsFor(general, bob), [{ text: /`\/nope` is not a valid command/ }]);

  const said = await page('/dev/api/say', { as: bob, channel: general, text: 'hello #general @here' });
  t.match(workspace.message(general, said.ts as string)?.text, `hello <#${general}|general> <!here>`);
  t.match(await page('/dev/api/react', { as: bob, channel: general, ts: said.ts, name: 'tada' }), { ok: true });
  const reaction = await eventually(async () => ((await page('/dev/api/webhooks')).webhooks as Delivery[]).find((webhook) => webhook.summary.includes(':tada: added')));
  t.match(reaction.payload, { type: 'event_callback', event: { type: 'reaction_added', user: bob, reaction: 'tada', item: { type: 'message', channel: general, ts: said.ts } } });
  t.match(await page('/dev/api/say', { as: 'UNOBODY', channel: general, text: 'x' }), { statusCode: 400, message: /no person UNOBODY/ });
});

t.test('legacy attachments\' buttons (interactive_message), a handler\'s dialog and its submission', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'omnibot-dev-config-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(
    path.join(dir, 'legacy.mjs'),
    `export const ask = () => ({ responses: [{ response_type: 'in_channel', attachments: [{ callback_id: 'legacy', text: 'Go on?', actions: [{ name: 'go', type: 'button', text: 'Go', value: 'yes' }] }] }] });
export const went = (payload) => ({ responses: [{ replace_original: true, text: 'went: ' + payload.actions[0].value }] });`,
  );
  const bots = { team: ['bot'] };
  await writeFile(
    path.join(dir, 'omnibot.yaml'),
    JSON.stringify({
      authorization: { checks: [{ module: 'omnibot.authnz:allowed_paths', kwargs: { paths: ['/api/v1/slack/.*'] } }] },
      teams: { team: 'T0000TEAM' },
      bots: { team: { bot: 'A0000BOT1' } },
      handlers: {
        slash_command_handlers: [{ command: '/legacy', bots, callbacks: [{ module: './legacy.mjs:ask' }] }],
        interactive_component_handlers: [
          {
            callback_id: 'legacy',
            bots,
            dialog: { callback_id: 'echo', title: 'Echo', elements: [{ type: 'text', label: 'Say', name: 'echo_element' }] },
            callbacks: [{ module: './legacy.mjs:went' }],
          },
          { callback_id: 'echo', bots, callbacks: [{ module: 'omnibot.callbacks.interactive_component_callbacks:echo_dialog_submission_callback' }] },
        ],
      },
    }),
  );
  const dev = await startDev({
    env: { PATH: process.env.PATH, CONFIG_FILE: path.join(dir, 'omnibot.yaml'), PORT: '0', SLACK_EMULATOR_PORT: '0', LOG_LEVEL: 'silent' },
    startRoles: (config) => startServer(config, { http: true, worker: true }),
  });
  t.teardown(() => dev.close());
  const post = async (route: string, body: unknown): Promise<Json> =>
    (await (await fetch(`${dev.emulator.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as Json;
  const { workspace } = dev.emulator;
  t.equal(workspace.teamName, 'team', 'the configuration\'s first team, with the example workspace\'s people');
  const bob = workspace.personByName('bob')?.id ?? '';
  const general = workspace.channelByName('general')?.id ?? '';

  t.match(await post('/dev/api/say', { as: bob, channel: general, text: '/legacy' }), { ok: true });
  const question = await eventually(async () => workspace.messages(general).find((message) => message.attachments));
  t.match(await post('/dev/api/click-attachment', { as: bob, channel: general, ts: question.ts, attachment: 0, action: 0 }), { ok: true });
  await eventually(async () => (question.text === 'went: yes' ? true : undefined));
  t.equal(question.attachments, undefined);

  const dialog = await eventually(async () => dev.emulator.app.inject({ url: `/dev/api/modal?as=${bob}` }).then((response) => (response.json() as { dialog: Json | null }).dialog ?? undefined));
  t.match(dialog, { callback_id: 'echo', title: 'Echo' }, 'the handler\'s dialog opened with the click\'s trigger_id');
  t.match(await post('/dev/api/dialog/submit', { as: bob, submission: { echo_element: 'hello back' } }), { ok: true });
  const echoed = await eventually(async () => workspace.ephemeralsFor(general, bob).find((message) => message.text === 'hello back'));
  t.ok(echoed, 'the submission came back through the response_url, to bob only');
});

t.test('Ctrl-C while a webhook is being answered stops everything at once, not after the keep-alive timeout', async (t) => {
  const { dev } = await startExample(t);
  const roles = dev.server.app.server;
  // A webhook on a kept-alive connection, as the emulator sends them, still on its way when the person stops.
  const held = await holdRequest(t, roles, dev.server.address ?? '', '/api/v1/slack/event', '{}', { 'content-type': 'application/json' });
  const closed = dev.close();
  await waitFor(() => !roles.listening);
  const answer = await held.finish();
  const keptOpen = !/\r\nconnection: close\r\n/i.test(answer);
  t.notOk(keptOpen, 'the roles answer it, and say Connection: close');
  if (keptOpen) held.end();
  await closed;
  t.notOk(dev.emulator.app.server.listening, 'the emulator stopped too');
});
