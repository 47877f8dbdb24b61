/**
 * The OpenAPI 3 document of the HTTP API, from the routes' own TypeBox
 * schemas (@fastify/swagger): schemas/openapi.json, and /docs with API_DOCS=1.
 * A route documents the statuses its handler answers; the answers that the
 * plugins around it give (authorization, validation, overload, the error
 * handler) are added here, with the shapes src/plugins/errors.ts sends.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import swagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { Type, type TSchema } from '@sinclair/typebox';
import { VERSION } from './version.js';

/** What the error handler sends for a 4xx it did not write itself: Fastify's message, and its code when it has one. */
export const ClientErrorBody = Type.Object(
  {
    error: Type.String({ description: 'What went wrong.' }),
    message: Type.Optional(Type.String({ description: 'For a request that failed validation: which part and why.' })),
    code: Type.Optional(Type.String({ description: 'Fastify\'s error code, e.g. FST_ERR_CTP_BODY_TOO_LARGE.' })),
  },
  { additionalProperties: true, description: 'A stable error string, with details.' },
);

/** An authorization check refused the request. */
export const ForbiddenBody = Type.Object(
  { error: Type.String({ description: '"Request denied by the authorization checks."' }) },
  { additionalProperties: true, description: 'Denied by authorization.checks.' },
);

/** Overloaded (with Retry-After): omnibot's failure shape, which Slack's routes use too. */
export const UnavailableBody = Type.Object(
  { status: Type.Literal('failure'), error: Type.Optional(Type.String()) },
  { additionalProperties: true, description: 'Overloaded or NATS unavailable: try again (Retry-After).' },
);

export const InternalErrorBody = Type.Object(
  { error: Type.Literal('internal server error') },
  { additionalProperties: true, description: 'A failure of omnibot-ts itself (logged with its details).' },
);

export const SlackFailedBody = Type.Object(
  { error: Type.Literal('slack request failed'), code: Type.String({ description: 'rate_limited, http_error, request_failed, …' }) },
  { additionalProperties: true, description: 'Slack could not be reached, or kept failing.' },
);

interface RouteFacts {
  readonly url: string;
  readonly method: string | readonly string[];
  readonly config?: { authnz?: boolean };
  readonly schema?: Record<string, unknown>;
}

/** The answers every route may get from outside its handler, for the statuses it doesn't document itself. */
export function errorResponses(route: RouteFacts): Record<string, TSchema> {
  const added: Record<string, TSchema> = {};
  const methods = [route.method].flat();
  const hasBody = methods.some((method) => method === 'POST' || method === 'PUT' || method === 'PATCH');
  const validated = hasBody || route.schema?.params !== undefined || route.schema?.querystring !== undefined;
  if (validated) added['400'] = ClientErrorBody;
  if (route.config?.authnz !== false) added['403'] = ForbiddenBody;
  if (hasBody) {
    added['413'] = ClientErrorBody;
    added['415'] = ClientErrorBody;
  }
  added['500'] = InternalErrorBody;
  // The routes that act as a bot call Slack, whose failures are a 502.
  if (route.url.includes(':bot_name')) added['502'] = SlackFailedBody;
  added['503'] = UnavailableBody;
  return added;
}

function tagOf(url: string): string {
  if (url.startsWith('/api/v1/slack/event') || url.startsWith('/api/v1/slack/slash_command') || url.startsWith('/api/v1/slack/interactive')) {
    return 'Slack webhooks';
  }
  if (url.startsWith('/api/')) return 'API for services';
  return 'Operations';
}

const DESCRIPTION = `omnibot-ts: Slack's webhooks (events, slash commands, interactive components), verified and stored in NATS JetStream,
and a JSON API that services call to act as a bot, with lyft/omnibot's paths, bodies, statuses and error strings.

Every route but /healthcheck passes the configured \`authorization.checks\` (omnibot's allowed_paths, envoy_internal_check,
envoy_permissions_check, or a module of yours): a request they refuse is answered 403. See README.md.`;

export function swaggerOptions(): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'omnibot-ts', version: VERSION, description: DESCRIPTION },
      tags: [
        { name: 'Slack webhooks', description: 'What Slack calls: give these URLs to your Slack app (docs/SLACK-SETUP.md).' },
        { name: 'API for services', description: 'What your services call to act as a bot.' },
        { name: 'Operations', description: 'Health and metrics.' },
      ],
    },
    transform: ({ schema, url, route }) => {
      const own = (schema ?? {}) as Record<string, unknown>;
      const response = { ...errorResponses(route as RouteFacts), ...((own.response as Record<string, TSchema> | undefined) ?? {}) };
      const sorted = Object.fromEntries(Object.entries(response).sort(([a], [b]) => a.localeCompare(b)));
      return { schema: { ...own, tags: [tagOf(url)], response: sorted } as typeof schema, url };
    },
  };
}

/**
 * The document for schemas/openapi.json: the HTTP role's routes registered on
 * a bare Fastify (no NATS, no configuration: routes use those only when they
 * answer), then read back.
 */
export async function openApiDocument(registerRoutes: (app: FastifyInstance) => Promise<void>): Promise<Record<string, unknown>> {
  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  try {
    await app.register(swagger, swaggerOptions());
    await registerRoutes(app);
    await app.ready();
    return JSON.parse(JSON.stringify(app.swagger())) as Record<string, unknown>;
  } finally {
    await app.close();
  }
}
