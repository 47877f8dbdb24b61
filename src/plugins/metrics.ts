import fp from 'fastify-plugin';
import { OmnibotMetrics } from '../metrics/omnibot-metrics.js';
import { VERSION } from '../version.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every figure GET /metrics exports, on this app's own registry, and the observers the other plugins hand out. */
    metrics: OmnibotMetrics;
  }
}

/**
 * Prometheus metrics: the registry, process metrics, and every HTTP answer by
 * route template and status. The other plugins give their parts of the
 * metrics' observers to the framework-free modules they build.
 */
export default fp(
  async (app) => {
    const metrics = new OmnibotMetrics({ version: VERSION });
    app.decorate('metrics', metrics);
    app.addHook('onResponse', (request, reply, done) => {
      // The template (`/api/v1/slack/get_user/:team_name/:bot_name/:email`), never the URL: bounded labels.
      metrics.http(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  },
  { name: 'omnibot-metrics', fastify: '5.x' },
);
