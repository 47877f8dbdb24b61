import fp from 'fastify-plugin';
import { refreshTargets } from '../watcher/targets.js';
import { Watcher } from '../watcher/watcher.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The watcher role, once the app is ready (watcher and all roles). */
    watcher: Watcher | null;
  }
}

/**
 * The watcher role: keeps the directory fresh for every process, from
 * Slack's lists once per `list_provider_update_frequency` and from Slack's
 * events as they arrive, while this process holds the watchers' claim.
 * Starts when the app is ready; gives the claim up before NATS closes.
 */
export default fp(
  async (app) => {
    const { config } = app;
    const log = app.log.child({ component: 'watcher' });
    const targets = refreshTargets(config.document.primary_bot ?? {}, config.registry);
    for (const line of targets.skipped) log.warn(line);
    app.decorate('watcher', null);
    app.addHook('onReady', async () => {
      app.watcher = await Watcher.start({
        nc: app.nats,
        directory: app.directory,
        targets: targets.bots,
        findBot: (teamName, botName) => config.registry.bot(teamName, botName),
        periodMs: config.listRefreshIntervalMs,
        replicas: config.settings.stream.replicas,
        logger: log,
      });
      log.info(
        { period_s: config.listRefreshIntervalMs / 1000, teams: targets.bots.map((bot) => `${bot.team.name}/${bot.name}`) },
        'watcher started',
      );
    });
    app.addHook('preClose', async () => {
      await app.watcher?.stop();
    });
  },
  { name: 'omnibot-watcher', fastify: '5.x', dependencies: ['omnibot-config', 'omnibot-nats', 'omnibot-directory', 'omnibot-queue'] },
);
