import closeWithGrace from 'close-with-grace';
import { settleWithin } from './settle-within.js';
import { explainStartupError } from './startup-error.js';

/** A started role, as the lifecycle stops it. */
export interface Running {
  readonly log: { info(object: object, message: string): void; error(object: object, message: string): void };
  /** How long close() may take before the process exits anyway. */
  readonly closeTimeoutMs: number;
  close(): Promise<void>;
  /** Called when the role can't go on (it lost NATS for good): the process stops, exit code 1. */
  onFatal?(listener: (error: Error) => void): void;
}

/** What a role's start gives back: an exit code (a command that is done) or a running role to stop on a signal. */
export type RoleOutcome = number | Running;

// A signal during start-up waits this long for the start to finish, so that what it started is stopped too.
const START_GRACE_MS = 5_000;

function debugEnabled(): boolean {
  return /^(debug|trace)$/.test(process.env.LOG_LEVEL ?? '');
}

/** One line on stderr; the stack too at LOG_LEVEL=debug. Resolves once written, so that an exit does not cut it. */
function report(prefix: string, error: unknown): Promise<void> {
  let text = `${prefix}${explainStartupError(error)}\n`;
  if (debugEnabled() && error instanceof Error && error.stack) text += `${error.stack}\n`;
  return new Promise((resolve) => process.stderr.write(text, () => resolve()));
}

/**
 * Runs a role as a supervisor expects: a start-up failure exits 1 at once with
 * one line; SIGTERM or SIGINT (or Ctrl-C, or a signal to the process group)
 * drains and exits 0 within the role's close time; a second signal exits at
 * once; an uncaught error is reported, the role closed, and the exit code is 1.
 */
export function runProcess(start: () => Promise<RoleOutcome>): void {
  let running: Running | undefined;
  const started = start();
  const grace = closeWithGrace(
    {
      // Our own deadline (below): the close time is the role's, known only once it has started.
      delay: false,
      logger: false,
      onSecondSignal: (signal) => process.stderr.write(`omnibot: ${signal} again: exiting now\n`),
      onSecondError: (error) => void report('omnibot: while shutting down: ', error),
    },
    async ({ signal, err }) => {
      if (err) await report('omnibot: ', err);
      const role = running ?? (await startedWithin(started));
      if (!role) return;
      const deadline = setTimeout(() => {
        process.stderr.write(`omnibot: shutdown did not finish within ${role.closeTimeoutMs} ms; exiting\n`);
        process.exit(1);
      }, role.closeTimeoutMs);
      deadline.unref();
      role.log.info({ signal: signal ?? null }, 'shutting down');
      await role.close();
      clearTimeout(deadline);
    },
  );

  started.then(
    (outcome) => {
      if (typeof outcome === 'number') {
        // Nothing is running: the process ends by itself once its output is written.
        grace.uninstall();
        process.exitCode = outcome;
        return;
      }
      running = outcome;
      outcome.onFatal?.((error) => {
        grace.uninstall();
        outcome.log.error({ err: error }, 'stopping: NATS can no longer be reached');
        void report('omnibot: ', error)
          .then(() => settleWithin(outcome.close(), outcome.closeTimeoutMs))
          .then(() => process.exit(1));
      });
    },
    async (error: unknown) => {
      // Whatever the failed start left open (a socket, a timer) must not keep the process alive.
      grace.uninstall();
      await report('omnibot: ', error);
      process.exit(1);
    },
  );
}

async function startedWithin(started: Promise<RoleOutcome>): Promise<Running | undefined> {
  let outcome: RoleOutcome | undefined;
  await settleWithin(
    started.then((value) => (outcome = value)),
    START_GRACE_MS,
  );
  return typeof outcome === 'object' ? outcome : undefined;
}
