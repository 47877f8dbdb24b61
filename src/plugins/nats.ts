import fp from 'fastify-plugin';
import { connect, type NatsConnection } from 'nats';
import type { NatsSettings } from '../config/nats.js';
import { explainConnectError, explainJetStreamError } from '../queue/connect-error.js';
import type { NatsSecurityOptions } from '../queue/connection-options.js';
import { settleWithin } from '../settle-within.js';

declare module 'fastify' {
  interface FastifyInstance {
    nats: NatsConnection;
  }
}

export interface NatsPluginOptions {
  /** Servers without credentials: a comma-separated list, as NATS_URL holds it, or an array. */
  readonly servers: string | readonly string[];
  /** Credentials and TLS (src/queue/connection-options.ts); none for the embedded server. */
  readonly security?: NatsSecurityOptions;
  /** Which credentials and TLS settings those are, so that a refusal can name them. */
  readonly described?: Pick<NatsSettings, 'auth' | 'tls'>;
  readonly name?: string;
}

// Each dial's limit: a server that never answers must fail start-up within seconds, not nats.js's 20.
const DIAL_TIMEOUT_MS = 3_000;
// Shutdown never waits on a NATS that is gone: drain briefly, then close.
const DRAIN_TIMEOUT_MS = 2_000;

/**
 * One NATS connection for the process. The first connect must succeed (a
 * misconfigured URL should stop start-up), after which it reconnects forever,
 * so an outage is survived without a restart.
 */
export default fp<NatsPluginOptions>(
  async (app, options) => {
    const servers = typeof options.servers === 'string' ? options.servers.split(',') : [...options.servers];
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers,
        name: options.name ?? 'omnibot-ts',
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        pingInterval: 10_000,
        timeout: DIAL_TIMEOUT_MS,
        // An Error with a stack per request only served async stack traces; it cost ~10% of the ingest CPU.
        noAsyncTraces: true,
        ...options.security,
      });
    } catch (error) {
      const described = options.described ?? { auth: { kind: 'none' }, tls: { required: false } };
      throw explainConnectError(error, { ...described, servers });
    }
    try {
      await nc.jetstreamManager();
    } catch (error) {
      await nc.close();
      throw explainJetStreamError(error, servers) ?? error;
    }
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
      if (nc.isClosed()) return;
      // drain() waits for a server that may never come back; what it could not flush by then is redelivered.
      if ((await settleWithin(nc.drain(), DRAIN_TIMEOUT_MS)) === 'timeout' || !nc.isClosed()) {
        await settleWithin(nc.close(), 1_000);
      }
    });
  },
  { name: 'omnibot-nats', fastify: '5.x' },
);
