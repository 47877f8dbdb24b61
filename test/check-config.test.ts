import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCheckConfig } from '../src/check-config.js';
import { TEST_CREDENTIALS } from './helpers/env.js';
import { FIXTURE_CONFIG, writeTempConfig } from './helpers/temp-config.js';

async function check(args: string[], env: Record<string, string | undefined>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCheckConfig(args, { env, stdout: (text) => (out += text), stderr: (text) => (err += text) });
  return { code, out, err };
}

const TYPOS = `
authorization:
  checks:
    - module: "omnibot.authnz:allowed_paths"
      kwargs: { paths: ["/api/v1/slack/event"] }
teams:
  "t": "T1"
bots:
  "t":
    "b": "A1"
handlers:
  message_handlers:
    - match: "x"
      match_type: "command"
      bots: { "t": ["b"] }
      callback:
        - module: "omnibot.callbacks.message_callbacks:help_callback"
`;

t.test('the test fixture: teams, every bot (enabled or skipped, and why), handlers, checks; exit 0', async (t) => {
  const { code, out } = await check([], { ...TEST_CREDENTIALS, CONFIG_FILE: FIXTURE_CONFIG });
  t.equal(code, 0);
  t.match(out, `configuration file ${FIXTURE_CONFIG}`);
  t.match(out, /teams\n {2}testteam {2}T12345678\n {2}test2ndteam {2}TABCDEF12\n/);
  t.match(out, /testteam\/echobot {2}A12345678 {2}enabled \(signing secret, verification token, bot token, user token, primary bot\)/);
  t.match(out, /testteam\/nocredsbot {2}A00000000 {2}skipped: no verification token or signing secret \(CREDENTIALS_SLACK_\*_A00000000\)/);
  t.match(out, /slash_command_handlers\[0\] {2}\/echo \(in_channel\) {2}for testteam\/echobot\n {6}omnibot\.callbacks\.slash_command_callbacks:echo_callback\n/);
  t.match(out, /slash_command_handlers\[1\] {2}\/dialog \(ephemeral, opens a dialog\)/);
  t.match(out, /checks\[0\] {2}omnibot\.authnz:allowed_paths: \d+ paths/);
  t.match(out, /checks\[1\] {2}omnibot\.authnz\.envoy_checks:envoy_internal_check/);
  t.match(out, /permission slack_api: POST \/api\/v1\/slack\/event.*internal_only: false/);
  t.match(out, /binding "someservice" → omnibot_read_only, omnibot_write/);
  t.match(out, /\nOK\n$/);
  for (const secret of Object.values(TEST_CREDENTIALS)) t.notOk(out.includes(secret), 'no secret is printed');
});

t.test('an unknown key is a warning, and an error with --strict', async (t) => {
  const file = await writeTempConfig(t, TYPOS);
  const env = { CONFIG_FILE: file, CREDENTIALS_SLACK_SIGNING_SECRET_A1: 's', CREDENTIALS_SLACK_OAUTH_BOT_TOKEN_A1: 'xoxb-1' };
  const lenient = await check([], env);
  t.equal(lenient.code, 0);
  t.match(lenient.out, /warnings \(1\)\n {2}.*handlers\.message_handlers\[0\]\.callback: unknown key "callback" \(did you mean "callbacks"\?\); ignored/);
  t.match(lenient.out, /message_handlers\[0\] {2}command "x" {2}for t\/b\n {6}no callbacks/, 'and the handler is shown as it will run: with no callback');
  const strict = await check(['--strict'], env);
  t.equal(strict.code, 1);
  t.match(strict.out, /errors \(1\)\n {2}handlers\.message_handlers\[0\]\.callback: unknown key "callback" \(did you mean "callbacks"\?\) \(--strict\)/);
  t.match(strict.out, /FAILED: 1 error\n$/);
});

t.test('callbacks that cannot load, bad authorization, and credential variables nobody reads', async (t) => {
  const yaml = TYPOS.replace('callback:', 'callbacks:').replace('help_callback', 'halp_callback').replace('"/api/v1/slack/event"', '"/api/(unclosed"');
  const file = await writeTempConfig(t, yaml);
  const { code, out } = await check([], {
    CONFIG_FILE: file,
    CREDENTIALS_SLACK_SIGNING_SECRET_A1: 's',
    CREDENTIALS_SLACK_OAUTH_BOT_TOKEN_A1: 'xoxp-not-a-bot-token',
    CREDENTIALS_SLACK_OAUTH_BOT_TOKEN_B9: 'xoxb-2',
  });
  t.equal(code, 1);
  t.match(out, /halp_callback {2}ERROR: .*did you mean "omnibot\.callbacks\.message_callbacks:help_callback"/, 'beside its handler');
  t.match(out, /errors \(2\)\n {2}handlers\.message_handlers\[0\]\.callbacks\[0\]\.module: .*halp_callback.*\n {2}authorization\.checks\[0\]\.kwargs\.paths\[0\]: invalid regular expression/);
  t.match(out, /CREDENTIALS_SLACK_OAUTH_BOT_TOKEN_A1 does not start with xoxb-/);
  t.match(out, /CREDENTIALS_SLACK_OAUTH_BOT_TOKEN_B9 is set, but no bot has app id B9/);
  t.notOk(out.includes('xoxp-not-a-bot-token'), 'names, never values');
});

t.test('a file that does not load, and bad arguments', async (t) => {
  const file = await writeTempConfig(t, 'teams: [1]\n');
  const invalid = await check([], { CONFIG_FILE: file });
  t.equal(invalid.code, 1);
  t.match(invalid.out, /invalid configuration file .*\n {2}teams: expected object, got a list\n\nFAILED\n/);
  const env = await check([], { CONFIG_FILE: FIXTURE_CONFIG, PORT: 'x' });
  t.equal(env.code, 1, 'the environment is checked too');
  t.match(env.out, /PORT: expected an integer/);
  const bad = await check(['--lenient'], {});
  t.equal(bad.code, 2);
  t.match(bad.err, /unknown argument "--lenient"/);
  t.match((await check(['--help'], {})).out, /usage: omnibot check-config \[--strict\]/);
});

t.test('the built CLI runs it without NATS or Slack', async (t) => {
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  // No nats-server on the PATH and no NATS_URL: serve would stop; check-config never needs one.
  const child = spawn(process.execPath, [cli, 'check-config'], {
    env: { PATH: '/nonexistent', CONFIG_FILE: FIXTURE_CONFIG, SLACK_API_URL: 'http://127.0.0.1:1/api/', ...TEST_CREDENTIALS },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  t.equal(code, 0);
  t.match(out, /\nOK\n$/);
});
