import fp from 'fastify-plugin';
import { connect, type NatsConnection } from 'nats';

declare module 'fastify' {
  interface FastifyInstance {
    nats: NatsConnection;
  }
}

export interface NatsPluginOptions {
  /** A comma-separated list of servers, as NATS_URL holds it. */
  readonly servers: string;
  readonly name?: string;
}

/**
 * One NATS connection for the process. The first connect must succeed (a
 * misconfigured URL should stop start-up), after which it reconnects forever,
 * so an outage is survived without a restart.
 */
export default fp<NatsPluginOptions>(
  async (app, options) => {
    const nc = await connect({
      servers: options.servers.split(','),
      name: options.name ?? 'omnibot-ts',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      pingInterval: 10_000,
      // An Error with a stack per request only served async stack traces; it cost ~10% of the ingest CPU.
      noAsyncTraces: true,
    });
    app.log.info({ server: nc.getServer() }, 'connected to NATS');
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect' || status.type === 'reconnect') {
          app.log.warn({ nats: status.type, server: status.data }, 'NATS connection status changed');
        }
      }
    })();
    app.decorate('nats', nc);
    app.addHook('onClose', async () => {
      if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
    });
  },
  { name: 'omnibot-nats', fastify: '5.x' },
);
