import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/load.js';
import { buildApp, type Roles } from './app.js';
import { startNatsServer, type NatsServerProcess } from './queue/nats-server.js';

export interface RunningServer {
  readonly app: FastifyInstance;
  /** Where the HTTP server listens, e.g. http://127.0.0.1:8080; undefined without the HTTP role (or a worker's METRICS_PORT). */
  readonly address: string | undefined;
  close(): Promise<void>;
}

/**
 * NATS_URL, or else a nats-server of our own with its store under DATA_DIR,
 * stopped when the server closes.
 */
async function natsFor(config: Config): Promise<{ servers: string; embedded?: NatsServerProcess }> {
  if (config.settings.natsUrl) return { servers: config.settings.natsUrl };
  const embedded = await startNatsServer({ storeDir: path.resolve(config.settings.dataDir, 'nats') });
  return { servers: embedded.url, embedded };
}

/** Starts the roles asked for: knows about listening and shutdown, nothing else. */
export async function startServer(config: Config, roles: Roles = { http: true, worker: false }): Promise<RunningServer> {
  const nats = await natsFor(config);
  let app: FastifyInstance;
  try {
    app = await buildApp(config, { natsServers: nats.servers, roles });
    if (nats.embedded) app.log.info({ url: nats.servers, pid: nats.embedded.pid }, 'started embedded nats-server');
    let address: string | undefined;
    if (roles.http) address = await app.listen({ port: config.settings.port, host: config.settings.host });
    else if (config.settings.metricsPort !== undefined) address = await app.listen({ port: config.settings.metricsPort, host: config.settings.host });
    else await app.ready();
    return {
      app,
      address,
      async close() {
        await app.close();
        await nats.embedded?.stop();
      },
    };
  } catch (error) {
    await nats.embedded?.stop();
    throw error;
  }
}
