import fp from 'fastify-plugin';
import { HEADERS } from '../queue/envelope.js';
import { PacedSlackClient } from '../slack/pacer.js';
import { PoisonMessageError, WebhookWorker } from '../worker/consumer.js';
import { processWebhook, UnroutableMessageError } from '../worker/processor.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The queue consumer, once the app is ready (worker and all roles). */
    worker: WebhookWorker | null;
  }
}

/**
 * The worker role: consumes stream OMNIBOT and runs each message's handlers,
 * with the same config, NATS connection, directory and Slack client as the
 * HTTP role. Starts when the app is ready; drains before NATS closes.
 */
export default fp(
  async (app) => {
    const settings = app.config.settings;
    // Replies are paced per channel and per method tier before Slack has to refuse them.
    const { metrics } = app;
    const slack = new PacedSlackClient(app.slack, { perChannelPerSecond: settings.slackPostsPerChannelPerSecond, observer: metrics.pacer });
    const unwatchPacer = metrics.watchPacer(() => slack.pending);
    const log = app.log.child({ component: 'worker' });
    const deps = { config: app.config, slack, directory: app.directory, logger: log, observer: metrics.processor };
    app.decorate('worker', null);
    let unwatchWorker = (): void => {};
    app.addHook('onReady', async () => {
      app.worker = await WebhookWorker.start(
        app.nats,
        async (type, payload, message) => {
          const id = message.headers?.get(HEADERS.msgId);
          const trace = id ? app.webhookTrace?.forMessage(id, message.seq, message.info.deliveryCount) : undefined;
          trace?.received(type);
          try {
            await processWebhook(deps, type, payload, trace);
            trace?.done({ ok: true });
          } catch (error) {
            trace?.done({ ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
            // A team or bot no longer configured: no retry will route it.
            if (error instanceof UnroutableMessageError) throw new PoisonMessageError(error.message);
            throw error;
          }
        },
        { ...settings.worker, stream: settings.stream },
        log,
        metrics.worker,
      );
      const worker = app.worker;
      unwatchWorker = metrics.watchWorker(() => worker.inFlight);
      log.info({ concurrency: settings.worker.concurrency }, 'worker consuming stream OMNIBOT');
    });
    app.addHook('preClose', async () => {
      await app.worker?.stop();
      await slack.close();
      unwatchWorker();
      unwatchPacer();
    });
  },
  { name: 'omnibot-worker', fastify: '5.x', dependencies: ['omnibot-config', 'omnibot-nats', 'omnibot-slack', 'omnibot-directory', 'omnibot-queue', 'omnibot-trace', 'omnibot-metrics'] },
);
