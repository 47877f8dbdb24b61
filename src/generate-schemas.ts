import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerRoutes } from './app.js';
import { configJsonSchema, plainJsonSchema } from './config/json-schema.js';
import { openApiDocument } from './openapi.js';
import { QueueMessageSchema } from './queue/envelope.js';

/** Every checked-in schema file, by its path under schemas/. A test fails when one is stale. */
export async function generatedSchemas(): Promise<Record<string, Record<string, unknown>>> {
  return {
    'config.schema.json': configJsonSchema(),
    'queue-message.schema.json': plainJsonSchema(QueueMessageSchema),
    'openapi.json': await openApiDocument(registerRoutes),
  };
}

export function formatSchema(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

// Run as `npm run schemas` (from dist/ after a build): writes schemas/ at the project root.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const dir = path.resolve(process.cwd(), 'schemas');
  await mkdir(dir, { recursive: true });
  for (const [name, schema] of Object.entries(await generatedSchemas())) {
    await writeFile(path.join(dir, name), formatSchema(schema));
    process.stdout.write(`wrote schemas/${name}\n`);
  }
}
