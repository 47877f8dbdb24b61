import t from 'tap';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { formatSchema, generatedSchemas } from '../src/generate-schemas.js';

t.test('the checked-in JSON Schema files match the TypeBox schemas (run `npm run schemas` when this fails)', async (t) => {
  for (const [name, schema] of Object.entries(await generatedSchemas())) {
    const file = fileURLToPath(new URL(`../schemas/${name}`, import.meta.url));
    const checkedIn = await readFile(file, 'utf8').catch(() => '(missing)');
    t.equal(checkedIn, formatSchema(schema), `schemas/${name} is current`);
  }
});

t.test('the config schema describes omnibot\'s keys', async (t) => {
  const schema = (await generatedSchemas())['config.schema.json'] as { properties: Record<string, unknown>; required: string[] };
  for (const key of ['teams', 'bots', 'primary_bot', 'handlers', 'authorization', 'help_callback', 'default_to_help', 'team_fallback', 'list_provider_update_frequency']) {
    t.ok(key in schema.properties, key);
  }
  t.same(schema.required, ['teams']);
});

t.test('the config schema refuses unknown keys, so that an editor flags a typo', async (t) => {
  const { Value } = await import('@sinclair/typebox/value');
  const { ConfigFileSchema } = await import('../src/config/schema.js');
  const base = { teams: { a: 'T1' }, handlers: { message_handlers: [{ match: 'x', match_type: 'command', callbacks: [{ module: 'm:f' }] }] } };
  t.ok(Value.Check(ConfigFileSchema, base), 'a file of known keys passes');
  const typo = structuredClone(base) as unknown as { handlers: { message_handlers: Array<Record<string, unknown>> } };
  typo.handlers.message_handlers[0]!.callback = typo.handlers.message_handlers[0]!.callbacks;
  t.notOk(Value.Check(ConfigFileSchema, typo), '`callback` for `callbacks` is flagged');
  t.notOk(Value.Check(ConfigFileSchema, { ...base, handler: {} }), 'a top-level typo is flagged');
  const schema = (await generatedSchemas())['config.schema.json'] as { additionalProperties: unknown };
  t.equal(schema.additionalProperties, false);
});
