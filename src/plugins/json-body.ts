import fp from 'fastify-plugin';
import { jsonNestingWithin, JsonTooDeepError } from '../json-depth.js';

/**
 * Fastify's JSON body parser (with its __proto__ and constructor checks),
 * refusing bodies nested deeper than MAX_JSON_DEPTH with a 400 before they
 * reach a handler that would serialise them again (an action's kwargs are
 * JSON-encoded for Slack). Slack's routes have their own parsers.
 */
export default fp(
  async (app) => {
    const parse = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      if (!jsonNestingWithin(body as string)) {
        done(new JsonTooDeepError(), undefined);
        return;
      }
      parse(request, body as string, done);
    });
  },
  { name: 'omnibot-json-body', fastify: '5.x' },
);
