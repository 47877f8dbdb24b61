import { ConfigError } from './errors.js';
import type { Env } from './credentials.js';
import { Secret } from './secret.js';

/** How omnibot-ts proves who it is to NATS: one way at a time, as the `nats` CLI's variables give it. */
export type NatsAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'user'; readonly user: string; readonly password: Secret; readonly from: 'NATS_URL' | 'NATS_USER' }
  | { readonly kind: 'token'; readonly token: Secret; readonly from: 'NATS_URL' | 'NATS_TOKEN' }
  /** A JWT `.creds` file (NATS_CREDS), read at every connect so that a rotated file is picked up. */
  | { readonly kind: 'creds'; readonly file: string }
  /** A file holding an NKEY seed (NATS_NKEY). */
  | { readonly kind: 'nkey'; readonly file: string };

export interface NatsTls {
  /** tls:// in NATS_URL, or any of NATS_CA, NATS_CERT, NATS_KEY: never talk to NATS in the clear. */
  readonly required: boolean;
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
}

export interface NatsSettings {
  /** NATS_URL's servers without their credentials (`nats://host:4222`); undefined: start an embedded nats-server. */
  readonly servers: readonly string[] | undefined;
  readonly auth: NatsAuth;
  readonly tls: NatsTls;
  /** NATS_* variables that mean nothing without NATS_URL (the embedded server takes no credentials). */
  readonly ignored: readonly string[];
}

const PROTOCOLS = new Set(['nats:', 'tls:']);
const AUTH_VARIABLES = ['NATS_USER', 'NATS_PASSWORD', 'NATS_TOKEN', 'NATS_CREDS', 'NATS_NKEY'] as const;
const TLS_VARIABLES = ['NATS_CA', 'NATS_CERT', 'NATS_KEY'] as const;

interface ParsedServer {
  readonly server: string;
  readonly tls: boolean;
  /** user:password@ or token@, percent-decoded; never logged. */
  readonly userinfo?: { readonly user: string; readonly password: string | undefined };
}

function parseServer(raw: string): ParsedServer {
  const text = raw.trim();
  const withScheme = text.includes('://') ? text : `nats://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    // The text may hold a password: name the problem, not the value.
    throw new ConfigError('environment variable NATS_URL: expected nats://host:port or tls://host:port (comma-separated), got something that is not a URL');
  }
  if (!PROTOCOLS.has(url.protocol) || !url.hostname) {
    throw new ConfigError(`environment variable NATS_URL: expected nats://host:port or tls://host:port (comma-separated), got a ${url.protocol}// URL`);
  }
  const server = `${url.protocol}//${url.host}`;
  if (!url.username && !url.password) return { server, tls: url.protocol === 'tls:' };
  return {
    server,
    tls: url.protocol === 'tls:',
    userinfo: { user: decodeURIComponent(url.username), password: url.password ? decodeURIComponent(url.password) : undefined },
  };
}

/** The credentials of NATS_URL: the same in every server that has some (nats.js uses one set for all). */
function urlAuth(servers: readonly ParsedServer[]): NatsAuth | undefined {
  const withInfo = servers.filter((server) => server.userinfo);
  const first = withInfo[0]?.userinfo;
  if (!first) return undefined;
  for (const other of withInfo.slice(1)) {
    if (other.userinfo?.user !== first.user || other.userinfo.password !== first.password) {
      throw new ConfigError('environment variable NATS_URL: its servers hold different credentials; give them once, or in NATS_USER and NATS_PASSWORD');
    }
  }
  // As nats.go reads a URL: user:password@ is a user, a lone name@ is a token.
  if (first.password === undefined) return { kind: 'token', token: new Secret(first.user), from: 'NATS_URL' };
  return { kind: 'user', user: first.user, password: new Secret(first.password), from: 'NATS_URL' };
}

function envAuth(env: Env): NatsAuth {
  const given = (name: string): string | undefined => env[name] || undefined;
  const ways = [
    given('NATS_USER') !== undefined || given('NATS_PASSWORD') !== undefined ? 'NATS_USER/NATS_PASSWORD' : undefined,
    given('NATS_TOKEN') !== undefined ? 'NATS_TOKEN' : undefined,
    given('NATS_CREDS') !== undefined ? 'NATS_CREDS' : undefined,
    given('NATS_NKEY') !== undefined ? 'NATS_NKEY' : undefined,
  ].filter((way): way is string => way !== undefined);
  if (ways.length > 1) {
    throw new ConfigError(`environment variables ${ways.join(' and ')}: set one way of authenticating to NATS, not ${ways.length}`);
  }
  const user = given('NATS_USER');
  const password = given('NATS_PASSWORD');
  if (password !== undefined && user === undefined) {
    throw new ConfigError('environment variable NATS_PASSWORD is set without NATS_USER: set both');
  }
  if (user !== undefined) return { kind: 'user', user, password: new Secret(password ?? ''), from: 'NATS_USER' };
  const token = given('NATS_TOKEN');
  if (token !== undefined) return { kind: 'token', token: new Secret(token), from: 'NATS_TOKEN' };
  const creds = given('NATS_CREDS');
  if (creds !== undefined) return { kind: 'creds', file: creds };
  const nkey = given('NATS_NKEY');
  if (nkey !== undefined) return { kind: 'nkey', file: nkey };
  return { kind: 'none' };
}

/**
 * NATS_URL and the `nats` CLI's own variables. Credentials in the URL win over
 * NATS_USER, NATS_PASSWORD and NATS_TOKEN, as they do for nats.go; NATS_CREDS and
 * NATS_NKEY can't be combined with another way of authenticating.
 */
export function readNatsSettings(env: Env): NatsSettings {
  const raw = env.NATS_URL || undefined;
  const set = (names: readonly string[]): string[] => names.filter((name) => env[name]);
  if (raw === undefined) {
    return { servers: undefined, auth: { kind: 'none' }, tls: { required: false }, ignored: set([...AUTH_VARIABLES, ...TLS_VARIABLES]) };
  }
  const parsed = raw.split(',').filter((part) => part.trim() !== '').map(parseServer);
  if (parsed.length === 0) throw new ConfigError('environment variable NATS_URL: expected nats://host:port or tls://host:port (comma-separated)');
  const fromEnv = envAuth(env);
  const fromUrl = urlAuth(parsed);
  if (fromUrl && (fromEnv.kind === 'creds' || fromEnv.kind === 'nkey')) {
    throw new ConfigError(`environment variables NATS_URL and ${fromEnv.kind === 'creds' ? 'NATS_CREDS' : 'NATS_NKEY'}: NATS_URL holds credentials too; give one of them`);
  }
  const certFile = env.NATS_CERT || undefined;
  const keyFile = env.NATS_KEY || undefined;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new ConfigError(`environment variable ${certFile ? 'NATS_KEY' : 'NATS_CERT'} is missing: a client certificate (NATS_CERT) needs its key (NATS_KEY)`);
  }
  const caFile = env.NATS_CA || undefined;
  return {
    servers: parsed.map((server) => server.server),
    auth: fromUrl ?? fromEnv,
    tls: {
      required: parsed.some((server) => server.tls) || set(TLS_VARIABLES).length > 0,
      ...(caFile ? { caFile } : {}),
      ...(certFile ? { certFile } : {}),
      ...(keyFile ? { keyFile } : {}),
    },
    ignored: [],
  };
}

/** Which credentials these are, for a log or error line: never their value. */
export function describeAuth(auth: NatsAuth): string {
  switch (auth.kind) {
    case 'none':
      return 'no credentials (none of NATS_USER, NATS_TOKEN, NATS_CREDS, NATS_NKEY is set, and NATS_URL holds none)';
    case 'user':
      return `user "${auth.user}" and its password (${auth.from === 'NATS_URL' ? 'from NATS_URL' : 'NATS_USER, NATS_PASSWORD'})`;
    case 'token':
      return `the token in ${auth.from}`;
    case 'creds':
      return `the JWT credentials in ${auth.file} (NATS_CREDS)`;
    case 'nkey':
      return `the NKEY seed in ${auth.file} (NATS_NKEY)`;
  }
}
