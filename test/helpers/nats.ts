import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startNatsServer, type NatsServerProcess } from '../../src/queue/nats-server.js';

type Teardown = { teardown(fn: () => unknown): void };

export interface TestNats {
  readonly url: string;
  readonly port: number;
  /** Stops the server; `start()` brings it back on the same port and store (for outage tests). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP: the server keeps its sockets but reads nothing (a hung node); returns once it is stopped. */
  pause(): void;
  /** kill -9: what it had not written is lost; `start()` brings it back. */
  crash(): Promise<void>;
}

/** A real nats-server with JetStream on a free loopback port and a temporary store, gone after the test. */
export async function startTestNats(t: Teardown): Promise<TestNats> {
  const storeDir = await mkdtemp(path.join(tmpdir(), 'omnibot-nats-'));
  let server: NatsServerProcess | undefined = await startNatsServer({ storeDir });
  const port = server.port;
  t.teardown(async () => {
    await server?.stop();
    await rm(storeDir, { recursive: true, force: true });
  });
  return {
    url: server.url,
    port,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async start() {
      if (!server) server = await startNatsServer({ storeDir, port });
    },
    pause() {
      if (!server) return;
      process.kill(server.pid, 'SIGSTOP');
      // The kernel stops the server's threads a moment later, not at once: on a busy machine it
      // still read (and acked) what was sent just after the signal. Returns once it is stopped.
      const stat = `/proc/${server.pid}/stat`;
      const until = Date.now() + 2_000;
      while (Date.now() < until) {
        // The state follows the command's name, which is in parentheses.
        const state = readFileSync(stat, 'utf8').split(') ')[1]?.[0];
        if (state === 'T' || state === 't') return;
      }
      throw new Error(`nats-server ${server.pid} did not stop within 2 s of SIGSTOP`);
    },
    async crash() {
      // SIGTERM then SIGKILL at once: a stopped server dies without handling the SIGTERM.
      await server?.stop(0);
      server = undefined;
    },
  };
}
