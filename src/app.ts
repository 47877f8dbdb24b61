import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { getHeapStatistics } from 'node:v8';
import sensible from '@fastify/sensible';
import underPressure from '@fastify/under-pressure';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config/load.js';
import { lazyChildLogger, processLoggerOptions } from './logger.js';
import configPlugin from './plugins/config.js';
import errorsPlugin from './plugins/errors.js';
import natsPlugin from './plugins/nats.js';
import slackPlugin from './plugins/slack.js';
import directoryPlugin from './plugins/directory.js';
import metricsPlugin from './plugins/metrics.js';
import queuePlugin from './plugins/queue.js';
import authnzPlugin from './plugins/authnz.js';
import botContextPlugin from './plugins/bot-context.js';
import healthcheck from './routes/api/healthcheck.js';
import metricsRoute from './routes/api/metrics.js';
import getTeam from './routes/api/get-team.js';
import getUser from './routes/api/get-user.js';
import getChannel from './routes/api/get-channel.js';
import getIms from './routes/api/get-ims.js';
import action from './routes/api/action.js';
import sendIm from './routes/api/send-im.js';
import slackRoutes from './routes/slack/index.js';
import workerPlugin from './plugins/worker.js';
import apiDocsPlugin from './plugins/api-docs.js';
import { loadConfiguredCallbacks } from './worker/callbacks/check.js';

export interface Roles {
  /** The HTTP API and Slack's webhooks. */
  readonly http: boolean;
  /** The queue consumer that runs handlers. */
  readonly worker: boolean;
}

export interface AppDeps {
  /** NATS servers (NATS_URL, or the embedded server's URL). */
  readonly natsServers: string;
  /** Which roles this process plays; the HTTP role alone by default. */
  readonly roles?: Roles;
  /** Fastify's logger option; defaults to the configured level and format (LOG_LEVEL, LOG_FORMAT) with secrets redacted. */
  readonly logger?: FastifyServerOptions['logger'];
}

const MIB = 1024 * 1024;

/** The whole HTTP application: external plugins, then ours, then routes. Listening is the caller's business. */
export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? processLoggerOptions(config.settings.logLevel, config.settings.logFormat),
    childLoggerFactory: lazyChildLogger,
    bodyLimit: MIB,
    requestIdHeader: 'x-request-id',
    // Slack and services call with exact paths; a trailing slash is still the same route.
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();

  for (const warning of config.warnings) app.log.warn(warning);
  // A misspelt built-in or a module that can't be imported stops start-up here, not at the first matching message.
  await loadConfiguredCallbacks(config);

  const roles = deps.roles ?? { http: true, worker: false };
  await app.register(sensible);
  await app.register(errorsPlugin);
  if (roles.http) {
    // Overloaded: answer 503 with Retry-After at once, so Slack retries later instead of timing out on us.
    const { overload } = config.settings;
    await app.register(underPressure, {
      maxEventLoopDelay: overload.maxEventLoopDelayMs,
      maxHeapUsedBytes: overload.maxHeapUsedBytes || Math.floor(getHeapStatistics().heap_size_limit * 0.9),
      retryAfter: 5,
    });
  }
  await app.register(metricsPlugin);
  await app.register(configPlugin, { config });
  await app.register(natsPlugin, { servers: deps.natsServers });
  await app.register(slackPlugin);
  await app.register(directoryPlugin);
  await app.register(queuePlugin);
  if (roles.worker) await app.register(workerPlugin);
  if (!roles.http) {
    // A worker alone serves only its metrics (and liveness), and only when METRICS_PORT says where.
    if (config.settings.metricsPort === undefined) return app;
    await app.register(authnzPlugin);
    await app.register(healthcheck);
    await app.register(metricsRoute);
    return app;
  }

  await app.register(authnzPlugin);
  await app.register(botContextPlugin);
  // Before the routes: the OpenAPI document is collected as they are added.
  if (config.settings.apiDocs) await app.register(apiDocsPlugin);
  await registerRoutes(app);
  return app;
}

/** Every route of the HTTP role; schemas/openapi.json is generated from this same list (src/openapi.ts). */
export async function registerRoutes(app: FastifyInstance): Promise<void> {
  await app.register(healthcheck);
  await app.register(metricsRoute);
  await app.register(getTeam);
  await app.register(getUser);
  await app.register(getChannel);
  await app.register(getIms);
  await app.register(action);
  await app.register(sendIm);
  await app.register(slackRoutes);
}
