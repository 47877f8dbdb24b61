import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody, STATUS_ERRORS, type ErrorFields, type ErrorStyle } from '../http/error-body.js';
import { SlackApiError, SlackClientError } from '../slack/errors.js';
import './route-config.js';

/** Methods a route here may be registered for; what a 405 lists in its Allow header. */
const ROUTABLE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** An error answer in the route's shape; on Slack's routes a 4xx says Slack need not retry it. */
export function sendError(reply: FastifyReply, style: ErrorStyle, status: number, fields: ErrorFields): FastifyReply {
  // Slack's routes: a 4xx will fail the same way however often Slack retries it; a 503 won't.
  if (style === 'slack' && status < 500) void reply.header('x-slack-no-retry', '1');
  return reply.code(status).send(errorBody(style, fields));
}

/**
 * The router's own refusals, before any route is found (Fastify's
 * `frameworkErrors`): a path that does not decode (400) or a path parameter
 * longer than `maxParamLength` (414). Without this they answer with the
 * whole path echoed in the body.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode === 414 ? 414 : 400;
  request.log.info({ code: error.code }, 'request refused by the router');
  sendError(reply, 'api', status, { error: STATUS_ERRORS[status] ?? 'invalid request', code: error.code });
}

/**
 * Every error a client sees is JSON in the shape its route declares (the
 * route's `errorStyle`), with the right status; nothing internal (stack,
 * Slack's tokens, upstream bodies) leaks into it. A method the path does not
 * serve is a 405 with Allow; a path nothing serves, a 404.
 */
export default fp(
  async (app) => {
    // Routes without parameters (Slack's three above all), by URL: an error on one of them for a
    // method it does not serve (a 404 or 405, or a body refused on the way there) takes its error
    // shape, so Slack gets X-Slack-No-Retry even from a method it did not mean.
    const styleOfStaticUrl = new Map<string, ErrorStyle>();
    app.addHook('onRoute', (route) => {
      const style = route.config?.errorStyle;
      if (style && !route.url.includes(':') && !route.url.includes('*')) styleOfStaticUrl.set(route.url, style);
    });
    const styleOf = (request: FastifyRequest): ErrorStyle => {
      const own = request.routeOptions.config.errorStyle;
      if (own || !request.is404) return own ?? 'api';
      const path = pathOf(request.url);
      return styleOfStaticUrl.get(path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path) ?? 'api';
    };

    app.setErrorHandler((error: FastifyError, request, reply) => {
      const style = styleOf(request);
      if (error instanceof SlackClientError) {
        // The caller's arguments could not be sent at all (JSON-encoding them failed).
        if (error.code === 'invalid_arguments') return sendError(reply, style, 400, { error: STATUS_ERRORS[400] as string, message: error.message, code: error.code });
        request.log.error({ err: error }, 'Slack request failed');
        return sendError(reply, style, 502, { error: STATUS_ERRORS[502] as string, code: error.code });
      }
      if (error instanceof SlackApiError) {
        // Slack refused what a request needed on the way (a users.list for omnibot_parse, say): Slack's problem, not the caller's.
        request.log.error({ err: error }, 'Slack refused a call the request needed');
        return sendError(reply, style, 502, { error: STATUS_ERRORS[502] as string, code: error.code });
      }
      if (error.validation) {
        return sendError(reply, style, 400, { error: STATUS_ERRORS[400] as string, message: error.message });
      }
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
      if (status === 503) {
        // Overload (under-pressure keeps its Retry-After header): the caller should come back, not give up.
        request.log.warn({ err: error }, 'service unavailable');
        return sendError(reply, style, 503, { error: STATUS_ERRORS[503] as string });
      }
      if (status >= 500) {
        request.log.error({ err: error }, 'request failed');
        return sendError(reply, style, 500, { error: STATUS_ERRORS[500] as string });
      }
      // Fastify's own 4xx (bad JSON, body too large, unsupported media type) and ours keep their message.
      return sendError(reply, style, status, { error: error.message, ...(error.code ? { code: error.code } : {}) });
    });

    const served = (method: string, path: string): boolean => {
      try {
        return app.findRoute({ method: method as (typeof ROUTABLE_METHODS)[number], url: path }) !== null;
      } catch {
        return false; // A path the router cannot even decode serves nothing.
      }
    };

    app.setNotFoundHandler((request, reply) => {
      const path = pathOf(request.url);
      const style = styleOf(request);
      const allowed = ROUTABLE_METHODS.filter((method) => method !== request.method && served(method, path));
      if (allowed.length > 0) {
        void reply.header('allow', allowed.join(', '));
        return sendError(reply, style, 405, { error: STATUS_ERRORS[405] as string, message: `${request.method} is not served here; ${allowed.join(', ')} are` });
      }
      return sendError(reply, style, 404, { error: STATUS_ERRORS[404] as string, message: `Route ${request.method}:${path} not found` });
    });
  },
  { name: 'omnibot-errors', fastify: '5.x' },
);
