import type { FastifyBaseLogger } from 'fastify';
import { pino, type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat } from './config/settings.js';

/**
 * Where a secret could appear in a logged object. Secrets are also wrapped in
 * `Secret`, which prints as a placeholder; this is the second line of defence.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-slack-signature"]',
  'headers.authorization',
  'token',
  'signing_secret',
  '*.token',
  '*.signing_secret',
  '*.headers.authorization',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
}

/** LOG_FORMAT=auto: lines for people on a terminal, JSON lines for everything that reads them instead. */
export function wantsPrettyLogs(format: LogFormat, stdoutIsTerminal: boolean): boolean {
  return format === 'pretty' || (format === 'auto' && stdoutIsTerminal);
}

/**
 * The process's logger: JSON lines, or pino-pretty's lines when `wantsPrettyLogs`.
 * Pretty printing runs in this thread, synchronously: it is for a person
 * watching a terminal, where a line must not be lost when the process exits.
 */
export function processLoggerOptions(level: string, format: LogFormat): LoggerOptions & { stream?: DestinationStream } {
  const options = loggerOptions(level);
  if (!wantsPrettyLogs(format, process.stdout.isTTY === true)) return options;
  return { ...options, stream: pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }) };
}

/** The process's own logger, made before the app (it logs the embedded nats-server), which the app then uses. */
export function processLogger(level: string, format: LogFormat): Logger {
  const { stream, ...options } = processLoggerOptions(level, format);
  return stream ? pino(options, stream) : pino(options);
}

type LogMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * A request's logger that becomes pino's child on its first enabled line.
 * Fastify makes a child per request, and with redaction configured pino runs the
 * child's bindings through the redactor at once: about 2.5 KB and a few µs per
 * request, for a logger that usually writes nothing at the configured level.
 */
class LazyChildLogger implements FastifyBaseLogger {
  readonly #parent: Logger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: Logger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  get level(): string {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.#real().level = level;
  }

  fatal(...args: unknown[]): void {
    this.#write('fatal', args);
  }

  error(...args: unknown[]): void {
    this.#write('error', args);
  }

  warn(...args: unknown[]): void {
    this.#write('warn', args);
  }

  info(...args: unknown[]): void {
    this.#write('info', args);
  }

  debug(...args: unknown[]): void {
    this.#write('debug', args);
  }

  trace(...args: unknown[]): void {
    this.#write('trace', args);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }

  #write(method: LogMethod, args: unknown[]): void {
    const { values } = this.#parent.levels;
    if ((values[method] ?? 0) < (values[this.level] ?? Infinity)) return;
    (this.#real()[method] as (...line: unknown[]) => void)(...args);
  }

  #real(): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options);
    return this.#child;
  }
}

/** Fastify's `childLoggerFactory`: a lazy child of a pino logger; anything else makes its child as usual. */
export function lazyChildLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  const parent = logger as Partial<Logger>;
  if (parent.levels === undefined || typeof parent.child !== 'function') return logger.child(bindings, options);
  return new LazyChildLogger(logger as Logger, bindings, options);
}
