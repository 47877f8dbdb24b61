import fp from 'fastify-plugin';
import { compileChecks } from '../authnz/checks.js';
import './route-config.js';

function pathOf(url: string): string {
  const query = url.indexOf('?');
  const raw = query === -1 ? url : url.slice(0, query);
  // omnibot matched Flask's request.path, which is percent-decoded.
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * omnibot's `authorization.checks`: every route but the open ones runs them in
 * order, and all must pass. They are compiled once, at registration.
 */
export default fp(
  async (app) => {
    const authnz = await compileChecks(app.config.document.authorization, { baseDir: app.config.baseDir });
    app.addHook('onRequest', async (request, reply) => {
      // An unknown path answers 404 whoever asks, as it did in omnibot's Flask app.
      if (request.is404 || request.routeOptions.config.authnz === false) return;
      const decision = await authnz.check(
        { method: request.method, path: pathOf(request.url), headers: request.headers },
        request,
      );
      if (!decision.allowed) {
        request.log.warn({ reason: decision.reason }, 'request denied by authorization checks');
        return reply.forbidden('Request denied by the authorization checks.');
      }
    });
  },
  { name: 'omnibot-authnz', fastify: '5.x', dependencies: ['omnibot-config', '@fastify/sensible'] },
);
