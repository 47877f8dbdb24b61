import type { TSchema } from '@sinclair/typebox';
import { ConfigFileSchema } from './schema.js';

/** A TypeBox schema as plain JSON Schema: TypeBox schemas are JSON Schema already; the round trip drops its symbols. */
export function plainJsonSchema(schema: TSchema): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...(JSON.parse(JSON.stringify(schema)) as Record<string, unknown>),
  };
}

/** The configuration schema, for editors and other tools that check a configuration file. */
export function configJsonSchema(): Record<string, unknown> {
  return plainJsonSchema(ConfigFileSchema);
}
