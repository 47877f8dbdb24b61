import fp from 'fastify-plugin';
import { compileChecks, type AuthnzDecision } from '../authnz/checks.js';
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
    // Callback style: the built-in checks decide at once, and most requests need no promise.
    app.addHook('onRequest', (request, _reply, done) => {
      // An unknown path answers 404 whoever asks, as it did in omnibot's Flask app.
      if (request.is404 || request.routeOptions.config.authnz === false) return done();
      const settle = (decision: AuthnzDecision): void => {
        if (decision.allowed) return done();
        request.log.warn({ reason: decision.reason }, 'request denied by authorization checks');
        done(app.httpErrors.forbidden('Request denied by the authorization checks.'));
      };
      const decision = authnz.check({ method: request.method, path: pathOf(request.url), headers: request.headers }, request);
      if (decision instanceof Promise) decision.then(settle, done);
      else settle(decision);
    });
  },
  { name: 'omnibot-authnz', fastify: '5.x', dependencies: ['omnibot-config', '@fastify/sensible'] },
);
