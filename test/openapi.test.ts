import t from 'tap';
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import type { InjectOptions } from 'fastify';
import { Validator } from '@seriousme/openapi-schema-validator';
import { buildTestApp } from './helpers/app.js';

type Operation = { responses: Record<string, { content?: Record<string, { schema: object }> }>; tags?: string[] };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

const checkedIn = JSON.parse(await readFile(new URL('../schemas/openapi.json', import.meta.url), 'utf8')) as Document;

const yaml = `
authorization:
  checks:
    - module: "omnibot.authnz:allowed_paths"
      kwargs:
        paths: ["/api/v1/slack/get_", "/api/v2/slack/action/", "/docs"]
teams:
  "testteam": "T12345678"
bots:
  "testteam":
    "echobot": "A12345678"
`;

t.test('schemas/openapi.json is a valid OpenAPI 3 document', async (t) => {
  t.match(checkedIn.openapi, /^3\./);
  const result = await new Validator().validate(checkedIn as unknown as Parameters<Validator['validate']>[0]);
  t.same(result, { valid: true });
});

t.test('it documents every route of the running app, every status and the error shapes', async (t) => {
  const { app } = await buildTestApp(t, { yaml, env: { API_DOCS: '1' } });
  const served = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as Document;
  t.same(served.paths, checkedIn.paths, 'the document /docs serves is the checked-in one: same routes, same schemas');
  const routes = Object.entries(checkedIn.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
  t.same(routes.sort(), [
    'GET /api/v1/slack/get_channel/{team_name}/{bot_name}/{channel_name}',
    'GET /api/v1/slack/get_ims/{team_name}/{bot_name}',
    'GET /api/v1/slack/get_team/{team_name}',
    'GET /api/v1/slack/get_user/{team_name}/{bot_name}/{email}',
    'GET /healthcheck',
    'GET /metrics',
    'GET /readyz',
    'POST /api/v1/slack/action/{team_name}/{bot_name}',
    'POST /api/v1/slack/event',
    'POST /api/v1/slack/interactive',
    'POST /api/v1/slack/send_im/{team_name}/{bot_name}/{email}',
    'POST /api/v1/slack/slash_command',
    'POST /api/v2/slack/action/{team_name}/{bot_name}',
  ]);
  for (const [path, methods] of Object.entries(checkedIn.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const statuses = Object.keys(operation.responses);
      t.ok(statuses.includes('200') && statuses.includes('500') && statuses.includes('503'), `${method} ${path}: 200, 500, 503`);
      t.equal(statuses.includes('403'), path !== '/healthcheck' && path !== '/readyz', `${method} ${path}: 403 unless open to all`);
    }
  }
});

t.test('the error answers a client really gets have the documented shapes', async (t) => {
  const { app, fake } = await buildTestApp(t, { yaml });
  const ajv = new Ajv({ strict: false });
  const check = async (name: string, request: InjectOptions, path: string, method: string, status: number) => {
    const response = await app.inject(request);
    t.equal(response.statusCode, status, `${name}: ${status}`);
    const documented = checkedIn.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema;
    t.ok(documented, `${name}: documented`);
    if (documented) t.ok(ajv.validate(documented, response.json()), `${name}: ${response.body} fits ${JSON.stringify(documented)}`);
  };
  await check('denied', { method: 'GET', url: '/metrics' }, '/metrics', 'get', 403);
  await check('unknown team', { method: 'GET', url: '/api/v1/slack/get_team/nope' }, '/api/v1/slack/get_team/{team_name}', 'get', 404);
  const action = '/api/v2/slack/action/{team_name}/{bot_name}';
  const url = '/api/v2/slack/action/testteam/echobot';
  await check('no parser for the media type', { method: 'POST', url, payload: '<x/>', headers: { 'content-type': 'application/xml' } }, action, 'post', 415);
  await check('too large', { method: 'POST', url, payload: JSON.stringify({ action: 'chat.postMessage', kwargs: { text: 'x'.repeat(1024 * 1024) } }), headers: { 'content-type': 'application/json' } }, action, 'post', 413);
  fake.failNext('users.lookupByEmail', { status: 500 }, 5);
  await check('Slack failing', { method: 'GET', url: '/api/v1/slack/get_user/testteam/echobot/zoe@example.com' }, '/api/v1/slack/get_user/{team_name}/{bot_name}/{email}', 'get', 502);
});

t.test('/docs: the page and everything it loads come from omnibot itself (it works offline)', async (t) => {
  const { app } = await buildTestApp(t, { yaml, env: { API_DOCS: '1' } });
  const page = await app.inject({ method: 'GET', url: '/docs/' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /text\/html/);
  const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);
  t.ok(assets.length >= 4, 'scripts and styles');
  for (const asset of assets) {
    t.notMatch(asset, /^(https?:)?\/\//, `${asset} is local`);
    const loaded = await app.inject({ method: 'GET', url: new URL(asset, 'http://omnibot/docs/').pathname });
    t.equal(loaded.statusCode, 200, `${asset} is served`);
  }
  const initializer = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
  t.match(initializer.body, /"validatorUrl":null/, 'no call to an online validator');
  t.match(initializer.body, /resolveUrl\('\.\/json'\)/, 'the document from this server');
  const without = await buildTestApp(t, { yaml });
  t.equal((await without.app.inject({ method: 'GET', url: '/docs/' })).statusCode, 404, 'only with API_DOCS=1');
});
