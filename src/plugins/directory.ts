import fp from 'fastify-plugin';
import { Directory } from '../directory/directory.js';
import { DirectoryStore } from '../directory/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Users, channels and IMs, shared by every process through JetStream KV. */
    directory: Directory;
  }
}

// A KV entry outlives several watcher refreshes, so a watcher outage degrades to older data, not to misses.
const ENTRY_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export default fp(
  async (app) => {
    const store = await DirectoryStore.open(app.nats, { entryTtlMs: ENTRY_TTL_MS });
    app.decorate(
      'directory',
      new Directory({
        store,
        slack: app.slack,
        refreshIntervalMs: app.config.listRefreshIntervalMs,
        memoryTtlMs: app.config.settings.directoryMemoryTtlMs,
        logger: app.log.child({ component: 'directory' }),
        observer: app.metrics.directory,
      }),
    );
  },
  { name: 'omnibot-directory', fastify: '5.x', dependencies: ['omnibot-config', 'omnibot-nats', 'omnibot-slack', 'omnibot-metrics'] },
);
