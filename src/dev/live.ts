/**
 * `GET /dev/api/events`: the workspace's changes as server-sent events, so
 * that the page shows a bot's reply the moment Slack would.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Workspace, WorkspaceChange } from './workspace.js';

const HEARTBEAT_MS = 15_000;

const live: FastifyPluginAsync<{ workspace: Workspace }> = async (app, { workspace }) => {
  app.get('/dev/api/events', (request, reply) => {
    reply.hijack();
    const { raw } = reply;
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    // The first line tells the page it is connected (and flushes the headers through any proxy).
    raw.write(': connected\n\n');
    const send = (change: WorkspaceChange): void => {
      raw.write(`data: ${JSON.stringify(change)}\n\n`);
    };
    const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), HEARTBEAT_MS);
    workspace.changes.on('change', send);
    request.raw.on('close', () => {
      clearInterval(heartbeat);
      workspace.changes.off('change', send);
    });
  });
};

export default live;
