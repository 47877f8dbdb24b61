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

/** Slack's routes open to everyone: a configuration's `authorization` for tests that post webhooks. */
export const SLACK_ROUTES_OPEN = `
authorization:
  checks:
    - module: "omnibot.authnz:allowed_paths"
      kwargs: { paths: ["/api/v1/slack/"] }
teams: { "testteam": "T12345678" }
bots: { "testteam": { "echobot": "A12345678" } }
`;

/** One bot whose message command `command` calls `url` back (http_callback), Slack's routes open. */
export function callbackConfigYaml(command: string, url: string): string {
  return `${SLACK_ROUTES_OPEN}
handlers:
  message_handlers:
    - match: "${command}"
      match_type: "command"
      bots: { "testteam": ["echobot"] }
      callbacks:
        - module: "omnibot.callbacks.network_callbacks:http_callback"
          kwargs: { request_kwargs: { url: "${url}", timeout: 120 } }
`;
}
