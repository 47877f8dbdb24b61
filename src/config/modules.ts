import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Why a `module: "path/to/file.js:export"` of the configuration could not be loaded; callers add where it was. */
export class ModuleLoadError extends Error {
  override readonly name = 'ModuleLoadError';
}

/**
 * Imports the export that a configuration `module` names, as checks and
 * callbacks name theirs: `./x.js`, `../x.js` and absolute paths are files
 * relative to the configuration file's directory; anything else is a package
 * specifier. Split at the last `:`. Resolves with the export's value, which
 * the caller checks (undefined when there is no such export).
 */
export async function importConfiguredExport(spec: string, baseDir: string): Promise<{ exportName: string; value: unknown }> {
  const separator = spec.lastIndexOf(':');
  const file = separator > 0 ? spec.slice(0, separator) : '';
  const exportName = separator > 0 ? spec.slice(separator + 1) : '';
  if (file === '' || exportName === '') throw new ModuleLoadError(`${JSON.stringify(spec)} is not "path/to/file.js:export"`);
  const isPath = file.startsWith('./') || file.startsWith('../') || file.startsWith('.\\') || file.startsWith('..\\') || path.isAbsolute(file);
  const specifier = isPath ? pathToFileURL(path.resolve(baseDir, file)).href : file;
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    const hint = isPath ? '' : ' (a file relative to the configuration file must start with "./")';
    throw new ModuleLoadError(`cannot load ${JSON.stringify(spec)}: ${(error as Error).message}${hint}`, { cause: error });
  }
  return { exportName, value: loaded[exportName] };
}

/** Describes a configured export that should have been a function. */
export function notAFunction(exportName: string, value: unknown): string {
  return value === undefined ? `has no export "${exportName}"` : `export "${exportName}" is of type ${value === null ? 'null' : typeof value}`;
}
