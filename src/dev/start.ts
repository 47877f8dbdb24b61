/**
 * `omnibot dev`: omnibot-ts's roles (those of `omnibot all`) on a
 * configuration, with an emulated Slack in front of them instead of
 * slack.com: SLACK_API_URL points at the emulator, credentials the
 * environment doesn't set are made up, what becomes of each webhook is
 * traced, and the store is a fresh temporary one unless DATA_DIR says where.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCredentials, type Env } from '../config/credentials.js';
import { ConfigError } from '../config/errors.js';
import { loadConfig, type Config } from '../config/load.js';
import type { ConfigFile } from '../config/schema.js';
import type { Running } from '../lifecycle.js';
import type { RunningServer } from '../server.js';
import { inventedCredentials } from './credentials.js';
import { startEmulator, type Emulator, type SlashCommand } from './emulator.js';
import { loadWorkspaceFile } from './workspace-file.js';

/** What `npm start` runs on: the example configuration and its emulated workspace, in the package. */
export const EXAMPLE_CONFIG = fileURLToPath(new URL('../../examples/omnibot.yaml', import.meta.url));
export const EXAMPLE_WORKSPACE = fileURLToPath(new URL('../../examples/dev/workspace.yaml', import.meta.url));
const DEFAULT_EMULATOR_PORT = 8081;

export interface DevOptions {
  readonly env: Env;
  /** Starts the roles of `omnibot all` on a configuration, as the CLI does. */
  readonly startRoles: (config: Config) => Promise<RunningServer>;
}

export interface DevServer {
  readonly emulator: Emulator;
  readonly server: RunningServer;
  readonly config: Config;
  close(): Promise<void>;
}

/** The slash commands the configuration handles for a team, and the bot each belongs to. */
function slashCommands(document: ConfigFile, teamName: string): SlashCommand[] {
  const commands: SlashCommand[] = [];
  for (const handler of document.handlers?.slash_command_handlers ?? []) {
    const bot = handler.bots?.[teamName]?.[0];
    if (bot) commands.push({ command: handler.command, bot, description: handler.description ?? '' });
  }
  return commands;
}

function port(env: Env): number {
  const raw = env.SLACK_EMULATOR_PORT;
  if (raw === undefined || raw === '') return DEFAULT_EMULATOR_PORT;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new ConfigError(`environment variable SLACK_EMULATOR_PORT: expected an integer from 0 to 65535, got "${raw}"`);
  }
  return value;
}

export async function startDev(options: DevOptions): Promise<DevServer> {
  const { env } = options;
  const file = env.CONFIG_FILE || EXAMPLE_CONFIG;
  // A first reading for the bots and handlers; their credentials may not be there yet.
  const { document } = await loadConfig({ file, env });
  const workspaceFile = await loadWorkspaceFile(env.SLACK_EMULATOR_WORKSPACE || EXAMPLE_WORKSPACE);
  const teamName = workspaceFile.team ?? Object.keys(document.teams)[0] ?? '';
  const teamId = document.teams[teamName];
  if (!teamId) throw new ConfigError(`the emulated workspace's team "${teamName}" is not in the teams of ${file}`);

  // One emulated Slack, one store: what it held belongs to a workspace that is gone when the emulator stops.
  const dataDir = env.DATA_DIR || env.NATS_URL ? undefined : await mkdtemp(path.join(tmpdir(), 'omnibot-dev-'));
  const removeDataDir = async (): Promise<void> => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
  const rolesEnv: Env = {
    ...env,
    ...inventedCredentials(document, env),
    OMNIBOT_TRACE: 'true',
    // The page shows what each webhook did; the terminal needs only what went wrong.
    LOG_LEVEL: env.LOG_LEVEL || 'warn',
    ...(dataDir ? { DATA_DIR: dataDir } : {}),
  };
  const bots = Object.entries(document.bots?.[teamName] ?? {}).map(([name, appId]) => ({ name, appId, credentials: readCredentials(rolesEnv, appId) }));

  let emulator: Emulator;
  try {
    emulator = await startEmulator({
      workspaceFile,
      team: { id: teamId, name: teamName },
      bots,
      commands: slashCommands(document, teamName),
      port: port(env),
      host: env.HOST || '127.0.0.1',
    });
  } catch (error) {
    await removeDataDir();
    throw error;
  }
  try {
    const config = await loadConfig({ file, env: { ...rolesEnv, SLACK_API_URL: `${emulator.url}/api/` } });
    const server = await options.startRoles(config);
    if (!server.address) {
      await server.close();
      throw new Error('omnibot dev needs the roles to listen for webhooks');
    }
    emulator.attach({ url: server.address, nats: server.app.nats });
    return {
      emulator,
      server,
      config,
      async close() {
        await server.close();
        await emulator.close();
        await removeDataDir();
      },
    };
  } catch (error) {
    await emulator.close();
    await removeDataDir();
    throw error;
  }
}

/** What `omnibot dev` prints once everything listens. */
export function banner(dev: DevServer): string {
  const { workspace } = dev.emulator;
  const people = [...workspace.people.values()].filter((person) => !person.bot).map((person) => person.name);
  const bots = [...workspace.bots.keys()];
  return [
    '',
    `omnibot dev: an emulated Slack for ${path.relative(process.cwd(), dev.config.file) || dev.config.file}`,
    `  open ${dev.emulator.url}/ to talk to ${bots.map((bot) => `@${bot}`).join(', ') || 'the bots'} as ${people.join(', ')}`,
    `  omnibot-ts listens on ${dev.server.address}; the emulated Web API is ${dev.emulator.url}/api/`,
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}

/** The `omnibot dev` command: starts and prints where to look; the CLI's lifecycle stops it on a signal. */
export async function runDev(startRoles: DevOptions['startRoles']): Promise<Running> {
  const dev = await startDev({ env: process.env, startRoles });
  process.stdout.write(`${banner(dev)}\n`);
  return {
    log: dev.server.log,
    // The emulator closes after the roles, in about no time.
    closeTimeoutMs: dev.server.closeTimeoutMs + 1_000,
    close: () => dev.close(),
    onFatal: (listener) => dev.server.onFatal(listener),
  };
}
