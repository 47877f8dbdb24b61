import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Teardown = { teardown(fn: () => unknown): void };

export interface ServiceCall {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** A status with a JSON body (`json`) or a text body (`text`). */
export interface ServiceReply {
  readonly status?: number;
  readonly json?: unknown;
  readonly text?: string;
}

/** What a path answers: a fixed reply, or one computed from the call (it may wait, or never answer). */
export type ServiceAnswer = ServiceReply | ((call: ServiceCall) => ServiceReply | Promise<ServiceReply>);

export interface CallbackService {
  /** Base URL, e.g. http://127.0.0.1:1234 */
  readonly url: string;
  /** Every POST, in arrival order. */
  readonly calls: ServiceCall[];
  callsTo(path: string): ServiceCall[];
  /** Unconfigured paths answer 200 `{}`. */
  on(path: string, answer: ServiceAnswer): void;
  close(): Promise<void>;
}

function reply(res: ServerResponse, answer: ServiceReply): void {
  if (res.destroyed) return;
  const body = answer.text ?? JSON.stringify(answer.json ?? {});
  res.writeHead(answer.status ?? 200, {
    'content-type': answer.text === undefined ? 'application/json' : 'text/plain',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** A service that handlers call back (http_callback), or a response_url: a real HTTP server on loopback that records every POST. */
export async function startCallbackService(t?: Teardown): Promise<CallbackService> {
  const calls: ServiceCall[] = [];
  const answers = new Map<string, ServiceAnswer>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const call: ServiceCall = { path: req.url ?? '/', headers: req.headers, body: raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>) };
      calls.push(call);
      const configured = answers.get(call.path) ?? { json: {} };
      Promise.resolve(typeof configured === 'function' ? configured(call) : configured).then(
        (answer) => reply(res, answer),
        () => reply(res, { status: 500, json: { error: 'the test\'s answer threw' } }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const service: CallbackService = {
    url: `http://127.0.0.1:${port}`,
    calls,
    callsTo: (path) => calls.filter((call) => call.path === path),
    on: (path, answer) => void answers.set(path, answer),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  t?.teardown(() => service.close());
  return service;
}
