import t, { type Test } from 'tap';
import { inspect } from 'node:util';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { FIXTURE_CONFIG, writeTempConfig } from '../helpers/temp-config.js';
import { TEST_CREDENTIALS } from '../helpers/env.js';

const MINIMAL = `
teams:
  "team-a": "TAAAAAAAA"
bots:
  "team-a":
    "bot-a": "a1b2c3"
`;

async function loadYaml(tt: Test, yaml: string, env: Record<string, string> = {}) {
  const file = await writeTempConfig(tt, yaml);
  return { file, config: await loadConfig({ file, env }) };
}

async function configError(tt: Test, yaml: string, env: Record<string, string> = {}): Promise<{ file: string; message: string }> {
  const file = await writeTempConfig(tt, yaml);
  try {
    await loadConfig({ file, env });
  } catch (error) {
    tt.type(error, ConfigError);
    return { file, message: (error as Error).message };
  }
  tt.fail('expected a ConfigError');
  return { file, message: '' };
}

t.test('the fixture loads with every lookup built', async (t) => {
  const config = await loadConfig({ file: FIXTURE_CONFIG, env: TEST_CREDENTIALS });
  const { registry } = config;
  t.same(registry.teamByName('testteam'), { name: 'testteam', id: 'T12345678' });
  t.equal(registry.teamById('TABCDEF12')?.name, 'test2ndteam');
  t.equal(registry.teamByName('nope'), undefined);
  t.equal(registry.teamById('TNOPE'), undefined);

  const echobot = registry.bot('testteam', 'echobot');
  t.equal(echobot?.appId, 'A12345678');
  t.equal(echobot?.credentials.botToken?.reveal(), 'xoxb-echobot');
  t.equal(echobot?.credentials.userToken?.reveal(), 'xoxp-echobot-user');
  t.equal(registry.bot('test2ndteam', 'echobot')?.appId, 'A98765432', 'same bot name, other team');
  t.equal(registry.bot('testteam', 'missing'), undefined);

  const team = registry.teamByName('testteam');
  t.ok(team);
  if (team) {
    t.equal(registry.botByAppId(team, 'AABCDEF12')?.name, 'pingbot');
    t.equal(registry.botByAppId(team, 'A98765432'), undefined, 'an app of another team is not this team\'s');
  }
  t.equal(registry.botByVerificationToken('verify-pingbot')?.name, 'pingbot');
  t.equal(registry.botByVerificationToken('forged'), undefined);
  t.equal(registry.botBySigningSecret('signing-secret-2nd-echobot')?.team.name, 'test2ndteam');
  t.equal(registry.primaryBot('testteam')?.name, 'echobot');
  t.same(echobot?.handlers.slashCommand.map((h) => h.command), ['/echo', '/dialog', '/canned', '/quiet'], 'handlers are resolved per bot, in order');
  t.equal(echobot?.handlers.message[0]?.match, 'help');
  t.same(registry.bot('testteam', 'pingbot')?.handlers.slashCommand.map((h) => h.command), ['/canned']);
  t.same(registry.bot('test2ndteam', 'echobot')?.handlers.slashCommand, [], 'same name in another team: not listed there');
  t.equal(config.defaultToHelp, true, 'default_to_help defaults to true as in omnibot');
  t.equal(config.listRefreshIntervalMs, 120_000, 'list_provider_update_frequency defaults to 120 s');
});

t.test('a bot without usable credentials is skipped with a warning naming it', async (t) => {
  const config = await loadConfig({ file: FIXTURE_CONFIG, env: TEST_CREDENTIALS });
  t.equal(config.registry.bot('testteam', 'nocredsbot'), undefined);
  const warning = config.warnings.find((w) => w.includes('nocredsbot'));
  t.match(warning, /bot "nocredsbot" of team "testteam" \(app A00000000\) skipped: no verification token or signing secret/);
});

t.test('credential rules', async (t) => {
  const V = 'CREDENTIALS_SLACK_VERIFICATION_TOKEN_A1B2C3';
  const S = 'CREDENTIALS_SLACK_SIGNING_SECRET_A1B2C3';
  const U = 'CREDENTIALS_SLACK_OAUTH_TOKEN_A1B2C3';
  const B = 'CREDENTIALS_SLACK_OAUTH_BOT_TOKEN_A1B2C3';
  const cases: Array<[string, Record<string, string>, string | null]> = [
    ['verification token and bot token', { [V]: 'v', [B]: 'b' }, null],
    ['signing secret and user token', { [S]: 's', [U]: 'u' }, null],
    ['all four', { [V]: 'v', [S]: 's', [U]: 'u', [B]: 'b' }, null],
    ['verification token only', { [V]: 'v' }, 'no bot or user OAuth token'],
    ['tokens but nothing to verify Slack with', { [U]: 'u', [B]: 'b' }, 'no verification token or signing secret'],
    ['nothing', {}, 'no verification token or signing secret'],
    ['empty values count as missing', { [V]: '', [B]: 'b' }, 'no verification token or signing secret'],
  ];
  for (const [name, env, skipped] of cases) {
    const { config } = await loadYaml(t, MINIMAL, env);
    const bot = config.registry.bot('team-a', 'bot-a');
    if (skipped === null) {
      t.ok(bot, `${name}: enabled (app id upper-cased for the variable names)`);
      t.equal(config.warnings.length, 0, `${name}: no warning`);
    } else {
      t.equal(bot, undefined, `${name}: skipped`);
      t.match(config.warnings.join('\n'), new RegExp(`bot "bot-a".*${skipped}`), `${name}: warning says why`);
    }
  }
});

t.test('secrets never print', async (t) => {
  const config = await loadConfig({ file: FIXTURE_CONFIG, env: TEST_CREDENTIALS });
  const printed = [JSON.stringify(config.registry.bots), inspect(config, { depth: 10 }), String(config.registry.bots[0]?.credentials.botToken)];
  for (const text of printed) {
    for (const secret of Object.values(TEST_CREDENTIALS)) t.notOk(text.includes(secret), `no ${secret.slice(0, 12)}…`);
  }
});

t.test('the document is frozen', async (t) => {
  const config = await loadConfig({ file: FIXTURE_CONFIG, env: TEST_CREDENTIALS });
  t.ok(Object.isFrozen(config.document.teams));
  t.ok(Object.isFrozen(config.document.handlers?.message_handlers?.[0]));
});

t.test('omnibot keys it does not use are warned about, not refused', async (t) => {
  const { config } = await loadYaml(t, `${MINIMAL}help_handler: "omnibot.handlers.message_handlers:help_handler"\n`);
  t.match(config.warnings.join('\n'), /"help_handler" is not used/);
});

t.test('a primary_bot that names no configured bot or team is a warning naming it, not a refusal (as omnibot serves such a file)', async (t) => {
  // omnibot's own test configuration (data/test_omnibot_config.yaml) names primary bots that its bots lack.
  const { config } = await loadYaml(t, `${MINIMAL}primary_bot:\n  "team-a": "ghost"\n  "team-z": "bot-a"\n`);
  t.match(config.warnings.join('\n'), /primary_bot\.team-a: bot "ghost" is not in bots\.team-a; team "team-a"'s directory refresh is skipped/);
  t.match(config.warnings.join('\n'), /primary_bot\.team-z: team "team-z" is not in teams/);
  t.equal(config.registry.primaryBot('team-a'), undefined);
});

t.test('checks given as one mapping (as omnibot\'s docs show) are accepted', async (t) => {
  const { config } = await loadYaml(
    t,
    `${MINIMAL}authorization:\n  checks:\n    module: "omnibot.authnz:allowed_paths"\n    kwargs:\n      paths: ["/api/v1/slack/event"]\n`,
  );
  t.same(config.document.authorization?.checks, { module: 'omnibot.authnz:allowed_paths', kwargs: { paths: ['/api/v1/slack/event'] } });
});

t.test('invalid files name the file, the key and what was expected', async (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ['no teams', 'bots: {}\n', /teams: expected required property/],
    ['teams is a list', 'teams: ["a"]\n', /teams: expected object, got a list/],
    ['a team id is a number', 'teams:\n  a: 12\n', /teams\.a: expected string, got number 12/],
    [
      'a bad match_type',
      `${MINIMAL}handlers:\n  message_handlers:\n    - match: "x"\n      match_type: "fuzzy"\n`,
      /handlers\.message_handlers\[0\]\.match_type: expected one of "command", "regex", "reaction", got string "fuzzy"/,
    ],
    [
      'a slash command without its slash',
      `${MINIMAL}handlers:\n  slash_command_handlers:\n    - command: "echo"\n`,
      /handlers\.slash_command_handlers\[0\]\.command: expected string to match/,
    ],
    ['default_to_help is not a boolean', `${MINIMAL}default_to_help: "yes"\n`, /default_to_help: expected boolean/],
    ['bots of an unknown team', `${MINIMAL}  "team-b":\n    "x": "A1"\n`, /bots\.team-b: team "team-b" is not in teams/],
    ['team_fallback unknown', `${MINIMAL}team_fallback: "nope"\n`, /team_fallback: team "nope" is not in teams/],
    ['YAML syntax', 'teams: [unclosed\n', /is not valid YAML/],
    ['duplicate keys', 'teams:\n  a: "T1"\n  a: "T2"\n', /is not valid YAML.*[Uu]nique/s],
  ];
  for (const [name, yaml, expected] of cases) {
    const { file, message } = await configError(t, yaml);
    t.match(message, expected, name);
    t.ok(message.includes(file), `${name}: the file is named`);
  }
});

t.test('a missing file and a missing CONFIG_FILE say what to do', async (t) => {
  await t.rejects(loadConfig({ file: '/nonexistent/omnibot.yaml', env: {} }), {
    name: 'ConfigError',
    message: /cannot read configuration file \/nonexistent\/omnibot\.yaml \(ENOENT\)/,
  });
  await t.rejects(loadConfig({ env: {} }), { message: /CONFIG_FILE is not set/ });
});

t.test('environment settings', async (t) => {
  const { config } = await loadYaml(t, MINIMAL, { SLACK_API_URL: 'http://127.0.0.1:9/api', PORT: '9000' });
  t.equal(config.settings.slackApiUrl, 'http://127.0.0.1:9/api/', 'a trailing slash is added');
  t.equal(config.settings.port, 9000);
  t.equal(config.settings.nats.servers, undefined, 'no NATS_URL: embedded server');
  const defaults = (await loadYaml(t, MINIMAL)).config.settings;
  t.equal(defaults.port, 8080);
  t.equal(defaults.slackApiUrl, 'https://slack.com/api/');
  t.equal(defaults.dataDir, './data');
  const file = await writeTempConfig(t, MINIMAL);
  await t.rejects(loadConfig({ file, env: { PORT: 'eighty' } }), { message: /PORT: expected an integer from 0 to 65535, got "eighty"/ });
  await t.rejects(loadConfig({ file, env: { SLACK_API_URL: 'ftp://x' } }), { message: /SLACK_API_URL: expected a http: or https: URL/ });
  await t.rejects(loadConfig({ file, env: { LOG_LEVEL: 'loud' } }), { message: /LOG_LEVEL/ });
  t.equal((await loadConfig({ file, env: { LOG_LEVEL: 'DEBUG' } })).settings.logLevel, 'debug', 'LOG_LEVEL in any case');
  t.equal(defaults.logFormat, 'auto', 'LOG_FORMAT: pretty on a terminal unless told');
  t.equal((await loadConfig({ file, env: { LOG_FORMAT: 'Pretty' } })).settings.logFormat, 'pretty');
  await t.rejects(loadConfig({ file, env: { LOG_FORMAT: 'xml' } }), { message: /LOG_FORMAT: expected json, pretty or auto, got "xml"/ });
  t.equal(defaults.apiDocs, false);
  t.equal((await loadConfig({ file, env: { API_DOCS: '1' } })).settings.apiDocs, true);
  await t.rejects(loadConfig({ file, env: { API_DOCS: 'yes' } }), { message: /API_DOCS: expected 1 or 0 \(or true or false\), got "yes"/ });
  await t.rejects(loadConfig({ file, env: { NATS_URL: 'http://x:4222' } }), { message: /NATS_URL/ });
  t.same((await loadConfig({ file, env: { NATS_URL: 'nats://a:4222,b:4222' } })).settings.nats.servers, ['nats://a:4222', 'nats://b:4222']);
});

t.test('every key omnibot knows is recognised: none is reported as unknown', async (t) => {
  const file = new URL('../fixtures/omnibot-every-key.yaml', import.meta.url).pathname;
  const config = await loadConfig({ file, env: {} });
  t.same(config.unknownKeys, []);
  t.same(config.warnings.filter((w) => /unknown key/.test(w)), []);
  t.match(config.warnings.join('\n'), /"help_handler" is not used by omnibot-ts; ignored/, 'a key nothing reads is still said to be ignored');
});

t.test('unknown keys anywhere: reported with their path and the closest known key, then ignored', async (t) => {
  const yaml = `${MINIMAL}handler: {}
primary_bots: {}
zzz: 1
authorization:
  check: []
  permissions:
    p:
      method: ["GET"]
      paths: ["/x"]
handlers:
  message_handlers:
    - match: "help"
      match_type: "command"
      matchtype: "regex"
      bots: { "team-a": ["bot-a"] }
      callback:
        - module: "omnibot.callbacks.message_callbacks:help_callback"
      callbacks:
        - module: "omnibot.callbacks.message_callbacks:test_callback"
          kwarg: { text: "x" }
          kwargs: { anything: { goes: "here" } }
  slash_command_handlers:
    - command: "/x"
      respones_type: "in_channel"
      dialog: { whatever: "Slack takes" }
`;
  const { config } = await loadYaml(t, yaml);
  t.same(
    config.unknownKeys.map((u) => [u.path, u.suggestion]),
    [
      ['handler', 'handlers'],
      ['primary_bots', 'primary_bot'],
      ['zzz', undefined],
      ['authorization.check', 'checks'],
      ['authorization.permissions.p.method', 'methods'],
      ['handlers.message_handlers[0].matchtype', 'match_type'],
      ['handlers.message_handlers[0].callback', 'callbacks'],
      ['handlers.message_handlers[0].callbacks[0].kwarg', 'kwargs'],
      ['handlers.slash_command_handlers[0].respones_type', 'response_type'],
    ],
  );
  t.match(
    config.warnings.join('\n'),
    /handlers\.message_handlers\[0\]\.callback: unknown key "callback" \(did you mean "callbacks"\?\); ignored/,
  );
  const handler = config.document.handlers?.message_handlers?.[0] as Record<string, unknown>;
  t.notOk('callback' in handler, 'the unknown key is left out, as omnibot ignored it');
  t.equal(handler.match_type, 'command', 'the known keys are kept');
  t.same(config.document.authorization?.permissions?.p, { paths: ['/x'] });
});
