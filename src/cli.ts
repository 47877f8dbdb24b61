#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import type { Roles } from './app.js';
import type { RoleOutcome } from './lifecycle.js';

interface Role {
  /** One line for --help. */
  readonly summary: string;
  /** What may follow the role's name, for --help (none when absent: extra arguments are refused). */
  readonly args?: string;
  /** Starts the role: a running process to stop on a signal, or the exit code of a command that is done. */
  run(args: readonly string[]): Promise<RoleOutcome>;
}

/** The HTTP API, the worker and/or the watcher in this process, on the configured NATS. */
function server(parts: Roles): Role['run'] {
  return async () => {
    // Loaded here, so that --help, --version and a mistyped role answer without loading Fastify and nats.js.
    const [{ loadConfig }, { startServer }] = await Promise.all([import('./config/load.js'), import('./server.js')]);
    return startServer(await loadConfig(), parts);
  };
}

const ALL: Roles = { http: true, worker: true, watcher: true };

/** `omnibot dev`: loaded only when asked for, so that the production roles never load the emulator. */
async function dev(): Promise<RoleOutcome> {
  const [{ runDev }, { startServer }] = await Promise.all([import('./dev/start.js'), import('./server.js')]);
  return runDev((config) => startServer(config, ALL));
}

/** `omnibot check-config`: a command that is done once it has printed; its exit code is the answer. */
async function checkConfig(args: readonly string[]): Promise<RoleOutcome> {
  const { runCheckConfig } = await import('./check-config.js');
  return runCheckConfig(args, { env: process.env, stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) });
}

// One entry per role: a new role is a line here, its logic in a file of its own.
const ROLES: Readonly<Record<string, Role>> = {
  serve: { summary: "the HTTP API and Slack's webhooks", run: server({ http: true, worker: false }) },
  worker: { summary: 'consumes the queue and runs handlers (serves /healthcheck and /readyz only)', run: server({ http: false, worker: true }) },
  watcher: {
    summary: 'keeps the directory fresh; one watcher process acts at a time (serves /healthcheck and /readyz only)',
    run: server({ http: false, worker: false, watcher: true }),
  },
  all: { summary: 'every role in one process', run: server(ALL) },
  dev: { summary: 'every role, with an emulated Slack and its web page (CONFIG_FILE optional)', run: dev },
  'check-config': { summary: 'checks the configuration and the credentials, without NATS or Slack', args: '[--strict]', run: checkConfig },
};

function usage(): string {
  const names = Object.keys(ROLES);
  const width = Math.max(...names.map((name) => (ROLES[name]?.args ? `${name} ${ROLES[name]?.args}` : name).length));
  const lines = names.map((name) => {
    const role = ROLES[name] as Role;
    return `  ${(role.args ? `${name} ${role.args}` : name).padEnd(width)}  ${role.summary}`;
  });
  return `usage: omnibot <${names.join('|')}>
       omnibot --help | --version

${lines.join('\n')}

Configuration: CONFIG_FILE (omnibot's YAML), credentials as CREDENTIALS_SLACK_*_<APP_ID>,
PORT, HOST, LOG_LEVEL, SLACK_API_URL, DATA_DIR; NATS_URL (unset: an embedded nats-server,
shared by every omnibot process with the same DATA_DIR) with the nats CLI's NATS_USER,
NATS_PASSWORD, NATS_TOKEN, NATS_CREDS, NATS_NKEY, NATS_CA, NATS_CERT, NATS_KEY;
OMNIBOT_STREAM_REPLICAS, OMNIBOT_STREAM_MAX_AGE, OMNIBOT_STREAM_MAX_BYTES. See README.md.`;
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}

/** Exit code 2 for a command line that names no role, or one that does not exist. */
function refuse(message: string): void {
  process.stderr.write(`omnibot: ${message}\nRun "omnibot --help" for the roles.\n`);
  process.exitCode = 2;
}

function main(argv: readonly string[]): void {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`omnibot-ts ${version()}\n`);
    return;
  }
  if (name === undefined) {
    process.stderr.write(`${usage()}\n`);
    process.exitCode = 2;
    return;
  }
  const role = Object.hasOwn(ROLES, name) ? ROLES[name] : undefined;
  if (!role) return refuse(`unknown role "${name}"; expected one of ${Object.keys(ROLES).join(', ')}`);
  if (!role.args && args.length > 0) return refuse(`${name} takes no arguments; got "${args.join(' ')}"`);
  void import('./lifecycle.js').then(({ runProcess }) => runProcess(() => role.run(args)));
}

main(process.argv.slice(2));
