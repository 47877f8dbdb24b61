import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/load.js';
import { buildApp, type Roles } from './app.js';
import { natsSecurityOptions, type NatsSecurityOptions } from './queue/connection-options.js';
import { startNatsServer, type NatsServerProcess } from './queue/nats-server.js';

export interface RunningServer {
  readonly app: FastifyInstance;
  /** Where the HTTP server listens, e.g. http://127.0.0.1:8080; undefined without the HTTP role. */
  readonly address: string | undefined;
  close(): Promise<void>;
}

/**
 * NATS_URL with its credentials and TLS, or else a nats-server of our own with
 * its store under DATA_DIR, stopped when the server closes.
 */
async function natsFor(config: Config): Promise<{ servers: readonly string[]; security?: NatsSecurityOptions; embedded?: NatsServerProcess }> {
  const { nats } = config.settings;
  if (nats.servers) return { servers: nats.servers, security: await natsSecurityOptions(nats) };
  const embedded = await startNatsServer({ storeDir: path.resolve(config.settings.dataDir, 'nats') });
  return { servers: [embedded.url], embedded };
}

/** Starts the roles asked for: knows about listening and shutdown, nothing else. */
export async function startServer(config: Config, roles: Roles = { http: true, worker: false }): Promise<RunningServer> {
  const nats = await natsFor(config);
  let app: FastifyInstance;
  try {
    app = await buildApp(config, { natsServers: nats.servers, ...(nats.security ? { natsSecurity: nats.security } : {}), roles });
    if (nats.embedded) app.log.info({ url: nats.embedded.url, pid: nats.embedded.pid }, 'started embedded nats-server');
    let address: string | undefined;
    if (roles.http) address = await app.listen({ port: config.settings.port, host: config.settings.host });
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
