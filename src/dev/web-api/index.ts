/**
 * The emulated Slack Web API: `POST /api/<method>` with a Bearer token (or a
 * `token` argument), form-encoded or JSON, answered in Slack's shapes with
 * Slack's errors, for the methods omnibot-ts and its callbacks call.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Interactions } from '../interactions.js';
import type { Workspace } from '../workspace.js';
import { chatMethods } from './chat.js';
import { conversationMethods } from './conversations.js';
import { failure, Params, type Answer, type Caller, type Json, type MethodContext, type WebApiMethod, type WorkspaceEvents } from './method.js';
import { userMethods } from './users.js';
import { viewMethods } from './views.js';

export interface WebApiOptions {
  readonly workspace: Workspace;
  readonly interactions: Interactions;
  readonly events: WorkspaceEvents;
}

export const WEB_API_METHODS: Readonly<Record<string, WebApiMethod>> = {
  ...userMethods,
  ...conversationMethods,
  ...chatMethods,
  ...viewMethods,
};

const SlackAnswer = Type.Object(
  { ok: Type.Boolean(), error: Type.Optional(Type.String()) },
  { additionalProperties: true, description: "Slack's answer: ok, or ok: false with Slack's error string." },
);

/** Every token of the configured bots, and who it acts as. */
function callers(workspace: Workspace): Map<string, Caller> {
  const byToken = new Map<string, Caller>();
  // A user token acts as the person who installed the app: the workspace's first person.
  const installer = [...workspace.people.values()].find((person) => !person.bot)?.id ?? '';
  for (const bot of workspace.bots.values()) {
    const { botToken, userToken } = bot.credentials;
    if (botToken) byToken.set(botToken.reveal(), { bot, userId: bot.userId, kind: 'bot', scopes: bot.scopes });
    if (userToken) byToken.set(userToken.reveal(), { bot, userId: installer, kind: 'user', scopes: bot.scopes });
  }
  return byToken;
}

function tokenOf(authorization: string | undefined, params: Params): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  return bearer ?? params.string('token');
}

async function answer(options: WebApiOptions, tokens: Map<string, Caller>, method: string, params: Params, authorization: string | undefined): Promise<{ body: Answer; scopes?: string; accepted?: string }> {
  const definition = Object.hasOwn(WEB_API_METHODS, method) ? WEB_API_METHODS[method] : undefined;
  if (!definition) return { body: failure('unknown_method', { req_method: method }) };
  const token = tokenOf(authorization, params);
  if (!token) return { body: failure('not_authed') };
  const caller = tokens.get(token);
  if (!caller) return { body: failure('invalid_auth') };
  const context: MethodContext = { ...options, caller, params };
  const needed = typeof definition.scopes === 'function' ? definition.scopes(context) : (definition.scopes ?? []);
  const provided = [...caller.scopes].join(',');
  if (needed.length > 0 && !needed.some((scope) => caller.scopes.has(scope))) {
    return { body: failure('missing_scope', { needed: needed.join(','), provided }), scopes: provided, accepted: needed.join(',') };
  }
  return { body: await definition.run(context), scopes: provided, accepted: needed.join(',') };
}

const webApi: FastifyPluginAsyncTypebox<WebApiOptions> = async (app, options) => {
  const tokens = callers(options.workspace);
  // Slack's SDKs send form-encoded arguments; Fastify parses JSON itself.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const schema = {
    params: Type.Object({ method: Type.String({ maxLength: 100 }) }),
    querystring: Type.Record(Type.String(), Type.String()),
    response: { 200: SlackAnswer },
  };
  const handle = async (
    request: { params: { method: string }; query: Record<string, string>; body?: unknown; headers: { authorization?: string | undefined } },
    reply: { header(name: string, value: string): unknown },
  ): Promise<Answer> => {
    const body = request.body !== null && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Json) : {};
    const params = new Params({ ...request.query, ...body });
    const result = await answer(options, tokens, request.params.method, params, request.headers.authorization);
    if (result.scopes !== undefined) reply.header('x-oauth-scopes', result.scopes);
    if (result.accepted !== undefined) reply.header('x-accepted-oauth-scopes', result.accepted);
    return result.body;
  };
  app.post('/api/:method', { schema: { ...schema, body: Type.Optional(Type.Unknown()) } }, handle);
  app.get('/api/:method', { schema }, handle);
};

export default webApi;
