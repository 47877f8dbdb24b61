import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The built CLI, as `npm start` and a deployment run it; `npm test` builds before it tests.
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Milliseconds from spawn to exit. */
  readonly elapsedMs: number;
}

export interface CliProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<CliRun>;
  /** The listening address from the JSON log; rejects if the process exits first. */
  readonly listening: Promise<string>;
  output(): string;
  /** Resolves once the output matches; rejects if the process exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

export interface CliOptions {
  /** In a process group of its own, so that a test can signal the whole group (Ctrl-C, systemd). */
  readonly detached?: boolean;
}

/** Runs `node dist/cli.js args` with only PATH and `env` in its environment. */
export function startCli(args: readonly string[], env: Record<string, string | undefined>, options: CliOptions = {}): CliProcess {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  const changed = (): void => watchers.forEach((watch) => watch());
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    changed();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    changed();
  });
  const exited = new Promise<CliRun>((resolve) =>
    child.on('exit', (code, signal) => {
      const elapsedMs = Date.now() - started;
      // Let the pipes deliver what the process wrote last.
      setImmediate(() => resolve({ code, signal, stdout, stderr, elapsedMs }));
    }),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(stdout + stderr);
        if (!match) return;
        done();
        resolve(match);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${pattern} within ${timeoutMs} ms in: ${stdout}${stderr}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        watchers.delete(check);
      };
      watchers.add(check);
      void exited.then((run) => {
        if (!watchers.has(check)) return;
        check();
        if (!watchers.has(check)) return;
        done();
        reject(new Error(`exited ${run.code ?? run.signal} before ${pattern}: ${run.stdout}${run.stderr}`));
      });
      check();
    });
  const listening = waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/).then((match) => match[1] as string);
  // Runs that are meant to fail never listen; only a test that awaits `listening` cares.
  listening.catch(() => undefined);
  return { child, exited, listening, output: () => stdout + stderr, waitFor };
}

/**
 * How long a start-up that succeeds takes now, from spawn to listening: a failing start-up
 * does a part of that work, so on a shared, loaded machine "within 5 s" means within 5 s of this.
 */
export async function timeToListen(args: readonly string[], env: Record<string, string | undefined>): Promise<number> {
  const started = Date.now();
  const cli = startCli(args, env);
  try {
    await cli.listening;
    return Date.now() - started;
  } finally {
    cli.child.kill('SIGKILL');
    await cli.exited;
  }
}
