import type { TSchema } from '@sinclair/typebox';
import { closestName } from './closest.js';
import { keyPath } from './key-path.js';
import { ConfigFileSchema } from './schema.js';

/** A key the schema does not know, where it is, and the known key it was most likely meant to be. */
export interface UnknownKey {
  /** `handlers.message_handlers[0].callback` */
  readonly path: string;
  readonly key: string;
  readonly suggestion?: string;
}

export function describeUnknownKey(unknown: UnknownKey): string {
  const hint = unknown.suggestion === undefined ? '' : ` (did you mean "${unknown.suggestion}"?)`;
  return `${unknown.path}: unknown key "${unknown.key}"${hint}`;
}

interface SchemaShape {
  readonly type?: string;
  readonly properties?: Record<string, TSchema>;
  readonly patternProperties?: Record<string, TSchema>;
  readonly additionalProperties?: boolean | TSchema;
  readonly items?: TSchema;
  readonly anyOf?: readonly TSchema[];
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The branch of a union that fits the value's kind (list or mapping), for unions like `checks`. */
function branchFor(schema: SchemaShape, value: unknown): SchemaShape | undefined {
  const kind = Array.isArray(value) ? 'array' : isMapping(value) ? 'object' : undefined;
  return schema.anyOf?.find((branch) => (branch as SchemaShape).type === kind) as SchemaShape | undefined;
}

function walk(schema: SchemaShape | undefined, value: unknown, path: Array<string | number>, found: UnknownKey[]): void {
  if (schema === undefined) return;
  if (schema.anyOf) return walk(branchFor(schema, value), value, path, found);
  if (schema.type === 'array' && Array.isArray(value)) {
    value.forEach((item, index) => walk(schema.items as SchemaShape | undefined, item, [...path, index], found));
    return;
  }
  if (schema.type !== 'object' || !isMapping(value)) return;
  const properties = schema.properties ?? {};
  // TypeBox's Record: one pattern for every key.
  const anyKey = Object.values(schema.patternProperties ?? {})[0] as SchemaShape | undefined;
  for (const [key, child] of Object.entries(value)) {
    if (Object.hasOwn(properties, key)) walk(properties[key] as SchemaShape, child, [...path, key], found);
    else if (anyKey) walk(anyKey, child, [...path, key], found);
    else if (schema.additionalProperties === false) {
      const suggestion = closestName(key, Object.keys(properties));
      found.push({ path: keyPath([...path, key]), key, ...(suggestion === undefined ? {} : { suggestion }) });
      // omnibot ignored what it didn't read; so does the loader, once it has said so.
      delete value[key];
    }
  }
}

/**
 * Finds every key of a parsed configuration file that the schema does not
 * know, and removes it from the document (which the loader owns), so the
 * rest validates as omnibot would have read it. Anything the schema leaves
 * open (kwargs, dialogs, names of teams and bots) is never reported.
 */
export function removeUnknownKeys(document: unknown, schema: TSchema = ConfigFileSchema): UnknownKey[] {
  const found: UnknownKey[] = [];
  walk(schema as SchemaShape, document, [], found);
  return found;
}
