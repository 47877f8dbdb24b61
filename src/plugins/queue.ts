import fp from 'fastify-plugin';
import { publishWebhook, type PublishResult, type Webhook } from '../queue/publish.js';
import { JetStreamPublisher, MessageTooLargeError } from '../queue/jetstream-publisher.js';
import { ensureWebhookStream } from '../queue/stream.js';
import { readQueueLag } from '../worker/lag.js';

export interface WebhookQueue {
  /**
   * Resolves once JetStream has stored the webhook; throws QueueUnavailableError when it has not
   * by the deadline: `publishTimeoutMs` after the request arrived, `elapsedMs` ago.
   */
  publish(webhook: Webhook, elapsedMs?: number): Promise<PublishResult>;
}

declare module 'fastify' {
  interface FastifyInstance {
    queue: WebhookQueue;
  }
}

export interface QueuePluginOptions {
  /**
   * Slack gives up on a webhook after 3 s: until this long after the request arrived, a publish
   * is tried again (a NATS node lost, a stream electing a leader), then the answer is 503.
   */
  readonly publishTimeoutMs?: number;
}

// Slack waits 3 s; what the answer still has to cross (Slack's network and load balancer, a busy
// event loop: measured up to 0.5 s late on a loaded machine, npm run faults) needs the rest.
const PUBLISH_DEADLINE_MS = 2_000;
// A request that arrived already late still gets one quick try.
const MIN_PUBLISH_TIMEOUT_MS = 250;

export default fp<QueuePluginOptions>(
  async (app, options) => {
    const jsm = await app.nats.jetstreamManager();
    await ensureWebhookStream(jsm, app.config.settings.stream, app.log);
    const deadlineMs = options.publishTimeoutMs ?? PUBLISH_DEADLINE_MS;
    const publisher = new JetStreamPublisher(app.nats, deadlineMs);
    const { metrics } = app;
    app.decorate('queue', {
      async publish(webhook: Webhook, elapsedMs = 0) {
        const started = performance.now();
        try {
          const result = await publishWebhook(publisher, webhook, Math.max(MIN_PUBLISH_TIMEOUT_MS, deadlineMs - elapsedMs));
          metrics.publishDone(result.duplicate ? 'duplicate' : 'stored', (performance.now() - started) / 1000);
          return result;
        } catch (error) {
          metrics.publishDone(error instanceof MessageTooLargeError ? 'too_large' : 'failed', (performance.now() - started) / 1000);
          throw error;
        }
      },
    });
    // The consumer's backlog, as NATS sees it, read at each scrape: every role reports it.
    metrics.watchQueue(() => readQueueLag(jsm));
    app.addHook('onClose', () => publisher.close());
  },
  { name: 'omnibot-queue', fastify: '5.x', dependencies: ['omnibot-config', 'omnibot-nats', 'omnibot-metrics'] },
);
