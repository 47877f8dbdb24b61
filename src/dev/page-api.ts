/**
 * The JSON the emulator's page reads and the actions it asks for, as the
 * person chosen on the page (`as`). Not Slack's API: Slack's clients talk to
 * Slack in ways no app sees; this is the emulator's own.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Interactions } from './interactions.js';
import type { People, Outcome } from './people.js';
import { ephemeralJson, messageJson } from './shapes.js';
import type { TraceLog } from './trace-log.js';
import type { Person, Workspace } from './workspace.js';

export interface PageApiOptions {
  readonly workspace: Workspace;
  readonly interactions: Interactions;
  readonly people: People;
  readonly traces: TraceLog;
  readonly commands: ReadonlyArray<{ command: string; bot: string; description: string }>;
  /** Where omnibot-ts listens, once it does. */
  readonly omnibotUrl: () => string | undefined;
}

const As = Type.String({ minLength: 1, maxLength: 40, description: 'The person acting: a user id of the workspace.' });
const AnyObject = Type.Object({}, { additionalProperties: true });
const OutcomeBody = Type.Object({ ok: Type.Boolean(), ts: Type.Optional(Type.String()), error: Type.Optional(Type.String()) });
const Values = Type.Record(Type.String(), Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())])));
const Choice = {
  block_id: Type.String({ maxLength: 255 }),
  action_id: Type.String({ maxLength: 255 }),
  value: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
};

const pageApi: FastifyPluginAsyncTypebox<PageApiOptions> = async (app, options) => {
  const { workspace, interactions, people, traces } = options;

  function person(id: string): Person {
    const found = workspace.people.get(id);
    if (!found || found.bot) throw app.httpErrors.badRequest(`no person ${id} in the workspace`);
    return found;
  }

  function conversation(id: string, viewer: Person) {
    const found = workspace.conversations.get(id);
    if (!found || !workspace.canSee(viewer.id, found)) throw app.httpErrors.notFound(`no conversation ${id}`);
    return found;
  }

  function outcome(reply: { code(status: number): unknown }, result: Outcome): Outcome {
    if (!result.ok) reply.code(422);
    return result;
  }

  app.get('/dev/api/workspace', { schema: { querystring: Type.Object({ as: Type.Optional(As) }), response: { 200: AnyObject } } }, async (request) => {
    const viewer = request.query.as ? person(request.query.as) : undefined;
    const conversations = [...workspace.conversations.values()].filter(
      (candidate) => !viewer || (candidate.kind === 'im' ? candidate.imUser === viewer.id : workspace.canSee(viewer.id, candidate)),
    );
    return {
      team: { id: workspace.teamId, name: workspace.teamName, domain: workspace.domain },
      omnibot: options.omnibotUrl() ?? null,
      people: [...workspace.people.values()].map((entry) => ({ id: entry.id, name: entry.name, real_name: entry.realName, is_bot: entry.bot !== undefined })),
      conversations: conversations.map((entry) => ({
        id: entry.id,
        name: entry.kind === 'im' ? (workspace.people.get(entry.creator)?.name ?? entry.name) : entry.name,
        kind: entry.kind,
        topic: entry.topic,
        members: [...entry.members],
      })),
      commands: options.commands,
      emoji: workspace.emoji,
    };
  });

  app.get(
    '/dev/api/conversations/:id',
    { schema: { params: Type.Object({ id: Type.String() }), querystring: Type.Object({ as: As }), response: { 200: AnyObject } } },
    async (request) => {
      const viewer = person(request.query.as);
      const found = conversation(request.params.id, viewer);
      return {
        messages: workspace.messages(found.id, { threads: true }).map((message) => messageJson(workspace, message)),
        ephemerals: workspace.ephemeralsFor(found.id, viewer.id).map((ephemeral) => ephemeralJson(workspace, ephemeral)),
      };
    },
  );

  app.get('/dev/api/modal', { schema: { querystring: Type.Object({ as: As }), response: { 200: AnyObject } } }, async (request) => {
    const viewer = person(request.query.as);
    const modal = interactions.modalOf(viewer.id);
    const top = modal?.views.at(-1);
    const dialog = interactions.dialogOf(viewer.id);
    return {
      view: top ? { ...top.json, errors: top.errors, depth: modal?.views.length ?? 0 } : null,
      dialog: dialog ? { ...dialog.dialog, errors: dialog.errors } : null,
    };
  });

  app.get('/dev/api/webhooks', { schema: { response: { 200: AnyObject } } }, async () => ({ webhooks: traces.list() }));

  app.get('/dev/api/webhooks/:id', { schema: { params: Type.Object({ id: Type.String() }), response: { 200: AnyObject } } }, async (request) => {
    const found = traces.get(request.params.id);
    if (!found) throw app.httpErrors.notFound(`no webhook ${request.params.id}`);
    return found;
  });

  app.post(
    '/dev/api/say',
    {
      schema: {
        body: Type.Object({ as: As, channel: Type.String(), text: Type.String({ maxLength: 40_000 }), thread_ts: Type.Optional(Type.String()) }),
        response: { 200: OutcomeBody, 422: OutcomeBody },
      },
    },
    async (request, reply) => {
      const viewer = person(request.body.as);
      return outcome(reply, await people.say(viewer, conversation(request.body.channel, viewer), request.body.text, request.body.thread_ts));
    },
  );

  app.post(
    '/dev/api/click',
    {
      schema: {
        body: Type.Object({
          as: As,
          channel: Type.Optional(Type.String()),
          ts: Type.Optional(Type.String()),
          ephemeral: Type.Optional(Type.String()),
          view: Type.Optional(Type.String()),
          ...Choice,
        }),
        response: { 200: OutcomeBody, 422: OutcomeBody },
      },
    },
    async (request, reply) => {
      const { as, channel, ts, ephemeral, view, block_id: blockId, action_id: actionId, value } = request.body;
      const target = view ? { view } : ephemeral ? { ephemeral } : channel && ts ? { channel, ts } : undefined;
      if (!target) throw app.httpErrors.badRequest('say where the element is: channel and ts, ephemeral, or view');
      return outcome(reply, await people.click(person(as), target, { blockId, actionId, ...(value === undefined ? {} : { value }) }));
    },
  );

  app.post(
    '/dev/api/click-attachment',
    {
      schema: {
        body: Type.Object({
          as: As,
          channel: Type.String(),
          ts: Type.String(),
          attachment: Type.Integer({ minimum: 0 }),
          action: Type.Integer({ minimum: 0 }),
          value: Type.Optional(Type.String()),
        }),
        response: { 200: OutcomeBody, 422: OutcomeBody },
      },
    },
    async (request, reply) => {
      const { as, channel, ts, attachment, action, value } = request.body;
      return outcome(reply, await people.clickAttachment(person(as), channel, ts, attachment, action, value));
    },
  );

  app.post(
    '/dev/api/view/submit',
    { schema: { body: Type.Object({ as: As, view: Type.String(), values: Values }), response: { 200: OutcomeBody, 422: OutcomeBody } } },
    async (request, reply) => outcome(reply, await people.submitView(person(request.body.as), request.body.view, request.body.values)),
  );

  app.post(
    '/dev/api/view/close',
    { schema: { body: Type.Object({ as: As, view: Type.String() }), response: { 200: OutcomeBody, 422: OutcomeBody } } },
    async (request, reply) => outcome(reply, await people.closeView(person(request.body.as), request.body.view)),
  );

  app.post(
    '/dev/api/dialog/submit',
    { schema: { body: Type.Object({ as: As, submission: Type.Record(Type.String(), Type.String()) }), response: { 200: OutcomeBody, 422: OutcomeBody } } },
    async (request, reply) => outcome(reply, await people.submitDialog(person(request.body.as), request.body.submission)),
  );

  app.post(
    '/dev/api/dialog/cancel',
    { schema: { body: Type.Object({ as: As }), response: { 200: OutcomeBody } } },
    async (request) => people.cancelDialog(person(request.body.as)),
  );

  app.post(
    '/dev/api/react',
    {
      schema: {
        body: Type.Object({ as: As, channel: Type.String(), ts: Type.String(), name: Type.String({ pattern: "^[a-z0-9_+'-]+$", maxLength: 100 }) }),
        response: { 200: OutcomeBody, 422: OutcomeBody },
      },
    },
    async (request, reply) => outcome(reply, people.react(person(request.body.as), request.body.channel, request.body.ts, request.body.name)),
  );
};

export default pageApi;
