/**
 * `omnibot check-config [--strict]`: everything start-up checks in the
 * configuration file and the environment, without NATS or Slack, and a
 * readable account of what the process would run with. Exit 1 on any error.
 */
import { AuthnzConfigError, compileChecks } from './authnz/checks.js';
import { closestName } from './config/closest.js';
import { ConfigError } from './config/errors.js';
import { missingCredentials, readCredentials, type BotCredentials, type Env } from './config/credentials.js';
import { keyPath } from './config/key-path.js';
import { loadConfig, type Config } from './config/load.js';
import type { ModuleSpec } from './config/schema.js';
import { describeUnknownKey } from './config/unknown-keys.js';
import { callbackProblem, configuredCallbacks } from './worker/callbacks/check.js';

export const CHECK_CONFIG_USAGE = `usage: omnibot check-config [--strict]

Checks CONFIG_FILE and the CREDENTIALS_SLACK_* variables without connecting to NATS or Slack,
and prints the teams, bots, handlers and authorization checks. Exit code 1 on any error.
  --strict   unknown keys in the file are errors, not warnings`;

/** What was found beside the configuration itself. */
export interface ConfigFindings {
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  /** Problems of single callbacks, by where they are written, to show beside their handler. */
  readonly callbackProblems: ReadonlyMap<string, string>;
}

const CREDENTIAL_VARIABLE = /^CREDENTIALS_SLACK_(VERIFICATION_TOKEN|SIGNING_SECRET|OAUTH_TOKEN|OAUTH_BOT_TOKEN)_(.+)$/;

function credentialNames(credentials: BotCredentials): string {
  const names = [
    credentials.signingSecret && 'signing secret',
    credentials.verificationToken && 'verification token',
    credentials.botToken && 'bot token',
    credentials.userToken && 'user token',
  ].filter(Boolean);
  return names.join(', ');
}

/** Credential variables that no configured bot reads, and tokens of the wrong kind; names only, never values. */
function credentialWarnings(config: Config, env: Env): string[] {
  const appIds = new Set<string>();
  for (const bots of Object.values(config.document.bots ?? {})) for (const appId of Object.values(bots)) appIds.add(appId.toUpperCase());
  const warnings: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    const match = CREDENTIAL_VARIABLE.exec(name);
    if (!match || !value) continue;
    const [, kind, appId = ''] = match;
    if (!appIds.has(appId)) {
      const close = closestName(appId, appIds);
      warnings.push(`${name} is set, but no bot has app id ${appId}${close ? ` (did you mean ${close}?)` : ''}`);
    } else if (kind === 'OAUTH_BOT_TOKEN' && !value.startsWith('xoxb-')) {
      warnings.push(`${name} does not start with xoxb-: Slack's bot tokens do (a user token goes in CREDENTIALS_SLACK_OAUTH_TOKEN_${appId})`);
    } else if (kind === 'OAUTH_TOKEN' && !value.startsWith('xoxp-')) {
      warnings.push(`${name} does not start with xoxp-: Slack's user tokens do`);
    }
  }
  return warnings.sort();
}

/**
 * Every check that needs no network: the file's callbacks load, the
 * authorization section compiles, the credential variables fit the bots.
 * With `strict`, unknown keys are errors.
 */
export async function findProblems(config: Config, env: Env, strict: boolean): Promise<ConfigFindings> {
  const errors: string[] = [];
  const unknownKeyWarnings = new Set(config.unknownKeys.map((unknown) => describeUnknownKey(unknown)));
  const warnings = config.warnings.filter((warning) => !strict || ![...unknownKeyWarnings].some((u) => warning.includes(u)));
  if (strict) errors.push(...[...unknownKeyWarnings].map((u) => `${u} (--strict)`));
  const callbackProblems = new Map<string, string>();
  for (const configured of configuredCallbacks(config.document)) {
    const problem = await callbackProblem(configured, config.baseDir);
    if (problem === undefined) continue;
    callbackProblems.set(configured.path, problem);
    errors.push(problem);
  }
  try {
    await compileChecks(config.document.authorization, { baseDir: config.baseDir });
  } catch (error) {
    if (!(error instanceof AuthnzConfigError)) throw error;
    errors.push(error.message);
  }
  warnings.push(...credentialWarnings(config, env));
  return { errors, warnings, callbackProblems };
}

function quote(text: string): string {
  return JSON.stringify(text);
}

function servedBots(bots: Record<string, string[]> | undefined): string {
  const names = Object.entries(bots ?? {}).flatMap(([team, botNames]) => botNames.map((bot) => `${team}/${bot}`));
  return names.length > 0 ? names.join(', ') : 'no bot (it never matches)';
}

function describeModule(spec: ModuleSpec): string {
  const kwargs = Object.keys(spec.kwargs ?? {});
  return kwargs.length > 0 ? `${spec.module} (kwargs: ${kwargs.join(', ')})` : spec.module;
}

function handlerLines(config: Config, findings: ConfigFindings): string[] {
  const lines: string[] = [];
  const handlers = config.document.handlers ?? {};
  const callbackLines = (kind: string, index: number, callbacks: readonly (ModuleSpec & { synchronous?: boolean })[] | undefined): void => {
    if (!callbacks || callbacks.length === 0) {
      lines.push('      no callbacks');
      return;
    }
    callbacks.forEach((spec, at) => {
      const path = keyPath(['handlers', kind, index, 'callbacks', at]);
      const problem = findings.callbackProblems.get(path);
      const sync = spec.synchronous ? ', synchronous' : '';
      lines.push(`      ${describeModule(spec)}${sync}${problem ? `  ERROR: ${problem.slice(problem.indexOf(': ') + 2)}` : ''}`);
    });
  };
  (handlers.message_handlers ?? []).forEach((handler, index) => {
    const how =
      handler.match_type === 'regex'
        ? `regex ${quote(handler.match)}${handler.regex_type === 'absence' ? ' (absence)' : ''}`
        : `${handler.match_type} ${quote(handler.match)}`;
    const flags = [handler.match_mention && 'mentions', handler.match_reply && 'replies'].filter(Boolean);
    lines.push(`  message_handlers[${index}]  ${how}${flags.length ? ` (also ${flags.join(', ')})` : ''}  for ${servedBots(handler.bots)}`);
    callbackLines('message_handlers', index, handler.callbacks);
  });
  const writeOptions = (handler: { response_type?: string; canned_response?: string; dialog?: unknown; no_message_response?: boolean }): string => {
    const options = [
      handler.response_type ?? 'ephemeral',
      handler.canned_response !== undefined && 'canned response',
      handler.dialog !== undefined && 'opens a dialog',
      handler.no_message_response && 'no message response',
    ].filter(Boolean);
    return options.join(', ');
  };
  (handlers.slash_command_handlers ?? []).forEach((handler, index) => {
    lines.push(`  slash_command_handlers[${index}]  ${handler.command} (${writeOptions(handler)})  for ${servedBots(handler.bots)}`);
    callbackLines('slash_command_handlers', index, handler.callbacks);
  });
  (handlers.interactive_component_handlers ?? []).forEach((handler, index) => {
    lines.push(`  interactive_component_handlers[${index}]  callback_id ${quote(handler.callback_id)} (${writeOptions(handler)})  for ${servedBots(handler.bots)}`);
    callbackLines('interactive_component_handlers', index, handler.callbacks);
  });
  if (lines.length === 0) lines.push('  none');
  const help = config.document.help_callback?.callback;
  if (help) lines.push(`  directed messages that match nothing: ${describeModule(help)} (help_callback)`);
  else lines.push(`  directed messages that match nothing: ${config.defaultToHelp ? 'the built-in help' : 'no answer (default_to_help: false)'}`);
  return lines;
}

function authorizationLines(config: Config): string[] {
  const authorization = config.document.authorization ?? {};
  const checks = authorization.checks === undefined ? [] : Array.isArray(authorization.checks) ? authorization.checks : [authorization.checks];
  const lines: string[] = [];
  if (checks.length === 0) lines.push('  no checks: every request but /healthcheck is denied (403)');
  checks.forEach((check, index) => {
    const paths = check.kwargs?.paths;
    const detail = Array.isArray(paths) ? `: ${paths.length} path${paths.length === 1 ? '' : 's'} (${paths.join(', ')})` : '';
    lines.push(`  checks[${index}]  ${check.module}${detail}`);
  });
  for (const [name, permission] of Object.entries(authorization.permissions ?? {})) {
    const internal = permission.internal_only === false ? ', also from outside (internal_only: false)' : '';
    lines.push(`  permission ${name}: ${(permission.methods ?? []).join(' ') || 'no method'} ${(permission.paths ?? []).join(', ') || 'no path'}${internal}`);
  }
  for (const [subject, permissions] of Object.entries(authorization.bindings ?? {})) {
    lines.push(`  binding ${quote(subject)} → ${permissions.join(', ')}`);
  }
  return lines;
}

/** A person's account of a loaded configuration and what was found in it. */
export function describeConfig(config: Config, env: Env, findings: ConfigFindings): string {
  const lines: string[] = [`configuration file ${config.file}`, '', 'teams'];
  for (const team of config.registry.teams) lines.push(`  ${team.name}  ${team.id}`);
  lines.push('', 'bots');
  let bots = 0;
  for (const [teamName, teamBots] of Object.entries(config.document.bots ?? {})) {
    for (const [name, appId] of Object.entries(teamBots)) {
      bots += 1;
      const credentials = readCredentials(env, appId);
      const missing = missingCredentials(credentials);
      const primary = config.document.primary_bot?.[teamName] === name ? ', primary bot' : '';
      const state = missing ? `skipped: ${missing} (CREDENTIALS_SLACK_*_${appId.toUpperCase()})` : `enabled (${credentialNames(credentials)}${primary})`;
      lines.push(`  ${teamName}/${name}  ${appId}  ${state}`);
    }
  }
  if (bots === 0) lines.push('  none');
  lines.push('', 'handlers', ...handlerLines(config, findings));
  lines.push('', 'authorization', ...authorizationLines(config));
  if (findings.warnings.length > 0) lines.push('', `warnings (${findings.warnings.length})`, ...findings.warnings.map((w) => `  ${w}`));
  if (findings.errors.length > 0) lines.push('', `errors (${findings.errors.length})`, ...findings.errors.map((e) => `  ${e}`));
  lines.push('', findings.errors.length > 0 ? `FAILED: ${findings.errors.length} error${findings.errors.length === 1 ? '' : 's'}` : 'OK');
  return `${lines.join('\n')}\n`;
}

export interface CheckConfigIo {
  readonly env: Env;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** The subcommand: 0 when the configuration is usable, 1 on any error, 2 on bad arguments. */
export async function runCheckConfig(args: readonly string[], io: CheckConfigIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${CHECK_CONFIG_USAGE}\n`);
    return 0;
  }
  const unknown = args.filter((arg) => arg !== '--strict');
  if (unknown.length > 0) {
    io.stderr(`omnibot check-config: unknown argument ${quote(unknown[0] ?? '')}\n${CHECK_CONFIG_USAGE}\n`);
    return 2;
  }
  let config: Config;
  try {
    config = await loadConfig({ env: io.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stdout(`${error.message}\n\nFAILED\n`);
    return 1;
  }
  const findings = await findProblems(config, io.env, args.includes('--strict'));
  io.stdout(describeConfig(config, io.env, findings));
  return findings.errors.length > 0 ? 1 : 0;
}
