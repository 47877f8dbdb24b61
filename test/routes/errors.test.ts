import t from 'tap';
import type { InjectOptions } from 'fastify';
import { buildTestApp } from '../helpers/app.js';

const ENVOY = { 'x-envoy-downstream-service-cluster': 'envoy' };
const SERVICE = { 'x-envoy-internal': 'true', 'x-envoy-downstream-service-cluster': 'someservice' };

const { app, fake } = await buildTestApp(t);

type Body = { payload?: string; contentType?: string };

/** Bodies no route should take: each answered 4xx, never 5xx. */
const MALFORMED: Array<[string, Body, number]> = [
  ['truncated JSON', { payload: '{', contentType: 'application/json' }, 400],
  ['a JSON array', { payload: '[]', contentType: 'application/json' }, 400],
  ['a JSON string', { payload: '"action"', contentType: 'application/json' }, 400],
  ['JSON null', { payload: 'null', contentType: 'application/json' }, 400],
  ['an empty JSON body', { payload: '', contentType: 'application/json' }, 400],
  ['no body at all', {}, 400],
  ['plain text (read as a string, not an object)', { payload: 'hello', contentType: 'text/plain' }, 400],
  ['an unknown content type', { payload: '<a/>', contentType: 'application/xml' }, 415],
  ['over 1 MiB', { payload: JSON.stringify({ padding: 'a'.repeat(1024 * 1024) }), contentType: 'application/json' }, 413],
];

function inject(url: string, headers: Record<string, string>, body: Body): Promise<Awaited<ReturnType<typeof app.inject>>> {
  const options: InjectOptions = { method: 'POST', url, headers: { ...headers, ...(body.contentType ? { 'content-type': body.contentType } : {}) } };
  if (body.payload !== undefined) options.payload = body.payload;
  return app.inject(options);
}

t.test('the action routes: malformed bodies get a 4xx in Slack\'s shape, {"ok": false, "error": …}', async (t) => {
  const calls = fake.calls.length;
  for (const url of ['/api/v1/slack/action/testteam/echobot', '/api/v2/slack/action/testteam/echobot', '/api/v1/slack/send_im/testteam/echobot/alice@example.com']) {
    for (const [name, body, status] of MALFORMED) {
      const response = await inject(url, SERVICE, body);
      t.equal(response.statusCode, status, `${url}, ${name}`);
      t.match(response.json(), { ok: false, error: String }, `${url}, ${name}: a JSON error with ok: false`);
    }
  }
  t.equal(fake.calls.length, calls, 'Slack was never called');
});

t.test('Slack\'s routes: malformed bodies get a 4xx in omnibot\'s failure shape, with X-Slack-No-Retry', async (t) => {
  const formOnly: Array<[string, Body, number]> = [
    ['a JSON object where a form is expected', { payload: '{"payload": "{}"}', contentType: 'application/json' }, 400],
    ['a form with a payload that is not JSON', { payload: 'payload=%7B', contentType: 'application/x-www-form-urlencoded' }, 400],
  ];
  for (const url of ['/api/v1/slack/event', '/api/v1/slack/slash_command', '/api/v1/slack/interactive']) {
    const cases = url.endsWith('interactive') ? [...MALFORMED, ...formOnly] : MALFORMED;
    for (const [name, body, status] of cases) {
      const response = await inject(url, ENVOY, body);
      // Some bodies parse and are then refused by omnibot's own checks (403): a 4xx either way.
      t.ok(response.statusCode >= 400 && response.statusCode < 500, `${url}, ${name}: a 4xx (${response.statusCode})`);
      if (status !== 400) t.equal(response.statusCode, status, `${url}, ${name}`);
      t.match(response.json(), { status: 'failure', error: String }, `${url}, ${name}: omnibot's failure shape`);
      t.equal(response.headers['x-slack-no-retry'], '1', `${url}, ${name}: X-Slack-No-Retry`);
    }
  }
});

t.test('a path served for other methods: 405 with Allow; a path served for none: 404', async (t) => {
  const getEvent = await app.inject({ method: 'GET', url: '/api/v1/slack/event', headers: ENVOY });
  t.equal(getEvent.statusCode, 405);
  t.equal(getEvent.headers.allow, 'POST');
  t.equal(getEvent.headers['x-slack-no-retry'], '1', 'a Slack path keeps X-Slack-No-Retry');
  t.match(getEvent.json(), { status: 'failure', error: 'method not allowed' });

  const optionsWithBody = await app.inject({ method: 'OPTIONS', url: '/api/v1/slack/event', payload: '{', headers: { ...ENVOY, 'content-type': 'application/json' } });
  t.equal(optionsWithBody.statusCode, 400, 'a body refused on the way to the 405 (found by the fuzz)');
  t.equal(optionsWithBody.headers['x-slack-no-retry'], '1', 'still with X-Slack-No-Retry on a Slack path');
  t.match(optionsWithBody.json(), { status: 'failure', error: String });

  const deleteUser = await app.inject({ method: 'DELETE', url: '/api/v1/slack/get_user/testteam/echobot/a@example.com', headers: SERVICE });
  t.equal(deleteUser.statusCode, 405);
  t.equal(deleteUser.headers.allow, 'GET, HEAD');
  t.same(deleteUser.json().error, 'method not allowed');
  t.equal(deleteUser.headers['x-slack-no-retry'], undefined, 'not a Slack route');

  const options = await app.inject({ method: 'OPTIONS', url: '/api/v2/slack/action/testteam/echobot/', headers: SERVICE });
  t.equal(options.statusCode, 405, 'with a trailing slash too');
  t.equal(options.headers.allow, 'POST');

  const nowhere = await app.inject({ method: 'GET', url: '/api/v1/slack/nowhere?x=1', headers: SERVICE });
  t.equal(nowhere.statusCode, 404);
  t.match(nowhere.json(), { error: 'not found', message: 'Route GET:/api/v1/slack/nowhere not found' });
});

t.test('the router\'s refusals are JSON: a path that does not decode (400), a parameter over 1,024 characters (414)', async (t) => {
  const badPercent = await app.inject({ method: 'GET', url: '/api/v1/slack/get_user/testteam/echobot/%zz', headers: SERVICE });
  t.same([badPercent.statusCode, badPercent.json()], [400, { error: 'invalid request', code: 'FST_ERR_BAD_URL' }]);
  const long = await app.inject({ method: 'GET', url: `/api/v1/slack/get_ims/testteam/${'b'.repeat(1100)}`, headers: SERVICE });
  t.same([long.statusCode, long.json()], [414, { error: 'URI too long', code: 'FST_ERR_MAX_PARAM_LENGTH' }]);
});
