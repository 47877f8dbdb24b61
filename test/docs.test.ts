import t from 'tap';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

const read = (path: string) => readFile(new URL(`../${path}`, import.meta.url), 'utf8');
const manifestText = await read('examples/slack-app-manifest.yaml');
const manifest = parse(manifestText) as {
  features: { slash_commands: Array<{ url: string; should_escape: boolean }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url: string } };
};
const openapi = JSON.parse(await read('schemas/openapi.json')) as { paths: Record<string, Record<string, unknown>> };

/** The scope Slack requires for each event the manifest subscribes to. */
const EVENT_SCOPES: Record<string, string> = {
  app_mention: 'app_mentions:read',
  'message.channels': 'channels:history',
  'message.groups': 'groups:history',
  'message.im': 'im:history',
  'message.mpim': 'mpim:history',
  reaction_added: 'reactions:read',
  reaction_removed: 'reactions:read',
  user_change: 'users:read',
  team_join: 'users:read',
  channel_created: 'channels:read',
  channel_rename: 'channels:read',
  channel_archive: 'channels:read',
  channel_unarchive: 'channels:read',
  channel_deleted: 'channels:read',
  group_rename: 'groups:read',
  group_archive: 'groups:read',
  im_created: 'im:read',
  emoji_changed: 'emoji:read',
};

t.test('the manifest points Slack at the three webhook routes omnibot-ts serves', async (t) => {
  const path = (url: string) => new URL(url).pathname;
  t.equal(path(manifest.settings.event_subscriptions.request_url), '/api/v1/slack/event');
  t.equal(path(manifest.settings.interactivity.request_url), '/api/v1/slack/interactive');
  t.equal(manifest.settings.interactivity.is_enabled, true);
  for (const command of manifest.features.slash_commands) {
    t.equal(path(command.url), '/api/v1/slack/slash_command');
    t.equal(command.should_escape, true, 'mentions arrive as markup, which the parser reads');
  }
  for (const route of ['/api/v1/slack/event', '/api/v1/slack/slash_command', '/api/v1/slack/interactive']) {
    t.ok(openapi.paths[route]?.post, `${route} is a route (schemas/openapi.json)`);
  }
});

t.test('it subscribes to the events handlers and the directory need, with the scope each requires', async (t) => {
  const events = manifest.settings.event_subscriptions.bot_events;
  t.same([...events].sort(), Object.keys(EVENT_SCOPES).sort());
  const scopes = new Set(manifest.oauth_config.scopes.bot);
  for (const event of events) t.ok(scopes.has(EVENT_SCOPES[event] ?? ''), `${event}: ${EVENT_SCOPES[event]}`);
  for (const scope of ['chat:write', 'commands', 'im:write', 'users:read.email', 'reactions:write', 'channels:read', 'groups:read', 'im:read', 'mpim:read']) {
    t.ok(scopes.has(scope), `${scope}, for the routes and the worker`);
  }
});

t.test('docs/SLACK-SETUP.md shows the same manifest', async (t) => {
  const doc = await read('docs/SLACK-SETUP.md');
  const shown = /```yaml\n(display_information:[\s\S]*?)```/.exec(doc)?.[1];
  t.same(parse(shown ?? ''), manifest);
});

t.test("the README's authorization example does what it says", async (t) => {
  const { compileChecks } = await import('../src/authnz/checks.js');
  const readme = await read('README.md');
  const section = readme.slice(readme.indexOf('## Authorization'));
  const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  const { authorization } = parse(example ?? '') as { authorization: Parameters<typeof compileChecks>[0] };
  const authnz = await compileChecks(authorization, { baseDir: '.' });
  const decide = async (method: string, path: string, headers: Record<string, string>) => (await authnz.check({ method, path, headers })).allowed;
  t.equal(await decide('POST', '/api/v1/slack/event', { 'x-envoy-downstream-service-cluster': 'envoy' }), true, "Slack's webhook, through the edge proxy");
  t.equal(await decide('POST', '/api/v1/slack/event', {}), false, 'not without the proxy');
  t.equal(await decide('GET', '/metrics', { 'x-envoy-internal': 'true', 'x-envoy-downstream-service-cluster': 'prometheus' }), true);
  t.equal(await decide('GET', '/metrics', { 'x-envoy-downstream-service-cluster': 'prometheus' }), false, 'only from inside');
  t.equal(await decide('GET', '/api/v1/slack/get_user/t/b/x@y.z', { 'x-envoy-internal': 'true', 'x-envoy-downstream-service-cluster': 'deploy-service-prod' }), true);
  t.equal(await decide('POST', '/api/v2/slack/action/t/b', { 'x-envoy-internal': 'true', 'x-envoy-downstream-service-cluster': 'deploy-service-prod' }), false, 'read-only');
});
