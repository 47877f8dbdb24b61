#!/usr/bin/env node
import { loadConfig } from './config/load.js';
import { ConfigError } from './config/errors.js';
import { AuthnzConfigError } from './authnz/checks.js';
import { NatsServerMissingError } from './queue/nats-server.js';
import { startServer } from './server.js';
import { runCheckConfig } from './check-config.js';

const ROLES = ['serve', 'worker', 'watcher', 'all'] as const;
type Role = (typeof ROLES)[number];
const NOT_YET: ReadonlySet<Role> = new Set(['watcher']);
const ROLE_PARTS: Readonly<Record<Exclude<Role, 'watcher'>, { http: boolean; worker: boolean }>> = {
  serve: { http: true, worker: false },
  worker: { http: false, worker: true },
  all: { http: true, worker: true },
};

const USAGE = `usage: omnibot <${ROLES.join('|')}>

  serve    the HTTP API and Slack's webhooks
  worker   consumes the queue and runs handlers
  watcher  keeps the directory fresh (not there yet)
  all      every role in one process

  omnibot check-config [--strict]   checks the configuration without NATS or Slack

Configuration: CONFIG_FILE (omnibot's YAML), credentials as CREDENTIALS_SLACK_*_<APP_ID>,
PORT, HOST, LOG_LEVEL, LOG_FORMAT, NATS_URL (unset: an embedded nats-server), SLACK_API_URL, DATA_DIR.`;

function isRole(value: string | undefined): value is Role {
  return ROLES.includes(value as Role);
}

/** The one line a person needs, for the failures a person can fix. */
function explain(error: unknown): string {
  if (error instanceof ConfigError || error instanceof NatsServerMissingError) return error.message;
  if (error instanceof AuthnzConfigError) return `invalid authorization configuration: ${error.message}`;
  if (error instanceof Error && /CONNECTION_REFUSED|ECONNREFUSED/i.test(`${error.message} ${(error as { code?: string }).code}`)) {
    return `cannot connect to NATS (${error.message}): check NATS_URL, or unset it to start an embedded nats-server`;
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

async function main(argv: readonly string[]): Promise<number> {
  const role = argv[0];
  if (role === 'check-config') {
    return runCheckConfig(argv.slice(1), { env: process.env, stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) });
  }
  if (role === '--help' || role === '-h' || role === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!isRole(role) || argv.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (NOT_YET.has(role)) {
    process.stderr.write(`omnibot ${role}: this role is not there yet; run "omnibot serve"\n`);
    return 1;
  }

  const config = await loadConfig();
  const server = await startServer(config, ROLE_PARTS[role as Exclude<Role, 'watcher'>]);
  if (role === 'all') server.app.log.warn('the watcher role is not there yet: running serve and worker');

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      server.app.log.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await server.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`omnibot: ${explain(error)}\n`);
    process.exitCode = 1;
  },
);
