import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export interface Closeable {
  readonly url: string;
  close(): Promise<void>;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The Web API calls a worker makes to build a message's payload: the bot, the user, the channel. */
export async function startSlackStub(): Promise<Closeable> {
  const server = createServer((req, res) => {
    void body(req).then((text) => {
      const params = new URLSearchParams(text);
      const method = (req.url ?? '').replace(/^\/api\//, '');
      if (method === 'auth.test') return json(res, { ok: true, user_id: 'UBOT', bot_id: 'BBOT' });
      if (method === 'users.info') return json(res, { ok: true, user: { id: params.get('user'), name: params.get('user') === 'UBOT' ? 'faultbot' : 'alice' } });
      if (method === 'conversations.info') return json(res, { ok: true, channel: { id: params.get('channel'), name: 'faults' } });
      return json(res, { ok: false, error: 'unknown_method' });
    });
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/api/`, close: () => closeServer(server) };
}

/** One delivery of an event to the callback service: when it arrived (performance.now()). */
export interface Delivery {
  readonly at: number;
}

/**
 * The service the handlers call back: counts every delivery of every event (by the id in its
 * command text). It answers after `delayMs`, so that a worker always has callbacks in flight.
 */
export class CallbackCounter implements Closeable {
  readonly deliveries = new Map<string, Delivery[]>();
  #lastAt = 0;
  readonly #server: Server;
  readonly url: string;

  private constructor(server: Server, port: number) {
    this.#server = server;
    this.url = `http://127.0.0.1:${port}/deliver`;
  }

  static async start(delayMs: number): Promise<CallbackCounter> {
    let counter: CallbackCounter | undefined;
    const server = createServer((req, res) => {
      void body(req).then((text) => {
        const at = performance.now();
        let id = '';
        try {
          id = String((JSON.parse(text) as { command_text?: string }).command_text ?? '').split(' ')[1] ?? '';
        } catch {
          // Counted under the empty id: a payload without the text would be a bug worth seeing.
        }
        counter?.record(id, at);
        setTimeout(() => json(res, {}), delayMs);
      });
    });
    server.keepAliveTimeout = 60_000;
    const port = await listen(server);
    counter = new CallbackCounter(server, port);
    return counter;
  }

  /** One delivery of `id`, now. */
  record(id: string, at: number): void {
    const list = this.deliveries.get(id);
    if (list) list.push({ at });
    else this.deliveries.set(id, [{ at }]);
    this.#lastAt = at;
  }

  /** When the last delivery arrived (performance.now()), 0 before any. */
  get lastAt(): number {
    return this.#lastAt;
  }

  close(): Promise<void> {
    return closeServer(this.#server);
  }
}
