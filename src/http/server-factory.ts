import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { answerUnroutedRequests, rejectWithoutHost } from './raw-answers.js';

/** How long a connection may take over each part of a request; see DEFAULT_HTTP_TIMEOUTS. */
export interface HttpTimeouts {
  /** From a connection's opening (a kept-alive one: its next request's first byte) to the end of the headers. */
  readonly headersMs: number;
  /** From the same start to the end of the body: the whole request. Handling it afterwards is not limited here. */
  readonly requestMs: number;
  /** How long an idle kept-alive connection stays open (HTTP_KEEP_ALIVE_TIMEOUT_SECONDS). */
  readonly keepAliveMs: number;
  /** How often Node looks for connections over their headers or request time. */
  readonly checkIntervalMs: number;
}

/**
 * Slack gives up on a webhook after 3 s, and sends its small requests at
 * once; API clients send at most 1 MiB. So headers get 5 s and the whole
 * request 10 s (1 MiB at 100 KB/s); a client slower than that is holding a
 * connection, not sending a request. The keep-alive time outlasts the 60 s
 * idle time of common load balancers, so they never reuse a connection this
 * server is closing.
 */
export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  headersMs: 5_000,
  requestMs: 10_000,
  keepAliveMs: 72_000,
  checkIntervalMs: 1_000,
};

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Fastify's `serverFactory`: Node's HTTP server with the time limits above
 * and answers for what Node would otherwise refuse without a JSON body.
 *
 * No `maxRequestsPerSocket` (Node answers the requests over it with 503,
 * which Slack would retry in vain) and no socket idle timeout (it would also
 * cut a request while its handler waits on Slack): idle connections end by
 * the headers time limit before a request and the keep-alive one after.
 */
export function httpServerFactory(timeouts: HttpTimeouts): (handler: Handler) => Server {
  return (handler) => {
    const server = createServer(
      {
        headersTimeout: timeouts.headersMs,
        requestTimeout: timeouts.requestMs,
        keepAliveTimeout: timeouts.keepAliveMs,
        connectionsCheckingInterval: timeouts.checkIntervalMs,
        // Node answers a missing Host itself, with an empty body; rejectWithoutHost answers in JSON.
        requireHostHeader: false,
      },
      (request, response) => {
        if (rejectWithoutHost(request, response)) return;
        handler(request, response);
      },
    );
    server.keepAliveTimeout = timeouts.keepAliveMs;
    answerUnroutedRequests(server);
    return server;
  };
}
