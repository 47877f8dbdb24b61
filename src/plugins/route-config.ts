import type { ErrorStyle } from '../http/error-body.js';

/** Per-route options the plugins read from `routeOptions.config`. */
declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: the route is open to every caller (only /healthcheck). Default true. */
    authnz?: boolean;
    /** The 404 error string for an unknown `:team_name`, where a route's omnibot original used its own. */
    unknownTeamError?: string;
    /** Repeat the route's path parameters beside `error` in its 404 bodies, as omnibot's send_im does. */
    echoParamsInErrors?: boolean;
    /** The shape of the errors the error handler sends for this route (see http/error-body.ts). Default `api`. */
    errorStyle?: ErrorStyle;
  }
}

export {};
