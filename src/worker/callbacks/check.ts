import { closestName } from '../../config/closest.js';
import { ConfigError } from '../../config/errors.js';
import { keyPath } from '../../config/key-path.js';
import type { Config } from '../../config/load.js';
import type { CallbackSpec, ConfigFile } from '../../config/schema.js';
import { BUILT_IN_CALLBACKS, resolveCallback } from './resolve.js';
import { CallbackConfigError } from './types.js';

/** A callback of the configuration file and where it is written. */
export interface ConfiguredCallback {
  /** `handlers.message_handlers[2].callbacks[0]` */
  readonly path: string;
  readonly spec: CallbackSpec;
}

const HANDLER_KINDS = ['message_handlers', 'slash_command_handlers', 'interactive_component_handlers'] as const;

/** Every callback of the file, in the file's order, `help_callback` included. */
export function configuredCallbacks(document: ConfigFile): ConfiguredCallback[] {
  const found: ConfiguredCallback[] = [];
  for (const kind of HANDLER_KINDS) {
    (document.handlers?.[kind] ?? []).forEach((handler, index) => {
      (handler.callbacks ?? []).forEach((spec, at) => found.push({ path: keyPath(['handlers', kind, index, 'callbacks', at]), spec }));
    });
  }
  const help = document.help_callback?.callback;
  if (help) found.push({ path: 'help_callback.callback', spec: help });
  return found;
}

/** Why a callback cannot be called, with the built-in it was most likely meant to be; undefined when it can. */
export async function callbackProblem(configured: ConfiguredCallback, baseDir: string): Promise<string | undefined> {
  try {
    await resolveCallback(configured.spec.module, baseDir);
    return undefined;
  } catch (error) {
    if (!(error instanceof CallbackConfigError)) throw error;
    const builtIn = configured.spec.module.startsWith('omnibot.') ? closestName(configured.spec.module, Object.keys(BUILT_IN_CALLBACKS)) : undefined;
    const hint = builtIn === undefined ? '' : ` (did you mean "${builtIn}"?)`;
    return `${configured.path}.module: ${error.message}${hint}`;
  }
}

/**
 * Loads every configured callback once, at start-up, so that a misspelt
 * built-in or a module that cannot be imported stops the process with where it
 * is written, instead of failing later when a message first matches.
 *
 * @throws ConfigError naming each callback that cannot be loaded.
 */
export async function loadConfiguredCallbacks(config: Config): Promise<void> {
  const problems: string[] = [];
  for (const configured of configuredCallbacks(config.document)) {
    const problem = await callbackProblem(configured, config.baseDir);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration file ${config.file}:\n  ${problems.join('\n  ')}`);
}
