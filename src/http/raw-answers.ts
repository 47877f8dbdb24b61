import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { errorBody, STATUS_ERRORS } from './error-body.js';

/** What this server serves; a CONNECT (a proxy's method) gets these in its 405's Allow. */
const SERVED_METHODS = 'GET, HEAD, POST';

/** How long a refused connection may take to read its answer before it is closed for good. */
const LINGER_MS = 1_000;

function statusOfParseError(code: string | undefined): number {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 413;
    default:
      return 400;
  }
}

function rawResponse(status: number, message: string, headers: Record<string, string> = {}): string {
  const body = JSON.stringify(errorBody('api', { error: STATUS_ERRORS[status] ?? 'invalid request', message }));
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    // Which route it was for is unknown, and Slack's retry of a request that could not be read would fail alike.
    ...(status === 408 ? [] : ['x-slack-no-retry: 1']),
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * Writes the answer and ends our side of the connection; the socket is
 * destroyed when the client closes its side, or after LINGER_MS. Destroying
 * it at once could reset the connection before the client has read the answer.
 */
function answerAndClose(socket: Duplex, response: string): void {
  if (socket.destroyed || socket.writableEnded) return;
  socket.end(response);
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

const refused = new WeakSet<Duplex>();

type HttpSocket = Duplex & { _httpMessage?: ServerResponse | null };

/**
 * Runs `then` once no response for an earlier request is being written on
 * the socket: an answer written now would land inside it. Node's
 * `_httpMessage` is the response being written; pipelined ones queue behind
 * it and take its place in turn. When that response is for the very request
 * that failed (its body timed out, say), nothing is waiting for it: the
 * answer goes now, unless its handler has already started answering.
 */
function afterResponsesInFlight(socket: HttpSocket, then: () => void): void {
  const current = socket._httpMessage;
  if (!current || current.writableFinished) {
    then();
  } else if (!current.req.complete) {
    if (current.headersSent) socket.destroy();
    else then();
  } else {
    current.once('finish', () => setImmediate(() => afterResponsesInFlight(socket, then)));
  }
}

/**
 * Fastify's `clientErrorHandler`: a request Node's parser refused (bad
 * syntax, an unknown method, headers over 16 KiB, headers or body not in
 * time) gets a JSON answer with its status, after any response still being
 * written for an earlier request, then the connection closes. Node's own
 * answer has no body, and Fastify's default is written at once, into the
 * middle of whatever response is on its way.
 */
export function answerClientError(this: FastifyInstance, error: Error & { code?: string }, socket: Duplex): void {
  // Node reports the parser's error again for every later chunk: one answer is enough.
  if (error.code === 'ECONNRESET' || socket.destroyed || refused.has(socket)) return;
  refused.add(socket);
  const status = statusOfParseError(error.code);
  this.log.debug({ code: error.code, status }, 'client error');
  const message = status === 408 ? 'The request did not arrive in time.' : `The request could not be read (${error.code ?? 'malformed'}).`;
  afterResponsesInFlight(socket, () => answerAndClose(socket, rawResponse(status, message)));
}

/**
 * The requests Node's HTTP server hands to events instead of to Fastify,
 * which without a listener are closed with no answer (CONNECT) or answered
 * with an empty body (an Expect other than 100-continue).
 */
export function answerUnroutedRequests(server: Server): void {
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    answerAndClose(socket, rawResponse(405, 'CONNECT is not served here: this is not a proxy.', { allow: SERVED_METHODS }));
  });
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    answerAndEnd(response, 417, 'Only "Expect: 100-continue" is understood.');
  });
}

/** An HTTP/1.1 request must name its Host (RFC 9112): a 400, as Node would answer, but in JSON. True when answered. */
export function rejectWithoutHost(request: IncomingMessage, response: ServerResponse): boolean {
  if (request.headers.host !== undefined || request.httpVersion !== '1.1') return false;
  request.resume();
  answerAndEnd(response, 400, 'An HTTP/1.1 request needs a Host header.');
  return true;
}

function answerAndEnd(response: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify(errorBody('api', { error: STATUS_ERRORS[status] ?? 'invalid request', message }));
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
    'x-slack-no-retry': '1',
  });
  response.end(body);
}
