import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { getHeapStatistics } from 'node:v8';
import sensible from '@fastify/sensible';
import underPressure from '@fastify/under-pressure';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config/load.js';
import type { NatsSecurityOptions } from './queue/connection-options.js';
import { lazyChildLogger, processLoggerOptions } from './logger.js';
import configPlugin from './plugins/config.js';
import closingConnections from './plugins/closing-connections.js';
import errorsPlugin, { answerFrameworkError } from './plugins/errors.js';
import jsonBodyPlugin from './plugins/json-body.js';
import { answerClientError } from './http/raw-answers.js';
import { DEFAULT_HTTP_TIMEOUTS, httpServerFactory, type HttpTimeouts } from './http/server-factory.js';
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
import tracePlugin from './plugins/trace.js';
import watcherPlugin from './plugins/watcher.js';
import readinessPlugin from './plugins/readiness.js';
import readyz from './routes/api/readyz.js';
import apiDocsPlugin from './plugins/api-docs.js';
import { loadConfiguredCallbacks } from './worker/callbacks/check.js';

export interface Roles {
  /** The HTTP API and Slack's webhooks. */
  readonly http: boolean;
  /** The queue consumer that runs handlers. */
  readonly worker: boolean;
  /** Keeps the directory fresh (one watcher process acts at a time). */
  readonly watcher?: boolean;
}

export interface AppDeps {
  /** NATS servers without credentials (NATS_URL's, or the embedded server's URL). */
  readonly natsServers: string | readonly string[];
  /** Credentials and TLS for NATS_URL (src/queue/connection-options.ts); none for an embedded server. */
  readonly natsSecurity?: NatsSecurityOptions;
  /** Which roles this process plays; the HTTP role alone by default. */
  readonly roles?: Roles;
  /** Fastify's logger option; defaults to the configured level and format (LOG_LEVEL, LOG_FORMAT) with secrets redacted. */
  readonly logger?: FastifyServerOptions['logger'];
  /** A logger made before the app (the process's, which logged the embedded nats-server); wins over `logger`. */
  readonly loggerInstance?: FastifyBaseLogger;
  /** Shorter time limits for tests of slow clients; production uses the defaults. */
  readonly httpTimeouts?: Partial<HttpTimeouts>;
}

const MIB = 1024 * 1024;

/** The whole HTTP application: external plugins, then ours, then routes. Listening is the caller's business. */
export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.loggerInstance
      ? { loggerInstance: deps.loggerInstance }
      : { logger: deps.logger ?? processLoggerOptions(config.settings.logLevel, config.settings.logFormat) }),
    childLoggerFactory: lazyChildLogger,
    bodyLimit: MIB,
    requestIdHeader: 'x-request-id',
    // Slack and services call with exact paths; a trailing slash is still the same route.
    // A parameter may be an email (254 characters), percent-encoded; longer ones are a 414.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1024 },
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    serverFactory: httpServerFactory({ ...DEFAULT_HTTP_TIMEOUTS, keepAliveMs: config.settings.httpKeepAliveTimeoutMs, ...deps.httpTimeouts }),
  }).withTypeProvider<TypeBoxTypeProvider>();

  for (const warning of config.warnings) app.log.warn(warning);
  // A misspelt built-in or a module that can't be imported stops start-up here, not at the first matching message.
  await loadConfiguredCallbacks(config);

  const roles = deps.roles ?? { http: true, worker: false };
  await app.register(sensible);
  await app.register(errorsPlugin);
  await app.register(closingConnections);
  await app.register(jsonBodyPlugin);
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
  await app.register(natsPlugin, {
    servers: deps.natsServers,
    ...(deps.natsSecurity ? { security: deps.natsSecurity, described: config.settings.nats } : {}),
  });
  await app.register(slackPlugin);
  await app.register(directoryPlugin);
  await app.register(queuePlugin);
  await app.register(tracePlugin);
  if (roles.worker) await app.register(workerPlugin);
  if (roles.watcher) await app.register(watcherPlugin);
  await app.register(readinessPlugin);
  await app.register(authnzPlugin);
  if (!roles.http) {
    // Every role answers the open probes and its metrics, so that a supervisor can watch a worker too.
    await app.register(healthcheck);
    await app.register(readyz);
    await app.register(metricsRoute);
    return app;
  }

  await app.register(botContextPlugin);
  // Before the routes: the OpenAPI document is collected as they are added.
  if (config.settings.apiDocs) await app.register(apiDocsPlugin);
  await registerRoutes(app);
  return app;
}

/** Every route of the HTTP role; schemas/openapi.json is generated from this same list (src/openapi.ts). */
export async function registerRoutes(app: FastifyInstance): Promise<void> {
  await app.register(healthcheck);
  await app.register(readyz);
  await app.register(metricsRoute);
  await app.register(getTeam);
  await app.register(getUser);
  await app.register(getChannel);
  await app.register(getIms);
  await app.register(action);
  await app.register(sendIm);
  await app.register(slackRoutes);
}
