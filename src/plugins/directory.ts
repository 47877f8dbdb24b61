import fp from 'fastify-plugin';
import { Directory } from '../directory/directory.js';
import { DirectoryStore } from '../directory/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Users, channels and IMs, shared by every process through JetStream KV. */
    directory: Directory;
  }
}

export default fp(
  async (app) => {
    // A KV entry outlives many watcher refreshes (seven days by default), so a watcher outage degrades to older data, not to misses.
    const { stream } = app.config.settings;
    const store = await DirectoryStore.open(app.nats, {
      entryTtlMs: stream.maxAgeMs,
      replicas: stream.replicas,
      maxBytes: stream.maxBytes,
      logger: app.log,
    });
    app.decorate(
      'directory',
      new Directory({
        store,
        slack: app.slack,
        refreshIntervalMs: app.config.listRefreshIntervalMs,
        memoryTtlMs: app.config.settings.directoryMemoryTtlMs,
        logger: app.log.child({ component: 'directory' }),
      }),
    );
  },
  { name: 'omnibot-directory', fastify: '5.x', dependencies: ['omnibot-config', 'omnibot-nats', 'omnibot-slack'] },
);
