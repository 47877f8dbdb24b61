import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { httpCallback } from './http.js';
import { CallbackConfigError, type Callback } from './types.js';

/** omnibot's module names for the callbacks built in here. */
const BUILT_INS: Readonly<Record<string, Callback>> = {
  'omnibot.callbacks.network_callbacks:http_callback': httpCallback,
};

const loaded = new Map<string, Promise<Callback>>();

async function importCallback(spec: string, baseDir: string): Promise<Callback> {
  const separator = spec.lastIndexOf(':');
  if (separator <= 0) throw new CallbackConfigError(`callback module "${spec}" is not "path/to/file.js:export"`);
  const file = spec.slice(0, separator);
  const exportName = spec.slice(separator + 1);
  if (file.startsWith('omnibot.')) throw new CallbackConfigError(`callback module "${spec}" is not one of omnibot's built-in callbacks`);
  const specifier = file.startsWith('.') || path.isAbsolute(file) ? pathToFileURL(path.resolve(baseDir, file)).href : file;
  let module: Record<string, unknown>;
  try {
    module = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    throw new CallbackConfigError(`callback module "${spec}" could not be loaded: ${(error as Error).message}`);
  }
  const fn = module[exportName];
  if (typeof fn !== 'function') throw new CallbackConfigError(`callback module "${spec}" has no function export "${exportName}"`);
  return fn as Callback;
}

/** The function for a callback's `module`, imported once per process. */
export function resolveCallback(spec: string, baseDir: string): Promise<Callback> {
  const builtIn = BUILT_INS[spec];
  if (builtIn) return Promise.resolve(builtIn);
  const key = `${baseDir}\u0000${spec}`;
  let found = loaded.get(key);
  if (!found) {
    found = importCallback(spec, baseDir);
    // A failed import is reported each time rather than cached forever.
    found.catch(() => loaded.delete(key));
    loaded.set(key, found);
  }
  return found;
}
