import path from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from './config/load.js';
import { buildApp, type Roles } from './app.js';
import { processLogger } from './logger.js';
import { natsSecurityOptions, type NatsSecurityOptions } from './queue/connection-options.js';
import { openSharedNatsServer, type SharedNatsServer } from './queue/shared-nats-server.js';
import { settleWithin } from './settle-within.js';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly log: FastifyBaseLogger;
  /** Where the HTTP server listens, e.g. http://127.0.0.1:8080. */
  readonly address: string;
  /** How long close() may take: the worker's drain time plus NATS's and nats-server's own. */
  readonly closeTimeoutMs: number;
  /** Stops the roles, drains, then stops the embedded nats-server when this process runs it. */
  close(): Promise<void>;
  /** Called when NATS can't be reached again (the embedded server moved): the process should stop, failing. */
  onFatal(listener: (error: Error) => void): void;
}

interface NatsTarget {
  readonly servers: readonly string[];
  readonly security?: NatsSecurityOptions;
  readonly shared?: SharedNatsServer;
}

// After the worker's drain: NATS's drain (2 s) and the embedded server's stop, within the 5 s a supervisor is promised.
const CLOSE_OVERHEAD_MS = 4_500;
const NATS_SERVER_STOP_GRACE_MS = 2_000;

/**
 * NATS_URL with its credentials and TLS, or else the store's embedded
 * nats-server: started here, or the one another omnibot process runs on the same store.
 */
async function natsFor(config: Config, log: FastifyBaseLogger): Promise<NatsTarget> {
  const { nats, dataDir } = config.settings;
  if (nats.servers) return { servers: nats.servers, security: await natsSecurityOptions(nats) };
  if (nats.ignored.length > 0) {
    log.warn({ variables: nats.ignored }, `${nats.ignored.join(', ')} ignored: NATS_URL is not set, and the embedded nats-server takes no credentials`);
  }
  const storeDir = path.resolve(dataDir, 'nats');
  const shared = await openSharedNatsServer({ storeDir, logger: log });
  if (shared.owner) {
    log.info({ url: shared.url, nats_pid: shared.pid, store: storeDir }, 'started embedded nats-server');
  } else {
    log.info(
      { url: shared.url, owner_pid: shared.ownerPid, store: storeDir },
      `using the embedded nats-server that omnibot process ${shared.ownerPid} runs for DATA_DIR ${dataDir}`,
    );
  }
  return { servers: [shared.url], shared };
}

/** Starts the roles asked for: knows about NATS's location, listening and shutdown, nothing else. */
export async function startServer(config: Config, roles: Roles = { http: true, worker: false }): Promise<RunningServer> {
  const log: FastifyBaseLogger = processLogger(config.settings.logLevel, config.settings.logFormat);
  const nats = await natsFor(config, log);
  let app: FastifyInstance | undefined;
  let address: string;
  try {
    app = await buildApp(config, {
      natsServers: nats.servers,
      ...(nats.security ? { natsSecurity: nats.security } : {}),
      roles,
      loggerInstance: log,
    });
    // Every role listens: the worker for /healthcheck and /readyz only.
    address = await app.listen({ port: config.settings.port, host: config.settings.host });
  } catch (error) {
    if (app) await settleWithin(app.close(), 3_000);
    await nats.shared?.stop(NATS_SERVER_STOP_GRACE_MS);
    throw error;
  }
  const running = app;
  const drainMs = config.settings.worker.drainTimeoutMs;
  return {
    app: running,
    log,
    address,
    closeTimeoutMs: drainMs + CLOSE_OVERHEAD_MS,
    onFatal(listener) {
      nats.shared?.onLost(listener);
    },
    async close() {
      nats.shared?.stopping();
      // Guests of our nats-server drain at the same time as we do; it stops once they are done, or their drain time is up.
      await Promise.all([running.close(), nats.shared?.owner ? nats.shared.guestsGone(drainMs) : undefined]);
      await nats.shared?.stop(NATS_SERVER_STOP_GRACE_MS);
    },
  };
}
