import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake received it. */
export interface FakeSlackCall {
  /** `chat.postMessage`; for a path outside `/api/`, the whole path. */
  readonly method: string;
  /** The form body (or JSON body, values stringified as a form would carry them), over any query parameters. */
  readonly params: Record<string, string>;
  /** From `Authorization: Bearer …`. */
  readonly token: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly path: string;
  readonly rawBody: string;
}

/** The JSON to answer with (status 200), or a function of the call that returns it. */
export type FakeSlackAnswer = object | ((call: FakeSlackCall) => object | Promise<object>);

/** What `failNext` can do to a request instead of (or, for `delayMs`, before) the normal answer. */
export type FakeSlackFault =
  /** `retryAfter` is sent as given: a number of seconds, or any string (an HTTP date, garbage). */
  | { status: 429; retryAfter?: number | string }
  | { status: 500 | 502 | 503 | 504 }
  | { body: object; status?: number }
  | { text: string; status?: number; contentType?: string }
  | { destroy: true }
  | { delayMs: number };

export interface FakeSlack {
  /** Base URL ending in `/api/`: give it to SlackWebClient or SLACK_API_URL. */
  readonly url: string;
  /** Every request, in arrival order (recorded before any fault or delay). */
  readonly calls: FakeSlackCall[];
  /** Exceptions thrown by answer functions (the request got a 500). */
  readonly errors: unknown[];
  callsTo(method: string): FakeSlackCall[];
  /** Replaces the answer for a method. Unset methods answer `{ ok: false, error: 'unknown_method' }`. */
  on(method: string, answer: FakeSlackAnswer): void;
  /**
   * Serves `items` under `itemsKey`, `pageSize` at a time (or the request's `limit`
   * when smaller), with an opaque cursor in `response_metadata.next_cursor`.
   */
  setList(method: string, itemsKey: string, items: readonly unknown[], pageSize?: number): void;
  /** Queues a fault for the next `times` requests to a method, ahead of the normal answer. */
  failNext(method: string, fault: FakeSlackFault, times?: number): void;
  /**
   * Enforces a rate limit as Slack does: calls to `method` with the same key
   * (e.g. the channel) closer together than `minIntervalMs` answer 429.
   */
  rateLimit(method: string, minIntervalMs: number, key: (call: FakeSlackCall) => string): void;
  /**
   * Enforces a rate tier as Slack does: more than `calls` calls to `method` with
   * the same key (by default the token) within any `windowMs` answer 429, with a
   * Retry-After of the whole seconds until the oldest leaves the window.
   */
  rateLimitWindow(method: string, calls: number, windowMs: number, key?: (call: FakeSlackCall) => string): void;
  /** The calls answered 429 by `rateLimit` or `rateLimitWindow`. */
  readonly rateLimited: FakeSlackCall[];
  /** Forgets calls, answers and queued faults. */
  reset(): void;
  close(): Promise<void>;
}

const API_PREFIX = '/api/';

/** A fake Slack Web API: a real HTTP server on a free loopback port. */
export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: FakeSlackCall[] = [];
  const errors: unknown[] = [];
  const answers = new Map<string, FakeSlackAnswer>();
  const faults = new Map<string, FakeSlackFault[]>();
  const delays = new Set<NodeJS.Timeout>();
  /** Per method: at most `calls` per key within `windowMs`; `seen` holds each key's recent call times. */
  const limits = new Map<string, { calls: number; windowMs: number; key: (call: FakeSlackCall) => string; seen: Map<string, number[]> }>();
  const rateLimited: FakeSlackCall[] = [];

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        delays.delete(timer);
        resolve();
      }, ms);
      delays.add(timer);
    });

  async function answer(call: FakeSlackCall, res: ServerResponse): Promise<void> {
    const fault = faults.get(call.method)?.shift();
    if (fault && 'destroy' in fault) {
      res.socket?.destroy();
      return;
    }
    if (fault && 'delayMs' in fault) await wait(fault.delayMs);
    else if (fault && 'text' in fault) return send(res, fault.status ?? 200, fault.text, fault.contentType ?? 'text/html');
    else if (fault && 'body' in fault) return sendJson(res, fault.status ?? 200, fault.body);
    else if (fault && fault.status === 429) {
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
      return sendJson(res, 429, { ok: false, error: 'ratelimited' }, headers);
    } else if (fault) return send(res, fault.status, `fake Slack: HTTP ${fault.status}`, 'text/plain');

    if (!call.path.startsWith(API_PREFIX)) return sendJson(res, 404, { ok: false, error: 'unknown_method' });
    const limit = limits.get(call.method);
    if (limit) {
      const key = limit.key(call);
      const now = performance.now();
      const recent = (limit.seen.get(key) ?? []).filter((at) => now - at < limit.windowMs);
      if (recent.length >= limit.calls) {
        rateLimited.push(call);
        const waitMs = limit.windowMs - (now - (recent[0] as number));
        return sendJson(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) });
      }
      recent.push(now);
      limit.seen.set(key, recent);
    }
    const configured = answers.get(call.method);
    if (configured === undefined) return sendJson(res, 200, { ok: false, error: 'unknown_method' });
    try {
      sendJson(res, 200, typeof configured === 'function' ? await configured(call) : configured);
    } catch (error) {
      errors.push(error);
      sendJson(res, 500, { ok: false, error: 'fake_slack_answer_threw' });
    }
  }

  const server = createServer((req, res) => {
    readBody(req)
      .then((rawBody) => {
        const call = parseCall(req, rawBody);
        calls.push(call);
        return answer(call, res);
      })
      .catch((error: unknown) => {
        errors.push(error);
        if (!res.headersSent && !res.destroyed) sendJson(res, 400, { ok: false, error: 'fake_slack_bad_request' });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${API_PREFIX}`,
    calls,
    errors,
    callsTo: (method) => calls.filter((call) => call.method === method),
    on(method, configured) {
      answers.set(method, configured);
    },
    setList(method, itemsKey, items, pageSize = 100) {
      answers.set(method, (call) => listPage(call, itemsKey, items, pageSize));
    },
    failNext(method, fault, times = 1) {
      const queue = faults.get(method) ?? [];
      for (let i = 0; i < times; i++) queue.push(fault);
      faults.set(method, queue);
    },
    rateLimit(method, minIntervalMs, key) {
      limits.set(method, { calls: 1, windowMs: minIntervalMs, key, seen: new Map() });
    },
    rateLimitWindow(method, calls, windowMs, key = (call) => call.token ?? '') {
      limits.set(method, { calls, windowMs, key, seen: new Map() });
    },
    rateLimited,
    reset() {
      calls.length = 0;
      rateLimited.length = 0;
      limits.clear();
      errors.length = 0;
      answers.clear();
      faults.clear();
    },
    async close() {
      for (const timer of delays) clearTimeout(timer);
      delays.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Where a call's opaque cursor points: 0 without one, undefined for a cursor this fake never gave. */
export function cursorOffset(call: FakeSlackCall): number | undefined {
  const cursor = call.params['cursor'];
  if (!cursor) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

/** The cursor of the page after `end`, or '' when `end` is the end of the list. */
export function nextCursor(end: number, length: number): string {
  return end < length ? Buffer.from(`offset:${end}`).toString('base64url') : '';
}

function listPage(call: FakeSlackCall, itemsKey: string, items: readonly unknown[], pageSize: number): object {
  const offset = cursorOffset(call);
  if (offset === undefined) return { ok: false, error: 'invalid_cursor' };
  const limit = Number(call.params['limit']);
  const size = Number.isInteger(limit) && limit > 0 ? Math.min(limit, pageSize) : pageSize;
  const end = offset + size;
  return { ok: true, [itemsKey]: items.slice(offset, end), response_metadata: { next_cursor: nextCursor(end, items.length) } };
}

function parseCall(req: IncomingMessage, rawBody: string): FakeSlackCall {
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  const method = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname;
  const params: Record<string, string> = Object.fromEntries(url.searchParams);
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.startsWith('application/json') && rawBody !== '') {
    const json: unknown = JSON.parse(rawBody);
    if (typeof json === 'object' && json !== null) {
      for (const [key, value] of Object.entries(json)) {
        if (value === undefined || value === null) continue;
        params[key] = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
      }
    }
  } else {
    Object.assign(params, Object.fromEntries(new URLSearchParams(rawBody)));
  }
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  return { method, params, token: bearer?.[1], headers: req.headers, path: url.pathname, rawBody };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(body), 'application/json; charset=utf-8', headers);
}

function send(res: ServerResponse, status: number, text: string, contentType: string, headers: Record<string, string> = {}): void {
  // The client may have given up (timeout, abort) while a delayed answer waited.
  if (res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
