import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';

export class NatsServerMissingError extends Error {
  override readonly name = 'NatsServerMissingError';
  constructor() {
    super(
      'nats-server is not on the PATH: install it (Debian: apt-get install -y nats-server) or set NATS_URL to a NATS server with JetStream enabled',
    );
  }
}

export interface NatsServerOptions {
  /** JetStream's store directory; created when missing. */
  readonly storeDir: string;
  /** 0 (the default) lets nats-server pick a free port, which the launcher then reads from its log. */
  readonly port?: number;
  readonly host?: string;
  readonly binary?: string;
  /** A nats-server configuration file (authorization, TLS, accounts); the options above override its own. */
  readonly configFile?: string;
  readonly startTimeoutMs?: number;
  /**
   * In a process group of its own, so that Ctrl-C or a signal to omnibot's group
   * reaches omnibot alone, which drains its work and then stops the server.
   */
  readonly detached?: boolean;
}

export interface NatsServerProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** SIGTERM, then SIGKILL if it has not exited within the grace time. */
  stop(graceMs?: number): Promise<void>;
}

const LISTENING = /Listening for client connections on (\S+):(\d+)/;
const READY = /Server is ready/;

/**
 * Starts `nats-server -js` as a child process on loopback and resolves once it
 * accepts connections. The child is also stopped when this process exits, so
 * a crash does not leave a server behind (only SIGKILL can).
 */
export async function startNatsServer(options: NatsServerOptions): Promise<NatsServerProcess> {
  const host = options.host ?? '127.0.0.1';
  await mkdir(options.storeDir, { recursive: true });
  const args = [...(options.configFile ? ['-c', options.configFile] : []), '-js', '-a', host, '-p', String(options.port || -1), '-sd', options.storeDir];
  const child = spawn(options.binary ?? 'nats-server', args, { stdio: ['ignore', 'ignore', 'pipe'], detached: options.detached ?? false });
  // An abrupt exit (a second signal, a crash) still asks the server to stop; it shuts down cleanly on SIGTERM.
  const killOnExit = (): void => {
    child.kill('SIGTERM');
  };
  process.once('exit', killOnExit);

  let port: number;
  try {
    port = await waitUntilReady(child, options.startTimeoutMs ?? 10_000);
  } catch (error) {
    process.removeListener('exit', killOnExit);
    child.kill('SIGKILL');
    throw error;
  }
  // Keep draining the log so a chatty server never blocks on a full pipe.
  child.stderr?.resume();

  return {
    url: `nats://${host}:${port}`,
    port,
    pid: child.pid ?? -1,
    async stop(graceMs = 5_000) {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function waitUntilReady(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let log = '';
    let port: number | undefined;
    const finish = (error: Error | undefined, value?: number): void => {
      clearTimeout(timer);
      child.stderr?.removeListener('data', onData);
      child.removeListener('error', onError);
      child.removeListener('exit', onExit);
      if (error) reject(error);
      else resolve(value as number);
    };
    const onData = (chunk: Buffer): void => {
      log += chunk.toString('utf8');
      const listening = LISTENING.exec(log);
      if (listening?.[2]) port = Number(listening[2]);
      if (port !== undefined && READY.test(log)) finish(undefined, port);
    };
    const onError = (error: NodeJS.ErrnoException): void => {
      finish(error.code === 'ENOENT' ? new NatsServerMissingError() : error);
    };
    const onExit = (code: number | null): void => {
      finish(new Error(`nats-server exited with code ${code} before it was ready: ${log.trim().split('\n').pop() ?? ''}`));
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new Error(`nats-server was not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stderr?.on('data', onData);
    child.once('error', onError);
    child.once('exit', onExit);
  });
}
