import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CallbackRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** What a path answers: a status and JSON body, computed from the request (may wait). */
export type CallbackAnswer = (request: CallbackRequest) => { status?: number; body?: unknown } | Promise<{ status?: number; body?: unknown }>;

export interface CallbackService {
  /** Base URL, e.g. http://127.0.0.1:1234 */
  readonly url: string;
  readonly requests: CallbackRequest[];
  requestsTo(path: string): CallbackRequest[];
  on(path: string, answer: CallbackAnswer): void;
  close(): Promise<void>;
}

/** A service that handlers call back (http_callback): a real HTTP server on loopback that records every POST. */
export async function startCallbackService(): Promise<CallbackService> {
  const requests: CallbackRequest[] = [];
  const answers = new Map<string, CallbackAnswer>();
  const send = (res: ServerResponse, status: number, body: unknown): void => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const request: CallbackRequest = { path: req.url ?? '/', headers: req.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
      requests.push(request);
      const answer = answers.get(request.path);
      Promise.resolve(answer ? answer(request) : { status: 200, body: {} }).then(
        (result) => {
          if (!res.destroyed) send(res, result.status ?? 200, result.body ?? {});
        },
        () => {
          if (!res.destroyed) send(res, 500, { error: 'callback service answer threw' });
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (path) => requests.filter((r) => r.path === path),
    on: (path, answer) => void answers.set(path, answer),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
