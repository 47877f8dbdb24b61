import fp from 'fastify-plugin';
import { publishWebhook, type PublishResult, type Webhook } from '../queue/publish.js';
import { JetStreamPublisher, MessageTooLargeError } from '../queue/jetstream-publisher.js';
import { ensureWebhookStream } from '../queue/stream.js';
import { readQueueLag } from '../worker/lag.js';

export interface WebhookQueue {
  /** Resolves once JetStream has stored the webhook; throws QueueUnavailableError otherwise. */
  publish(webhook: Webhook): Promise<PublishResult>;
}

declare module 'fastify' {
  interface FastifyInstance {
    queue: WebhookQueue;
  }
}

export interface QueuePluginOptions {
  /** Slack gives up on a webhook after 3 s; the ack must come well before that. */
  readonly publishTimeoutMs?: number;
}

export default fp<QueuePluginOptions>(
  async (app, options) => {
    const jsm = await app.nats.jetstreamManager();
    await ensureWebhookStream(jsm, app.config.settings.stream, app.log);
    const publisher = new JetStreamPublisher(app.nats, options.publishTimeoutMs ?? 2_000);
    const { metrics } = app;
    app.decorate('queue', {
      async publish(webhook: Webhook) {
        const started = performance.now();
        try {
          const result = await publishWebhook(publisher, webhook);
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
