import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'undici';
import { freePort } from '../helpers/nats-cluster.js';

const OUTPUT_KEPT = 200_000;

/** One process of the built CLI (`serve`, `worker`), started, killed and started again as a fault run needs. */
export class RoleProcess {
  readonly name: string;
  readonly #cli: string;
  readonly #args: readonly string[];
  readonly #env: Record<string, string>;
  #child: ChildProcess | undefined;
  #port = 0;
  #output = '';
  /** Where this process's NATS connection went last, as its log says (`host:port`). */
  #server: string | undefined;

  constructor(name: string, cli: string, args: readonly string[], env: Record<string, string>) {
    this.name = name;
    this.#cli = cli;
    this.#args = args;
    this.#env = env;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** The server its NATS connection reconnected to last (undefined: still the first). */
  get reconnectedTo(): string | undefined {
    return this.#server;
  }

  output(): string {
    return this.#output;
  }

  /** Starts it and resolves once its /readyz answers 200. */
  async start(readyWithinMs = 60_000): Promise<void> {
    this.#port = await freePort();
    const child = spawn(process.execPath, [this.#cli, ...this.#args], {
      env: { PATH: process.env.PATH, ...this.#env, PORT: String(this.#port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    const append = (chunk: Buffer): void => {
      const text = chunk.toString();
      this.#output = (this.#output + text).slice(-OUTPUT_KEPT);
      for (const match of text.matchAll(/"nats":"reconnect","server":"([^"]+)"/g)) this.#server = match[1];
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    const until = Date.now() + readyWithinMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.name} exited before it was ready:\n${this.#output.slice(-4_000)}`);
      const status = await request(`${this.baseUrl}/readyz`)
        .then(async (answer) => {
          await answer.body.dump();
          return answer.statusCode;
        })
        .catch(() => 0);
      if (status === 200) return;
      if (Date.now() > until) throw new Error(`${this.name} not ready within ${readyWithinMs} ms:\n${this.#output.slice(-4_000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Sends a signal and waits for the process to be gone (SIGKILL after `graceMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 30_000): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
