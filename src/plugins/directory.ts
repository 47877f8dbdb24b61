import fp from 'fastify-plugin';
import { Directory } from '../directory/directory.js';
import { DirectoryStore } from '../directory/store.js';
import { PacedSlackClient } from '../slack/pacer.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Users, channels, IMs and custom emoji, shared by every process through JetStream KV. */
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
    // Whole-list refreshes page through users.list and conversations.list (Tier 2) one page at a
    // time at the configured pace, with no burst: Slack sees at most that many pages in any minute.
    const lists = new PacedSlackClient(app.slack, {
      tiers: { 2: app.config.settings.directoryListCallsPerMinute },
      tierBurst: { 2: 1 },
      logger: app.log.child({ component: 'directory' }),
    });
    const directory = new Directory({
      store,
      slack: app.slack,
      lists,
      refreshIntervalMs: app.config.listRefreshIntervalMs,
      memoryTtlMs: app.config.settings.directoryMemoryTtlMs,
      logger: app.log.child({ component: 'directory' }),
      observer: app.metrics.directory,
    });
    app.decorate('directory', directory);
    // Another process's change (an event, a refresh) drops this process's in-memory copy at once.
    const watching = await store.watchChanges((kind, key) => directory.forget(kind, key));
    // onClose: after the roles have stopped (preClose), before NATS is drained.
    app.addHook('onClose', async () => {
      watching.stop();
      await lists.close();
    });
  },
  { name: 'omnibot-directory', fastify: '5.x', dependencies: ['omnibot-config', 'omnibot-nats', 'omnibot-slack', 'omnibot-metrics'] },
);
