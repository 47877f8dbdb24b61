import t from 'tap';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../src/app.js';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { configuredCallbacks, loadConfiguredCallbacks } from '../../src/worker/callbacks/check.js';
import { writeTempConfig } from '../helpers/temp-config.js';

const FIXTURE_CALLBACKS = fileURLToPath(new URL('../fixtures/callbacks/worker.js', import.meta.url));

function yamlWith(messageCallbacks: string[], helpModule?: string): string {
  const callbacks = messageCallbacks.map((module) => `        - module: "${module}"`).join('\n');
  return `teams:
  "t": "T1"
bots:
  "t":
    "b": "A1"
handlers:
  slash_command_handlers:
    - command: "/ok"
      callbacks:
        - module: "omnibot.callbacks.slash_command_callbacks:echo_callback"
  message_handlers:
    - match: "x"
      match_type: "command"
      callbacks:
${callbacks}
${helpModule ? `help_callback:\n  callback:\n    module: "${helpModule}"\n` : ''}`;
}

t.test('every configured callback is listed with where it is written', async (t) => {
  const file = await writeTempConfig(t, yamlWith(['omnibot.callbacks.message_callbacks:help_callback', `${FIXTURE_CALLBACKS}:throws`], 'omnibot.callbacks.message_callbacks:test_callback'));
  const config = await loadConfig({ file, env: {} });
  t.same(
    configuredCallbacks(config.document).map((c) => [c.path, c.spec.module]),
    [
      ['handlers.message_handlers[0].callbacks[0]', 'omnibot.callbacks.message_callbacks:help_callback'],
      ['handlers.message_handlers[0].callbacks[1]', `${FIXTURE_CALLBACKS}:throws`],
      ['handlers.slash_command_handlers[0].callbacks[0]', 'omnibot.callbacks.slash_command_callbacks:echo_callback'],
      ['help_callback.callback', 'omnibot.callbacks.message_callbacks:test_callback'],
    ],
  );
  await t.resolves(loadConfiguredCallbacks(config), 'all of them load');
});

t.test('a misspelt built-in, a missing file or export stop start-up, naming where each is written', async (t) => {
  const missingFile = path.join(path.dirname(FIXTURE_CALLBACKS), 'nope.js');
  const file = await writeTempConfig(
    t,
    yamlWith(
      ['omnibot.callbacks.message_callbacks:halp_callback', `${missingFile}:handle`, `${FIXTURE_CALLBACKS}:nothing`],
      'omnibot.callbacks.message_callbacks:nope_nope_nope_nope_nope_nope_nope_nope',
    ),
  );
  const config = await loadConfig({ file, env: {} });
  const error = (await buildApp(config, { natsServers: 'nats://127.0.0.1:1' }).catch((e: unknown) => e)) as Error;
  t.type(error, ConfigError, 'before anything connects to NATS');
  const lines = error.message.split('\n').map((line) => line.trim());
  t.equal(lines[0], `invalid configuration file ${file}:`);
  t.match(lines[1], /^handlers\.message_handlers\[0\]\.callbacks\[0\]\.module: .*"omnibot\.callbacks\.message_callbacks:halp_callback" is not one of omnibot's built-in callbacks \(did you mean "omnibot\.callbacks\.message_callbacks:help_callback"\?\)$/);
  t.match(lines[2], /^handlers\.message_handlers\[0\]\.callbacks\[1\]\.module: callback module cannot load .*nope\.js:handle/);
  t.match(lines[3], /^handlers\.message_handlers\[0\]\.callbacks\[2\]\.module: .* has no export "nothing"/);
  t.match(lines[4], /^help_callback\.callback\.module: .*is not one of omnibot's built-in callbacks$/, 'no suggestion when nothing is close');
  t.equal(lines.length, 5);
});
