import fp from 'fastify-plugin';
import { NatsTracer } from '../queue/trace.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Publishes what becomes of each webhook on `omnibot_trace.>`; null unless OMNIBOT_TRACE is set. */
    webhookTrace: NatsTracer | null;
  }
}

export default fp(
  async (app) => {
    app.decorate('webhookTrace', app.config.settings.trace ? new NatsTracer(app.nats) : null);
  },
  { name: 'omnibot-trace', fastify: '5.x', dependencies: ['omnibot-config', 'omnibot-nats'] },
);
