import { once } from 'node:events';
import type { Server } from 'node:http';
import { connect } from 'node:net';

type Teardown = { teardown(fn: () => unknown): void };

export interface HeldRequest {
  /** Sends the rest of the body and resolves with the whole answer (status line, headers, body) as text. */
  finish(): Promise<string>;
  /** Resolves when the connection has closed, whoever closed it. */
  readonly hungUp: Promise<unknown>;
  /** Closes the connection from the client's side. */
  end(): void;
}

/**
 * A POST on a keep-alive connection, as undici and Slack send them, whose body
 * is held back: resolves once the server has the request (routed, answering
 * still to come), so a test can close the server while it is in flight.
 */
export async function holdRequest(t: Teardown, server: Server, address: string, path: string, body: string, headers: Record<string, string>): Promise<HeldRequest> {
  const url = new URL(address);
  const bytes = Buffer.from(body);
  const head = [`POST ${path} HTTP/1.1`, `host: ${url.host}`, 'connection: keep-alive', `content-length: ${bytes.length}`]
    .concat(Object.entries(headers).map(([name, value]) => `${name}: ${value}`))
    .join('\r\n');
  const socket = connect(Number(url.port), url.hostname);
  t.teardown(() => socket.destroy());
  await once(socket, 'connect');
  let answer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (answer += chunk));
  let closed = false;
  const hungUp = once(socket, 'close').then(() => (closed = true));
  const arrived = once(server, 'request');
  socket.write(`${head}\r\n\r\n`);
  socket.write(bytes.subarray(0, 1));
  await arrived;
  return {
    hungUp,
    end: () => socket.end(),
    async finish() {
      socket.write(bytes.subarray(1));
      for (;;) {
        const split = answer.indexOf('\r\n\r\n');
        const length = /\r\ncontent-length: (\d+)\r\n/i.exec(answer)?.[1];
        if (split >= 0 && length !== undefined && Buffer.byteLength(answer.slice(split + 4)) >= Number(length)) return answer;
        if (closed) throw new Error(`the connection closed before the whole answer: ${JSON.stringify(answer)}`);
        await Promise.race([once(socket, 'data'), hungUp]);
      }
    },
  };
}
