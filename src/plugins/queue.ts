import fp from 'fastify-plugin';
import { publishWebhook, type PublishResult, type Webhook } from '../queue/publish.js';
import { JetStreamPublisher } from '../queue/jetstream-publisher.js';
import { ensureWebhookStream } from '../queue/stream.js';

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
    await ensureWebhookStream(await app.nats.jetstreamManager(), app.config.settings.stream, app.log);
    const publisher = new JetStreamPublisher(app.nats, options.publishTimeoutMs ?? 2_000);
    app.decorate('queue', {
      publish: (webhook: Webhook) => publishWebhook(publisher, webhook),
    });
    app.addHook('onClose', () => publisher.close());
  },
  { name: 'omnibot-queue', fastify: '5.x', dependencies: ['omnibot-config', 'omnibot-nats'] },
);
