import t, { type Test } from 'tap';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import {
  AuthnzConfigError,
  compileChecks,
  NO_CHECKS_REASON,
  type AuthnzRequest,
  type AuthorizationConfig,
} from '../../src/authnz/checks.js';
import { compileStartMatcher } from '../../src/authnz/pattern.js';
import { translatePythonRegex } from '../../src/python-regex.js';

const translatePythonPattern = (source: string): string => translatePythonRegex(source).source;

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const opts = { baseDir: fixtures };

const ALLOWED_PATHS = 'omnibot.authnz:allowed_paths';
const INTERNAL = 'omnibot.authnz.envoy_checks:envoy_internal_check';
const PERMISSIONS = 'omnibot.authnz.envoy_checks:envoy_permissions_check';

function req(method: string, path: string, headers: AuthnzRequest['headers'] = {}): AuthnzRequest {
  return { method, path, headers };
}

interface Case {
  name: string;
  request: AuthnzRequest;
  allowed: boolean;
  /** A fragment the denial reason must contain. */
  reason?: string;
}

async function runTable(t: Test, authorization: AuthorizationConfig, cases: Case[]): Promise<void> {
  const authnz = await compileChecks(authorization, opts);
  for (const c of cases) {
    const decision = await authnz.check(c.request);
    t.equal(decision.allowed, c.allowed, c.name);
    if (!decision.allowed) {
      t.ok(c.reason !== undefined && decision.reason.includes(c.reason), `${c.name}: reason ${JSON.stringify(decision.reason)} names ${c.reason}`);
    }
  }
}

t.test('allowed_paths', async (t) => {
  await runTable(
    t,
    {
      checks: [
        {
          module: ALLOWED_PATHS,
          kwargs: {
            paths: ['/api/v1/slack/event', '/api/v1/slack/get_team/.*', '/api/v2/(alpha|beta)/x', '/ping|/pong'],
          },
        },
      ],
    },
    [
      { name: 'exact path', request: req('POST', '/api/v1/slack/event'), allowed: true },
      { name: 'second of several paths', request: req('GET', '/api/v1/slack/get_team/x'), allowed: true },
      { name: 'not end-anchored, like re.match', request: req('POST', '/api/v1/slack/eventfoo'), allowed: true },
      { name: 'start-anchored', request: req('POST', '/x/api/v1/slack/event'), allowed: false, reason: ALLOWED_PATHS },
      { name: 'non-matching path', request: req('POST', '/api/v1/slack/interactive'), allowed: false, reason: ALLOWED_PATHS },
      { name: 'group alternation', request: req('GET', '/api/v2/beta/x'), allowed: true },
      { name: 'group alternation, other', request: req('GET', '/api/v2/gamma/x'), allowed: false, reason: ALLOWED_PATHS },
      { name: 'top-level alternation, first', request: req('GET', '/ping'), allowed: true },
      // A ^ prefix would anchor only "/ping"; the sticky flag anchors both branches.
      { name: 'top-level alternation, second branch', request: req('GET', '/pong'), allowed: true },
      { name: 'top-level alternation, second branch not mid-path', request: req('GET', '/a/pong'), allowed: false, reason: ALLOWED_PATHS },
      { name: 'regex dot is a wildcard, as in omnibot', request: req('GET', '/api/v1/slack/get_teamX'), allowed: false, reason: ALLOWED_PATHS },
    ],
  );
});

t.test('a regex is reusable across requests (sticky lastIndex reset)', async (t) => {
  const authnz = await compileChecks({ checks: [{ module: ALLOWED_PATHS, kwargs: { paths: ['/a'] } }] }, opts);
  for (let i = 0; i < 3; i++) {
    t.equal((await authnz.check(req('GET', '/a/b'))).allowed, true, `call ${i}`);
  }
  t.equal((await authnz.check(req('GET', '/b'))).allowed, false);
  t.equal((await authnz.check(req('GET', '/a'))).allowed, true);
});

const permissions: AuthorizationConfig['permissions'] = {
  slack_api: {
    methods: ['POST'],
    paths: ['/api/v1/slack/event', '/api/v1/slack/slash_command'],
    internal_only: false,
  },
  omnibot_read_only: {
    methods: ['GET'],
    paths: ['/api/v1/slack/get_team/testteam', '/api/v1/slack/get_user/testteam/echobot/.*'],
  },
  echobot_action: {
    methods: ['POST'],
    paths: ['/api/v2/slack/action/testteam/echobot'],
  },
};

t.test('envoy_internal_check', async (t) => {
  await runTable(t, { checks: [{ module: INTERNAL }], permissions }, [
    { name: 'header true', request: req('GET', '/api/v1/slack/get_team/testteam', { 'x-envoy-internal': 'true' }), allowed: true },
    { name: 'header false', request: req('GET', '/api/v1/slack/get_team/testteam', { 'x-envoy-internal': 'false' }), allowed: false, reason: INTERNAL },
    { name: 'header True (only "true" counts)', request: req('GET', '/api/v1/slack/get_team/testteam', { 'x-envoy-internal': 'True' }), allowed: false, reason: 'x-envoy-internal' },
    { name: 'header missing', request: req('GET', '/api/v1/slack/get_team/testteam'), allowed: false, reason: INTERNAL },
    { name: 'repeated header: first value', request: req('GET', '/x', { 'x-envoy-internal': ['true', 'false'] }), allowed: true },
    { name: 'internal_only: false permission, right method', request: req('POST', '/api/v1/slack/event'), allowed: true },
    { name: 'internal_only: false permission, wrong method', request: req('GET', '/api/v1/slack/event'), allowed: false, reason: INTERNAL },
    { name: 'internal_only defaults to true', request: req('POST', '/api/v2/slack/action/testteam/echobot'), allowed: false, reason: INTERNAL },
    { name: 'internal_only: false permission, path not listed', request: req('POST', '/api/v1/slack/interactive'), allowed: false, reason: INTERNAL },
  ]);
});

t.test('envoy_internal_check with a custom header name, case-insensitively', async (t) => {
  await runTable(t, { checks: [{ module: INTERNAL, kwargs: { header: 'X-Nginx-Internal' } }] }, [
    { name: 'custom header true', request: req('GET', '/x', { 'x-nginx-internal': 'true' }), allowed: true },
    { name: 'default header no longer counts', request: req('GET', '/x', { 'x-envoy-internal': 'true' }), allowed: false, reason: 'x-nginx-internal' },
    { name: 'custom header false', request: req('GET', '/x', { 'x-nginx-internal': 'false' }), allowed: false, reason: INTERNAL },
  ]);
});

t.test('envoy_permissions_check', async (t) => {
  const bindings = {
    envoy: ['slack_api'],
    'echobot.*': ['echobot_action'],
    'service.*': ['omnibot_read_only', 'echobot_action'],
  };
  const service = (name: string) => ({ 'x-envoy-downstream-service-cluster': name });
  await runTable(t, { checks: [{ module: PERMISSIONS }], permissions, bindings }, [
    { name: 'no header', request: req('POST', '/api/v1/slack/event'), allowed: false, reason: 'no x-envoy-downstream-service-cluster header' },
    { name: 'exact subject', request: req('POST', '/api/v1/slack/event', service('envoy')), allowed: true },
    { name: 'subject is start-anchored only', request: req('POST', '/api/v1/slack/event', service('envoy-staging')), allowed: true },
    { name: 'subject not matching at the start', request: req('POST', '/api/v1/slack/event', service('not-envoy')), allowed: false, reason: '"not-envoy"' },
    { name: 'subject regex service.*', request: req('GET', '/api/v1/slack/get_team/testteam', service('service-foo')), allowed: true },
    { name: 'subject matches, permission path does not', request: req('GET', '/api/v1/slack/get_team/otherteam', service('service-foo')), allowed: false, reason: PERMISSIONS },
    { name: 'subject matches, permission method does not', request: req('POST', '/api/v1/slack/get_team/testteam', service('service-foo')), allowed: false, reason: PERMISSIONS },
    { name: 'binding to two permissions: the second', request: req('POST', '/api/v2/slack/action/testteam/echobot', service('service-foo')), allowed: true },
    { name: 'binding to two permissions: path regex', request: req('GET', '/api/v1/slack/get_user/testteam/echobot/U1', service('service-foo')), allowed: true },
    { name: 'another subject\'s permission', request: req('POST', '/api/v1/slack/event', service('service-foo')), allowed: false, reason: PERMISSIONS },
    { name: 'echobot subject', request: req('POST', '/api/v2/slack/action/testteam/echobot', service('echobot-prod')), allowed: true },
    { name: 'empty header value is present, matches no binding', request: req('POST', '/api/v1/slack/event', service('')), allowed: false, reason: 'no permission bound to ""' },
  ]);
});

t.test('envoy_permissions_check with a custom header and no bindings', async (t) => {
  await runTable(t, { checks: [{ module: PERMISSIONS, kwargs: { header: 'X-Service' } }], permissions }, [
    { name: 'no bindings: denied', request: req('POST', '/api/v1/slack/event', { 'x-service': 'envoy' }), allowed: false, reason: PERMISSIONS },
  ]);
  await runTable(t, { checks: [{ module: PERMISSIONS, kwargs: { header: 'X-Service' } }], permissions, bindings: { envoy: ['slack_api'] } }, [
    { name: 'custom header, lower-cased', request: req('POST', '/api/v1/slack/event', { 'x-service': 'envoy' }), allowed: true },
    { name: 'default header ignored', request: req('POST', '/api/v1/slack/event', { 'x-envoy-downstream-service-cluster': 'envoy' }), allowed: false, reason: 'no x-service header' },
  ]);
});

t.test('checks combined run in order and all must pass (omnibot test config)', async (t) => {
  const authorization: AuthorizationConfig = {
    checks: [
      { module: ALLOWED_PATHS, kwargs: { paths: ['/api/v1/slack/event', '/api/v1/slack/get_team/.*', '/api/v2/slack/action/testteam/echobot'] } },
      { module: INTERNAL },
      { module: PERMISSIONS },
    ],
    permissions,
    bindings: { envoy: ['slack_api'], 'echobot.*': ['echobot_action'] },
  };
  const internal = { 'x-envoy-internal': 'true' };
  await runTable(t, authorization, [
    { name: 'slack event through envoy, external', request: req('POST', '/api/v1/slack/event', { 'x-envoy-downstream-service-cluster': 'envoy' }), allowed: true },
    { name: 'path denied first, even with everything else', request: req('POST', '/api/v1/slack/slash_command', { ...internal, 'x-envoy-downstream-service-cluster': 'envoy' }), allowed: false, reason: ALLOWED_PATHS },
    { name: 'internal check denies second', request: req('POST', '/api/v2/slack/action/testteam/echobot', { 'x-envoy-downstream-service-cluster': 'echobot' }), allowed: false, reason: INTERNAL },
    { name: 'permissions check denies third', request: req('POST', '/api/v2/slack/action/testteam/echobot', { ...internal, 'x-envoy-downstream-service-cluster': 'pingbot' }), allowed: false, reason: PERMISSIONS },
    { name: 'all three pass', request: req('POST', '/api/v2/slack/action/testteam/echobot', { ...internal, 'x-envoy-downstream-service-cluster': 'echobot' }), allowed: true },
  ]);
});

t.test('no checks: every request denied', async (t) => {
  for (const authorization of [undefined, null, {}, { checks: [] }, { checks: null }, { permissions, bindings: { envoy: ['slack_api'] } }]) {
    const authnz = await compileChecks(authorization as AuthorizationConfig | undefined, opts);
    const decision = await authnz.check(req('POST', '/api/v1/slack/event', { 'x-envoy-internal': 'true', 'x-envoy-downstream-service-cluster': 'envoy' }));
    t.same(decision, { allowed: false, reason: NO_CHECKS_REASON }, JSON.stringify(authorization) ?? 'undefined');
  }
});

t.test('checks given as a single mapping (omnibot docs form)', async (t) => {
  await runTable(t, { checks: { module: ALLOWED_PATHS, kwargs: { paths: ['/api/v1/slack/event'] } } }, [
    { name: 'listed path', request: req('POST', '/api/v1/slack/event'), allowed: true },
    { name: 'other path', request: req('POST', '/api/v1/slack/interactive'), allowed: false, reason: ALLOWED_PATHS },
  ]);
});

t.test('custom module checks', async (t) => {
  const headerPresent = (await import(pathToFileURL(path.join(fixtures, 'checks/header-present.js')).href)) as {
    calls: { request: unknown; kwargs: unknown }[];
  };

  t.test('sync check: raw object and kwargs are passed', async (t) => {
    headerPresent.calls.length = 0;
    const kwargs = { header: 'x-team-token' };
    const authnz = await compileChecks({ checks: [{ module: './checks/header-present.js:hasHeader', kwargs }] }, opts);
    const raw = { headers: { 'x-team-token': 'abc' }, framework: 'fastify-ish' };
    t.same(await authnz.check(req('GET', '/x'), raw), { allowed: true });
    t.equal(headerPresent.calls[0]?.request, raw, 'the raw framework request is what the check sees');
    t.same(headerPresent.calls[0]?.kwargs, kwargs, 'kwargs are passed');
    const denied = await authnz.check(req('GET', '/x', { 'x-team-token': 'abc' }), { headers: {} });
    t.same(denied, { allowed: false, reason: './checks/header-present.js:hasHeader: denied' });
  });

  t.test('without a raw object the AuthnzRequest is passed, and kwargs default to {}', async (t) => {
    headerPresent.calls.length = 0;
    const authnz = await compileChecks({ checks: [{ module: './checks/header-present.js:hasHeader' }] }, opts);
    const request = req('GET', '/x', { 'x-custom-auth': 'yes' });
    t.same(await authnz.check(request), { allowed: true });
    t.equal(headerPresent.calls[0]?.request, request);
    t.same(headerPresent.calls[0]?.kwargs, {});
    t.equal((await authnz.check(req('GET', '/x'))).allowed, false);
  });

  t.test('async check', async (t) => {
    const authnz = await compileChecks({ checks: [{ module: './checks/async.js:tokenMatches', kwargs: { token: 's3cret' } }] }, opts);
    t.same(await authnz.check(req('GET', '/x', { 'x-token': 's3cret' })), { allowed: true });
    const denied = await authnz.check(req('GET', '/x', { 'x-token': 'wrong' }));
    t.equal(denied.allowed, false);
    t.match(denied, { reason: /async\.js:tokenMatches/ });
  });

  t.test('a throw or rejection is a denial with the message', async (t) => {
    for (const [name, message] of [['explodes', 'fixture check exploded'], ['rejects', 'fixture check rejected']] as const) {
      const module = `./checks/throwing.js:${name}`;
      const authnz = await compileChecks({ checks: [{ module }] }, opts);
      const decision = await authnz.check(req('GET', '/x'));
      t.equal(decision.allowed, false, name);
      if (!decision.allowed) {
        t.ok(decision.reason.includes(module) && decision.reason.includes(message), decision.reason);
      }
    }
  });

  t.test('custom checks run in order with built-ins; a failing one stops the rest', async (t) => {
    headerPresent.calls.length = 0;
    const authnz = await compileChecks(
      {
        checks: [
          { module: ALLOWED_PATHS, kwargs: { paths: ['/ok'] } },
          { module: './checks/header-present.js:hasHeader' },
          { module: './checks/throwing.js:explodes' },
        ],
      },
      opts,
    );
    const first = await authnz.check(req('GET', '/nope', { 'x-custom-auth': '1' }));
    t.match(first, { allowed: false, reason: /allowed_paths/ });
    t.equal(headerPresent.calls.length, 0, 'a later check does not run after a denial');
    const third = await authnz.check(req('GET', '/ok', { 'x-custom-auth': '1' }));
    t.match(third, { allowed: false, reason: /fixture check exploded/ });
    t.equal(headerPresent.calls.length, 1);
  });

  t.test('absolute paths and bare package specifiers', async (t) => {
    const absolute = await compileChecks({ checks: [{ module: `${path.join(fixtures, 'checks/async.js')}:tokenMatches`, kwargs: { token: 't' } }] }, { baseDir: '/' });
    t.equal((await absolute.check(req('GET', '/', { 'x-token': 't' }))).allowed, true);
    // node:util's isDeepStrictEqual(request, kwargs): allowed only when kwargs equal the request.
    const kwargs = { method: 'GET', path: '/same', headers: {} };
    const bare = await compileChecks({ checks: [{ module: 'node:util:isDeepStrictEqual', kwargs }] }, opts);
    t.equal((await bare.check(req('GET', '/same'))).allowed, true);
    t.equal((await bare.check(req('GET', '/other'))).allowed, false);
  });
});

async function configError(t: Test, authorization: unknown, ...fragments: string[]): Promise<void> {
  const error = await compileChecks(authorization as AuthorizationConfig, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(error instanceof AuthnzConfigError, `AuthnzConfigError for ${fragments.join(' / ')}`);
  const message = error instanceof Error ? error.message : '';
  for (const fragment of fragments) t.ok(message.includes(fragment), `message ${JSON.stringify(message)} includes ${JSON.stringify(fragment)}`);
}

t.test('configuration errors', async (t) => {
  await configError(
    t,
    { checks: [{ module: INTERNAL }], permissions: { slack_api: { methods: ['POST'], paths: ['/ok', '/bad(['] } } },
    'authorization.permissions.slack_api.paths[1]',
    '"/bad(["',
  );
  await configError(t, { checks: [{ module: ALLOWED_PATHS, kwargs: { paths: ['/a', '/b', '*oops'] } }] }, 'authorization.checks[0].kwargs.paths[2]', '*oops');
  await configError(t, { checks: { module: ALLOWED_PATHS, kwargs: { paths: ['('] } } }, 'authorization.checks[0].kwargs.paths[0]');
  await configError(t, { permissions, bindings: { 'svc[': ['slack_api'] } }, 'authorization.bindings["svc["]', 'subject');
  await configError(t, { checks: [{ module: 'omnibot.authnz:nope' }] }, 'authorization.checks[0]', 'omnibot.authnz:nope', 'built-in');
  await configError(t, { checks: [{ module: INTERNAL }, { module: 'omnibot.authnz.other:allowed_paths' }] }, 'authorization.checks[1]', 'omnibot.authnz.other:allowed_paths');
  await configError(t, { checks: [{ module: './checks/missing.js:check' }] }, 'authorization.checks[0]', './checks/missing.js:check', 'cannot load');
  await configError(t, { checks: [{ module: 'checks/async.js:tokenMatches' }] }, 'checks/async.js:tokenMatches', 'must start with "./"');
  await configError(t, { checks: [{ module: './checks/header-present.js:nothing' }] }, './checks/header-present.js:nothing', 'no export "nothing"');
  await configError(t, { checks: [{ module: './checks/not-a-function.js:notAFunction' }] }, './checks/not-a-function.js:notAFunction', 'must be a function');
  await configError(t, { checks: [{ module: './checks/async.js' }] }, 'authorization.checks[0].module', 'path/to/file.js:export');
  await configError(
    t,
    { checks: [{ module: PERMISSIONS }], permissions, bindings: { envoy: ['slack_api', 'slack_apii'] } },
    'authorization.bindings.envoy[1]',
    '"slack_apii" is not in authorization.permissions',
  );
  await configError(t, { checks: [{ module: ALLOWED_PATHS }] }, 'authorization.checks[0].kwargs.paths is required');
  await configError(t, { checks: [{ module: ALLOWED_PATHS, kwargs: { paths: '/api' } }] }, 'authorization.checks[0].kwargs.paths must be a list');
  await configError(t, { checks: [{ module: INTERNAL, kwargs: { headers: 'x' } }] }, 'authorization.checks[0].kwargs.headers', 'unknown argument');
  await configError(t, { checks: [{ module: 'constructor' }] }, 'authorization.checks[0].module');
  await configError(t, { checks: [{ kwargs: {} }] }, 'authorization.checks[0] must be a mapping with a module');
  await configError(t, { permissions: { p: { methods: 'GET' } } }, 'authorization.permissions.p.methods must be a list');
});

t.test('Python pattern syntax', async (t) => {
  t.equal(translatePythonPattern('/api/(?P<team>[^/]+)/(?P=team)'), '/api/(?<team>[^/]+)/\\k<team>');
  t.equal(translatePythonPattern('[(?P<]\\[\\Z'), '[(?P<]\\[(?![\\s\\S])', 'not rewritten inside a class or after an escape');
  t.equal(translatePythonPattern('\\\\Z'), '\\\\Z', 'an escaped backslash then a literal Z');
  const cases: [string, string, boolean][] = [
    ['/api/v1/slack/event\\Z', '/api/v1/slack/event', true],
    ['/api/v1/slack/event\\Z', '/api/v1/slack/eventfoo', false],
    ['\\A/a', '/a/b', true],
    ['/(?P<x>a+)/(?P=x)$', '/aa/aa', true],
    ['/(?P<x>a+)/(?P=x)$', '/aa/a', false],
    ['[]a]+', ']a]', true],
    ['[^]a]', 'b', true],
    ['[^]a]', ']', false],
  ];
  for (const [source, subject, expected] of cases) {
    t.equal(compileStartMatcher(source).test(subject), expected, `${source} on ${subject}`);
  }
});
