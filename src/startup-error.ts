import { AuthnzConfigError } from './authnz/checks.js';
import { ConfigError } from './config/errors.js';
import { NatsConnectError } from './queue/connect-error.js';
import { NatsServerMissingError } from './queue/nats-server.js';
import { StoreInUseError } from './queue/shared-nats-server.js';
import { StreamCreationError } from './queue/stream-settings.js';

interface ListenError {
  readonly code?: string;
  readonly address?: string;
  readonly port?: number;
  readonly syscall?: string;
}

/** Node's listen() errors, as a person would fix them. */
function explainListen(error: ListenError): string | undefined {
  if (error.syscall !== 'listen') return undefined;
  const where = `${error.address ?? 'HOST'}:${error.port ?? 'PORT'}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: the port is in use; stop what listens there, or set PORT to a free port`;
    case 'EACCES':
      return `cannot listen on ${where}: not allowed (ports below 1024 need privileges); set PORT`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: HOST is not an address of this machine; set HOST (0.0.0.0 for every interface)`;
    default:
      return undefined;
  }
}

/** Errors whose message is already the line a person needs. */
const PLAIN = [ConfigError, NatsServerMissingError, NatsConnectError, StoreInUseError, StreamCreationError];

/**
 * The one line a person needs for a failed start-up: what failed and what to
 * do, never a secret and never a stack (LOG_LEVEL=debug adds that).
 */
export function explainStartupError(error: unknown): string {
  let text: string;
  if (PLAIN.some((known) => error instanceof known)) text = (error as Error).message;
  else if (error instanceof AuthnzConfigError) text = `invalid authorization configuration: ${error.message}`;
  else if (error instanceof Error) text = explainListen(error as ListenError) ?? `${error.name}: ${error.message}`;
  else text = String(error);
  // Several problems of one file are still one line, so that a supervisor's log shows them together.
  return text.replace(/:\s*\n\s*/g, ': ').replace(/\s*\n\s*/g, '; ');
}
