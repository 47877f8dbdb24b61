import fp from 'fastify-plugin';
import { connectionCheck, ReadinessProbe, type ReadinessCheck } from '../queue/readiness.js';
import { STREAM_NAME } from '../queue/subjects.js';
import { CONSUMER_NAME } from '../worker/consumer.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Whether this process can do its job now: what /readyz answers. */
    readiness: ReadinessProbe;
  }
}

// JetStream requests of their own, so that a slow JetStream answers the probe in time rather than never.
const JETSTREAM_TIMEOUT_MS = 1_000;

/**
 * NATS connected, stream OMNIBOT reachable, and in a worker process its consumer
 * there and consuming. JetStream is asked at most every two seconds.
 */
export default fp(
  async (app) => {
    const jsm = await app.nats.jetstreamManager({ timeout: JETSTREAM_TIMEOUT_MS, checkAPI: false });
    const checks: ReadinessCheck[] = [
      connectionCheck(app.nats),
      {
        name: `stream ${STREAM_NAME}`,
        run: async () => {
          await jsm.streams.info(STREAM_NAME);
          return undefined;
        },
      },
    ];
    if (app.hasDecorator('worker')) {
      checks.push({
        name: `consumer ${CONSUMER_NAME}`,
        run: async () => {
          if (!app.worker) return 'the worker has not started';
          await jsm.consumers.info(STREAM_NAME, CONSUMER_NAME);
          return undefined;
        },
      });
    }
    app.decorate('readiness', new ReadinessProbe(checks));
  },
  { name: 'omnibot-readiness', fastify: '5.x', dependencies: ['omnibot-nats', 'omnibot-queue'] },
);
