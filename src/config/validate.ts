import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type ValueError } from '@sinclair/typebox/compiler';
import { ConfigFileSchema, type ConfigFile } from './schema.js';
import { ConfigError } from './errors.js';
import { keyPath } from './key-path.js';

const checker = TypeCompiler.Compile(ConfigFileSchema);
const MAX_REPORTED = 5;

/** `/handlers/message_handlers/0/match` → `handlers.message_handlers[0].match` */
function pointerPath(pointer: string): string {
  return keyPath(
    pointer
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')),
  );
}

function describeExpected(schema: TSchema): string | undefined {
  const alternatives = (schema as { anyOf?: TSchema[] }).anyOf;
  if (!alternatives) return undefined;
  const described = alternatives.map((alt) => {
    if ('const' in alt) return JSON.stringify(alt.const);
    if (alt.type === 'array') return 'a list';
    if (alt.type === 'object') return 'a mapping';
    return String(alt.type);
  });
  return `expected one of ${described.join(', ')}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function describe(error: ValueError): string {
  const expected = describeExpected(error.schema) ?? error.message.replace(/^Expected/, 'expected');
  const got = error.value === undefined ? '' : `, got ${describeValue(error.value)}`;
  return `${pointerPath(error.path)}: ${expected}${got}`;
}

/** Checks a parsed YAML document against the schema; the error names the file, each key and what was expected. */
export function validateConfigFile(document: unknown, file: string): ConfigFile {
  if (checker.Check(document)) return document;
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const error of checker.Errors(document)) {
    const line = describe(error);
    if (seen.has(line)) continue;
    seen.add(line);
    problems.push(line);
    if (problems.length === MAX_REPORTED) break;
  }
  throw new ConfigError(`invalid configuration file ${file}:\n  ${problems.join('\n  ')}`);
}
