import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

type Teardown = { teardown(fn: () => unknown): void };

export const FIXTURE_CONFIG = fileURLToPath(new URL('../fixtures/omnibot.yaml', import.meta.url));

/** Writes a YAML text to a temporary file that is removed after the test. */
export async function writeTempConfig(t: Teardown, yaml: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'omnibot-config-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'omnibot.yaml');
  await writeFile(file, yaml);
  return file;
}
