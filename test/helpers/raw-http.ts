import net from 'node:net';

export interface RawAnswer {
  /** Each response's status, in order (pipelined requests get one each). */
  readonly statuses: number[];
  /** The last response's headers, lower-cased. */
  readonly headers: Record<string, string>;
  /** The last response's body. */
  readonly body: string;
  /** The bytes as they came. */
  readonly raw: string;
  /** The server closed the connection (rather than the wait running out). */
  readonly closedByServer: boolean;
}

/**
 * Sends bytes on a fresh connection, as they are (what app.inject can't send:
 * unknown methods, malformed framing, oversized headers), and reads until the
 * server closes or `waitMs` passes; with `quietMs`, also once a whole response
 * has arrived and nothing more came for that long (a kept-alive connection).
 */
export function rawRequest(
  port: number,
  chunks: string | readonly string[],
  options: { waitMs?: number; chunkDelayMs?: number; quietMs?: number } = {},
): Promise<RawAnswer> {
  const parts = typeof chunks === 'string' ? [chunks] : chunks;
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let raw = '';
    let done = false;
    const finish = (closedByServer: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(quiet);
      socket.destroy();
      resolve({ ...parse(raw), raw, closedByServer });
    };
    const timer = setTimeout(() => finish(false), options.waitMs ?? 10_000);
    socket.setEncoding('latin1');
    let quiet: NodeJS.Timeout | undefined;
    socket.on('data', (data: string) => {
      raw += data;
      if (options.quietMs === undefined) return;
      clearTimeout(quiet);
      if (complete(raw)) quiet = setTimeout(() => finish(false), options.quietMs);
    });
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    let next = 0;
    const send = (): void => {
      if (done || next >= parts.length) return;
      socket.write(parts[next++] as string, 'latin1');
      if (next < parts.length) setTimeout(send, options.chunkDelayMs ?? 0);
    };
    socket.on('connect', send);
  });
}

/** Responses one after the other, each framed by its Content-Length (the rest of the bytes when it has none). */
function parse(raw: string): { statuses: number[]; headers: Record<string, string>; body: string } {
  const statuses: number[] = [];
  let headers: Record<string, string> = {};
  let body = '';
  let at = 0;
  while (raw.startsWith('HTTP/1.1 ', at)) {
    const headEnd = raw.indexOf('\r\n\r\n', at);
    const head = raw.slice(at, headEnd === -1 ? raw.length : headEnd).split('\r\n');
    statuses.push(Number(head[0]?.slice(9, 12)));
    headers = {};
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    if (headEnd === -1) break;
    const start = headEnd + 4;
    const length = headers['content-length'] === undefined ? raw.length - start : Number(headers['content-length']);
    body = raw.slice(start, start + length);
    at = start + length;
  }
  return { statuses, headers, body };
}

/** True when the bytes end with a whole response (its headers, and as much body as its Content-Length says). */
function complete(raw: string): boolean {
  const last = raw.lastIndexOf('HTTP/1.1 ');
  const headEnd = raw.indexOf('\r\n\r\n', last);
  if (last === -1 || headEnd === -1) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(raw.slice(last, headEnd));
  return length ? raw.length - (headEnd + 4) >= Number(length[1]) : false;
}
