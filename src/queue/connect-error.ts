import { describeAuth, type NatsSettings } from '../config/nats.js';

/** The first connection to NATS failed: the message is one line that names the cause and never a secret. */
export class NatsConnectError extends Error {
  override readonly name = 'NatsConnectError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** What the explanation needs to know about the attempt: never the secrets themselves. */
export type ConnectAttempt = Pick<NatsSettings, 'auth' | 'tls'> & { readonly servers: readonly string[] };

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const TLS_CODES = /^(ERR_SSL_|ERR_TLS_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|CERT_|HOSTNAME_MISMATCH|ERR_OSSL_)/;

/** Turns nats.js's (or Node's) error for the first connect into one line an operator can act on. */
export function explainConnectError(error: unknown, attempt: ConnectAttempt): NatsConnectError {
  const at = `NATS at ${attempt.servers.join(', ')}`;
  const code = codeOf(error);
  const message = messageOf(error);
  const explain = (text: string): NatsConnectError => new NatsConnectError(text, { cause: error });
  if (code === 'AUTHORIZATION_VIOLATION' || code === 'AUTHENTICATION_EXPIRED' || code === 'ACCOUNT_EXPIRED') {
    return explain(`${at} refused ${describeAuth(attempt.auth)}: ${message.replace(/^'|'$/g, '')}`);
  }
  if (code === 'CONNECTION_REFUSED') {
    return explain(`cannot connect to ${at}: connection refused; check NATS_URL, or unset it to start an embedded nats-server`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    const host = /ENOTFOUND (\S+)|EAI_AGAIN (\S+)/.exec(message)?.slice(1).find(Boolean);
    return explain(`cannot connect to ${at}: the host name${host ? ` "${host}"` : ''} does not resolve (${code}); check NATS_URL`);
  }
  if (code === 'SERVER_OPT_NA' && message === 'tls') {
    return explain(`${at} does not offer TLS, which ${attempt.tls.required ? 'tls:// in NATS_URL or NATS_CA/NATS_CERT/NATS_KEY ask for' : 'was asked for'}`);
  }
  if (TLS_CODES.test(code) || code === 'TLS') {
    const hint = attempt.tls.caFile ? 'check NATS_CA, NATS_CERT and NATS_KEY' : "set NATS_CA to the CA that signed the server's certificate";
    return explain(`TLS with ${at} failed: ${message} (${code}); ${hint}`);
  }
  if (code === 'TIMEOUT') {
    const hint =
      attempt.tls.required && !attempt.tls.certFile
        ? ' (a server that verifies TLS clients drops one without a certificate: set NATS_CERT and NATS_KEY)'
        : '';
    return explain(`${at} did not complete the connection in time${hint}; check NATS_URL`);
  }
  return explain(`cannot connect to ${at}: ${message}${code && code !== message ? ` (${code})` : ''}`);
}

/** JetStream is missing (or not enabled for this account) where omnibot-ts connected. */
export function explainJetStreamError(error: unknown, servers: readonly string[]): NatsConnectError | undefined {
  const code = codeOf(error);
  if (code === '503' || /jetstream not enabled/i.test(messageOf(error))) {
    return new NatsConnectError(
      `NATS at ${servers.join(', ')} has no JetStream for this account: run nats-server with JetStream enabled (nats-server -js), or enable it for the account`,
      { cause: error },
    );
  }
  return undefined;
}
