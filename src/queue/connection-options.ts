import { constants, readFileSync } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import {
  credsAuthenticator,
  nkeyAuthenticator,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
  type Authenticator,
  type TlsOptions,
} from 'nats';
import { ConfigError } from '../config/errors.js';
import type { NatsAuth, NatsSettings } from '../config/nats.js';

/** What nats.js needs to reach and satisfy the operator's NATS, beside the servers. */
export interface NatsSecurityOptions {
  readonly authenticator?: Authenticator;
  readonly tls?: TlsOptions;
}

const encoder = new TextEncoder();

async function readable(variable: string, file: string): Promise<void> {
  try {
    await access(file, constants.R_OK);
  } catch (error) {
    throw new ConfigError(`environment variable ${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

/** Fails at start-up, naming the file, rather than at every connect with nats.js's terse error. */
async function checkAuthenticator(variable: string, file: string, authenticator: Authenticator, expected: string): Promise<void> {
  await readable(variable, file);
  try {
    authenticator('start-up check');
  } catch {
    throw new ConfigError(`environment variable ${variable}: ${file} does not hold ${expected}`);
  }
}

async function authenticatorFor(auth: NatsAuth): Promise<Authenticator | undefined> {
  switch (auth.kind) {
    case 'none':
      return undefined;
    // Secrets stay wrapped until nats.js asks for them, at each connect.
    case 'user':
      return usernamePasswordAuthenticator(auth.user, () => auth.password.reveal());
    case 'token':
      return tokenAuthenticator(() => auth.token.reveal());
    case 'creds': {
      // Read at every connect, as nats.go does, so that a rotated .creds file is used on the next reconnect.
      const authenticator = credsAuthenticator(() => readFileSync(auth.file));
      await checkAuthenticator('NATS_CREDS', auth.file, authenticator, 'NATS user credentials (a user JWT and its NKEY seed)');
      return authenticator;
    }
    case 'nkey': {
      const authenticator = nkeyAuthenticator(() => encoder.encode(readFileSync(auth.file, 'utf8').trim()));
      await checkAuthenticator('NATS_NKEY', auth.file, authenticator, 'an NKEY seed (a line starting with SU)');
      return authenticator;
    }
  }
}

/**
 * nats.js's authenticator and TLS options for NATS_URL and the NATS_* variables.
 * Files are checked now, so that a missing one stops start-up with its name;
 * nats.js reads them again at each connect (rotated certificates and creds are picked up).
 */
export async function natsSecurityOptions(settings: NatsSettings): Promise<NatsSecurityOptions> {
  const options: { authenticator?: Authenticator; tls?: TlsOptions } = {};
  const authenticator = await authenticatorFor(settings.auth);
  if (authenticator) options.authenticator = authenticator;
  const { tls } = settings;
  if (tls.required) {
    if (tls.caFile) await readable('NATS_CA', tls.caFile);
    if (tls.certFile) await readable('NATS_CERT', tls.certFile);
    if (tls.keyFile) await readable('NATS_KEY', tls.keyFile);
    if (tls.caFile) await checkPem('NATS_CA', tls.caFile, 'CERTIFICATE');
    if (tls.certFile) await checkPem('NATS_CERT', tls.certFile, 'CERTIFICATE');
    if (tls.keyFile) await checkPem('NATS_KEY', tls.keyFile, 'PRIVATE KEY');
    // An object, even empty, makes nats.js refuse a server that does not speak TLS.
    options.tls = {
      ...(tls.caFile ? { caFile: tls.caFile } : {}),
      ...(tls.certFile ? { certFile: tls.certFile } : {}),
      ...(tls.keyFile ? { keyFile: tls.keyFile } : {}),
    };
  }
  return options;
}

async function checkPem(variable: string, file: string, label: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  if (!new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(text)) {
    throw new ConfigError(`environment variable ${variable}: ${file} is not a PEM file holding a ${label.toLowerCase()}`);
  }
}
