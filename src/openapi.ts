/**
 * The OpenAPI 3 document of the HTTP API, from the routes' own TypeBox
 * schemas (@fastify/swagger): schemas/openapi.json, and /docs with API_DOCS=1.
 * Each route documents every status it can answer, its handler's and those
 * the plugins around it give (authorization, validation, overload, the error
 * handler), with src/routes/error-responses.ts; here they get their tags.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import swagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { TSchema } from '@sinclair/typebox';
import { VERSION } from './version.js';

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
    transform: ({ schema, url }) => {
      const own = (schema ?? {}) as Record<string, unknown>;
      const response = (own.response as Record<string, TSchema> | undefined) ?? {};
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
