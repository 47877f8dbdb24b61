import fp from 'fastify-plugin';
import { Histogram } from '../metrics/histogram.js';

export interface Metrics {
  /** now − event_ts for accepted events, in ms, labelled by whether Slack was retrying. */
  readonly eventDeliveryLatencyMs: Histogram;
  readonly eventRetryDeliveryLatencyMs: Histogram;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

const LATENCY_BOUNDS_MS = [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 20_000, 60_000, 300_000];

/** The figures a later /metrics endpoint exports; recorded now so nothing is lost until then. */
export default fp(
  async (app) => {
    app.decorate('metrics', {
      eventDeliveryLatencyMs: new Histogram('omnibot_event_delivery_latency_ms', 'Slack event delivery latency (now − event_ts)', LATENCY_BOUNDS_MS),
      eventRetryDeliveryLatencyMs: new Histogram(
        'omnibot_event_retry_delivery_latency_ms',
        'Slack event delivery latency for Slack\'s retries',
        LATENCY_BOUNDS_MS,
      ),
    });
  },
  { name: 'omnibot-metrics', fastify: '5.x' },
);
