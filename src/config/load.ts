import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from './errors.js';
import { missingCredentials, readCredentials, type Env } from './credentials.js';
import { handlersFor, Registry, type Bot, type Team } from './registry.js';
import { IGNORED_TOP_LEVEL_KEYS, type ConfigFile } from './schema.js';
import { readSettings, type Settings } from './settings.js';
import { describeUnknownKey, removeUnknownKeys, type UnknownKey } from './unknown-keys.js';
import { validateConfigFile } from './validate.js';

export interface Config {
  /** Absolute path of the configuration file. */
  readonly file: string;
  /** Its directory: relative module paths in the file are resolved from here. */
  readonly baseDir: string;
  readonly document: ConfigFile;
  readonly registry: Registry;
  readonly settings: Settings;
  readonly defaultToHelp: boolean;
  readonly listRefreshIntervalMs: number;
  /** Problems that don't stop start-up (skipped bots, unknown keys); the caller logs them. */
  readonly warnings: readonly string[];
  /** Keys of the file that nothing knows (typos, most likely): ignored, and among the warnings. */
  readonly unknownKeys: readonly UnknownKey[];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

async function readYaml(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`cannot read configuration file ${file} (${code}); set CONFIG_FILE to omnibot's YAML file`);
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const first = document.errors[0];
  if (first) {
    throw new ConfigError(`configuration file ${file} is not valid YAML: ${first.message}`);
  }
  return document.toJS();
}

/** Cross-references the schema can't express: every name must point at something configured. */
function checkReferences(document: ConfigFile, file: string, warnings: string[]): void {
  const problems: string[] = [];
  const teamNames = new Set(Object.keys(document.teams));
  for (const teamName of Object.keys(document.bots ?? {})) {
    if (!teamNames.has(teamName)) problems.push(`bots.${teamName}: team "${teamName}" is not in teams`);
  }
  // omnibot serves a file whose primary_bot names nothing configured (its own test configuration
  // has two): only that team's directory refresh is lost, so it is a warning, not a refusal.
  for (const [teamName, botName] of Object.entries(document.primary_bot ?? {})) {
    if (!teamNames.has(teamName)) {
      warnings.push(`primary_bot.${teamName}: team "${teamName}" is not in teams; no directory refresh for it`);
    } else if (!document.bots?.[teamName]?.[botName]) {
      warnings.push(`primary_bot.${teamName}: bot "${botName}" is not in bots.${teamName}; team "${teamName}"'s directory refresh is skipped`);
    }
  }
  if (document.team_fallback !== undefined && !teamNames.has(document.team_fallback)) {
    problems.push(`team_fallback: team "${document.team_fallback}" is not in teams`);
  }
  if (problems.length > 0) {
    throw new ConfigError(`invalid configuration file ${file}:\n  ${problems.join('\n  ')}`);
  }
  for (const key of Object.keys(document)) {
    if (IGNORED_TOP_LEVEL_KEYS.has(key)) warnings.push(`configuration key "${key}" is not used by omnibot-ts; ignored`);
  }
  for (const [kind, handlers] of Object.entries(document.handlers ?? {})) {
    (handlers ?? []).forEach((handler: { bots?: Record<string, string[]> }, index: number) => {
      for (const [teamName, botNames] of Object.entries(handler.bots ?? {})) {
        for (const botName of botNames) {
          if (!document.bots?.[teamName]?.[botName]) {
            warnings.push(`handlers.${kind}[${index}].bots.${teamName}: bot "${botName}" is not in bots.${teamName}; it will never match`);
          }
        }
      }
    });
  }
}

function buildRegistry(document: ConfigFile, env: Env, warnings: string[]): Registry {
  const teams: Team[] = Object.entries(document.teams).map(([name, id]) => Object.freeze({ name, id }));
  const teamsByName = new Map(teams.map((team) => [team.name, team]));
  const bots: Bot[] = [];
  for (const [teamName, teamBots] of Object.entries(document.bots ?? {})) {
    const team = teamsByName.get(teamName);
    if (!team) continue;
    for (const [name, appId] of Object.entries(teamBots)) {
      const credentials = readCredentials(env, appId);
      const missing = missingCredentials(credentials);
      if (missing) {
        warnings.push(`bot "${name}" of team "${teamName}" (app ${appId}) skipped: ${missing} in the environment`);
        continue;
      }
      bots.push(
        Object.freeze({
          name,
          appId,
          team,
          credentials: Object.freeze(credentials),
          handlers: handlersFor(document, { name, team }),
          logContext: Object.freeze({ team: team.name, team_id: team.id, bot: name, bot_id: appId }),
        }),
      );
    }
  }
  return new Registry(teams, bots, new Map(Object.entries(document.primary_bot ?? {})));
}

export interface LoadOptions {
  /** Defaults to `CONFIG_FILE` from env. */
  readonly file?: string;
  readonly env?: Env;
}

/** Reads, validates and freezes everything the process is configured with. Throws ConfigError. */
export async function loadConfig(options: LoadOptions = {}): Promise<Config> {
  const env = options.env ?? process.env;
  const settings = readSettings(env);
  const given = options.file ?? env.CONFIG_FILE;
  if (!given) throw new ConfigError('CONFIG_FILE is not set: point it at omnibot\'s YAML configuration file');
  const file = path.resolve(given);
  const warnings: string[] = [];
  const parsed = await readYaml(file);
  const unknownKeys = removeUnknownKeys(parsed);
  for (const unknown of unknownKeys) warnings.push(`configuration file ${file}: ${describeUnknownKey(unknown)}; ignored`);
  const document = validateConfigFile(parsed, file);
  checkReferences(document, file, warnings);
  deepFreeze(document);
  return Object.freeze({
    file,
    baseDir: path.dirname(file),
    document,
    registry: buildRegistry(document, env, warnings),
    settings,
    defaultToHelp: document.default_to_help ?? true,
    listRefreshIntervalMs: (document.list_provider_update_frequency ?? 120) * 1000,
    warnings: Object.freeze(warnings),
    unknownKeys: Object.freeze(unknownKeys),
  });
}
