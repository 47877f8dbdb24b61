import fp from 'fastify-plugin';
import { SlackWebClient } from '../slack/web-api.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The Slack Web API client: one connection pool to SLACK_API_URL for the whole process. */
    slack: SlackWebClient;
  }
}

export default fp(
  async (app) => {
    const slack = new SlackWebClient({
      baseUrl: app.config.settings.slackApiUrl,
      timeoutMs: app.config.settings.slackTimeoutMs,
      maxRetries: app.config.settings.slackMaxRetries,
      logger: app.log.child({ component: 'slack' }),
      observer: app.metrics.slack,
    });
    app.decorate('slack', slack);
    app.addHook('onClose', () => slack.close());
  },
  { name: 'omnibot-slack', fastify: '5.x', dependencies: ['omnibot-config', 'omnibot-metrics'] },
);
