import t from 'tap';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { formatSchema, generatedSchemas } from '../src/generate-schemas.js';

t.test('the checked-in JSON Schema files match the TypeBox schemas (run `npm run schemas` when this fails)', async (t) => {
  for (const [name, schema] of Object.entries(generatedSchemas())) {
    const file = fileURLToPath(new URL(`../schemas/${name}`, import.meta.url));
    const checkedIn = await readFile(file, 'utf8').catch(() => '(missing)');
    t.equal(checkedIn, formatSchema(schema), `schemas/${name} is current`);
  }
});

t.test('the config schema describes omnibot\'s keys', async (t) => {
  const schema = generatedSchemas()['config.schema.json'] as { properties: Record<string, unknown>; required: string[] };
  for (const key of ['teams', 'bots', 'primary_bot', 'handlers', 'authorization', 'help_callback', 'default_to_help', 'team_fallback', 'list_provider_update_frequency']) {
    t.ok(key in schema.properties, key);
  }
  t.same(schema.required, ['teams']);
});
