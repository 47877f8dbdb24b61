import fc from 'fast-check';

/** One hostile request: through app.inject, or as bytes on a socket where inject can't express it. */
export type FuzzCase =
  | {
      readonly kind: 'inject';
      readonly route: string;
      readonly method: string;
      readonly url: string;
      readonly headers: Readonly<Record<string, string>>;
      readonly payload?: string | Uint8Array;
      /** Sign the payload as Slack would for echobot, with a valid or a stale timestamp. */
      readonly sign?: 'valid' | 'stale';
    }
  | { readonly kind: 'raw'; readonly route: string; readonly bytes: string };

export const SLACK_PATHS = ['/api/v1/slack/event', '/api/v1/slack/slash_command', '/api/v1/slack/interactive'] as const;

const SERVICE = { 'x-envoy-internal': 'true', 'x-envoy-downstream-service-cluster': 'someservice' };
const ENVOY = { 'x-envoy-downstream-service-cluster': 'envoy' };

// ---- pieces

const longText = (min: number, max: number): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom('a', 'é', '🙂', '%', '.', '@', '<', '\\'), fc.integer({ min, max })).map(([c, n]) => c.repeat(n));

/** Free text as a hostile client sends it: short, long, unicode, control characters, Slack markup. */
const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: longText(80, 6_000) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 6_000 }).map((n) => `<@U${'A'.repeat(n)}> hi <#C${'B'.repeat(n)}|x> @${'n'.repeat(n)} #${'c'.repeat(n)}`) },
  { weight: 1, arbitrary: fc.constantFrom('@alice @here #general', '<!channel> <!subteam^S1|team> :smile:', 'help', '<@UBOT> help', 'mailto:a@b.c <http://x|y>') },
);

/** A path segment: known names, emails, long, unicode, and percent-encodings valid or not. */
const segment: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('testteam', 'echobot', 'pingbot', 'nocredsbot', 'test2ndteam', 'alice@example.com', 'general', '%23general') },
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }).map(encodeURIComponent) },
  { weight: 2, arbitrary: longText(60, 1_500).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%C0%AF', '..', '%2e%2e', '%00', '%0d%0a', '', '%2F', 'a%20b', '%F0%9F%99%82') },
);

const deepJson = fc
  .tuple(fc.integer({ min: 100, max: 9_000 }), fc.boolean())
  .map(([depth, arrays]) => (arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));

/** Bodies that are not what any route reads. */
const junkBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.constantFrom('', '{', '[]', 'null', '"x"', '1e999', '{"a":1,}', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', '\u0000', 'payload=', 'a=1&a=2&b'),
  fc.json().map((json) => json.slice(0, Math.max(0, json.length - 1))),
  fc.json(),
  deepJson,
  fc.uint8Array({ maxLength: 300 }),
  fc.integer({ min: 1_048_000, max: 1_100_000 }).map((n) => `{"padding":"${'a'.repeat(n)}"}`),
);

const contentType: fc.Arbitrary<string | undefined> = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=latin1',
  '',
  undefined,
);

const withHeaders = (base: Record<string, string>, type: string | undefined, extra: Record<string, string>): Record<string, string> => ({
  ...base,
  ...(type === undefined ? {} : { 'content-type': type }),
  ...extra,
});

/** Headers a hostile client adds besides: Slack's retry headers, odd request ids. */
const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    'x-slack-retry-num': fc.oneof(fc.constantFrom('1', '2', '-1'), fc.integer({ min: 1, max: 5_000 }).map((n) => '9'.repeat(n))),
    'x-slack-retry-reason': fc.oneof(fc.constantFrom('http_timeout', 'http_error'), longText(1, 5_000).map((s) => s.replace(/[^\x21-\x7e]/g, 'x'))),
    'x-request-id': fc.string({ maxLength: 20 }).map((s) => s.replace(/[^\x21-\x7e]/g, 'x')),
  },
  { requiredKeys: [] },
);

// ---- Slack's routes

const teamId = fc.constantFrom('T12345678', 'TABCDEF12', 'TNOPE');
const appId = fc.constantFrom('A12345678', 'AABCDEF12', 'A98765432', 'ANOPE');
const token = fc.constantFrom('verify-echobot', 'verify-pingbot', 'forged');

const eventBody = fc
  .record(
    {
      token,
      team_id: teamId,
      api_app_id: appId,
      type: fc.constantFrom('event_callback', 'url_verification', 'app_rate_limited'),
      challenge: fc.string({ maxLength: 20 }),
      event_id: fc.oneof(fc.string({ maxLength: 20 }), longText(200, 5_000)),
      event: fc.oneof(
        fc.record({
          type: fc.constantFrom('message', 'app_mention', 'reaction_added', 'team_join'),
          text,
          user: fc.oneof(fc.constantFrom('U1', 'UBOT'), longText(30, 5_000)),
          channel: fc.oneof(fc.constantFrom('C1', 'D1'), longText(30, 5_000)),
          ts: fc.constantFrom('1.000001', 'x'),
          event_ts: fc.constantFrom('1.000001', `${Date.now() / 1000}`, 'x'),
          thread_ts: fc.constantFrom('1.0', ''),
          reaction: fc.string({ maxLength: 10 }),
          item: fc.record({ type: fc.constant('message'), channel: fc.string({ maxLength: 10 }), ts: fc.string({ maxLength: 10 }) }),
        }, { requiredKeys: ['type'] }),
        fc.jsonValue(),
      ),
    },
    { requiredKeys: [] },
  )
  .map((body) => JSON.stringify(body));

const slashForm = fc
  .record(
    {
      token,
      team_id: teamId,
      api_app_id: appId,
      command: fc.constantFrom('/echo', '/dialog', '/canned', '/quiet', '/nope'),
      text,
      channel_id: fc.string({ maxLength: 12 }),
      user_id: fc.oneof(fc.string({ maxLength: 12 }), longText(30, 5_000)),
      response_url: fc.constantFrom('https://hooks.slack.com/x', 'file:///etc/passwd', 'http://127.0.0.1:9/x'),
      trigger_id: fc.oneof(fc.string({ maxLength: 30 }), longText(300, 3_000)),
    },
    { requiredKeys: [] },
  )
  .map((fields) => new URLSearchParams(fields).toString());

const component = fc.record(
  {
    type: fc.constantFrom('block_actions', 'interactive_message', 'message_action', 'dialog_submission', 'view_submission', 'shortcut', 'nope'),
    token,
    team: fc.oneof(fc.record({ id: teamId }), fc.constant(null), fc.jsonValue()),
    api_app_id: appId,
    callback_id: fc.constantFrom('echo_action_test', 'echo_dialog_1', 'modal-with-inputs', 'block-1', 'quiet_action', 'nope'),
    view: fc.record({ callback_id: fc.constantFrom('modal-with-inputs', 'nope'), state: fc.jsonValue() }),
    actions: fc.oneof(fc.constant([{ block_id: 'block-1', action_id: 'a' }]), fc.constant([]), fc.jsonValue()),
    user: fc.record({ id: fc.oneof(fc.constantFrom('U1'), longText(30, 5_000)), team_id: teamId }),
    channel: fc.record({ id: fc.oneof(fc.constantFrom('C1'), longText(30, 5_000)) }),
    message: fc.record({ text, user: fc.string({ maxLength: 12 }) }),
    trigger_id: fc.oneof(fc.string({ maxLength: 30 }), longText(300, 3_000)),
    response_url: fc.constantFrom('https://hooks.slack.com/x', 'javascript:alert(1)'),
  },
  { requiredKeys: [] },
);

const interactiveForm = fc.oneof(
  { weight: 4, arbitrary: component.map((c) => new URLSearchParams({ payload: JSON.stringify(c) }).toString()) },
  { weight: 1, arbitrary: fc.oneof(junkBody.map((b) => (typeof b === 'string' ? b : '')), deepJson).map((p) => new URLSearchParams({ payload: p }).toString()) },
);

const OWN_BODY: Record<(typeof SLACK_PATHS)[number], fc.Arbitrary<string>> = {
  '/api/v1/slack/event': eventBody,
  '/api/v1/slack/slash_command': slashForm,
  '/api/v1/slack/interactive': interactiveForm,
};

const slackCase: fc.Arbitrary<FuzzCase> = fc.constantFrom(...SLACK_PATHS).chain((path) =>
  fc
    .tuple(
      fc.oneof({ weight: 6, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'PROPFIND') }),
      // Mostly the body the route reads (so that the checks behind the parser run), else anything.
      fc.oneof({ weight: 3, arbitrary: OWN_BODY[path].map((body) => ({ body, own: true })) }, { weight: 1, arbitrary: junkBody.map((body) => ({ body, own: false })) }),
      contentType,
      fc.constantFrom('valid', 'valid', 'stale', undefined),
      extraHeaders,
      fc.constantFrom(ENVOY, ENVOY, ENVOY, {}, SERVICE),
    )
    .map(([method, { body, own }, type, sign, extra, auth]) => ({
      kind: 'inject' as const,
      route: path,
      method,
      url: path,
      headers: withHeaders(auth, own ? (path.endsWith('/event') ? 'application/json' : 'application/x-www-form-urlencoded') : type, extra),
      payload: body,
      ...(sign ? { sign } : {}),
    })),
);

// ---- the API

const actionBody = fc
  .record(
    {
      action: fc.oneof(fc.constantFrom('chat.postMessage', 'chat.update', 'users.info', 'a.b', '../../x', 'chat.postMessage?x=1', 'https://evil.example/api'), fc.string({ maxLength: 20 }), fc.jsonValue()),
      kwargs: fc.oneof(
        fc.record(
          {
            channel: fc.oneof(fc.constantFrom('C1', 'general', '#general'), longText(30, 3_000)),
            text,
            blocks: fc.oneof(fc.jsonValue(), fc.constant('[]')),
            omnibot_parse: fc.oneof(fc.constant({ text: ['channels', 'users', 'specials'] }), fc.jsonValue()),
          },
          { requiredKeys: [] },
        ),
        fc.jsonValue(),
      ),
    },
    { requiredKeys: [] },
  )
  .map((body) => JSON.stringify(body));

const apiCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  fc.tuple(fc.constantFrom('get_team'), segment).map(([route, team]) => ({ route, url: `/api/v1/slack/get_team/${team}` })),
  fc.tuple(fc.constantFrom('get_user', 'get_channel', 'send_im'), segment, segment, segment).map(([route, team, bot, last]) => ({
    route,
    url: `/api/v1/slack/${route}/${team}/${bot}/${last}`,
  })),
  fc.tuple(fc.constantFrom('get_ims', 'action_v1', 'action_v2'), segment, segment).map(([route, team, bot]) => ({
    route,
    url: route === 'get_ims' ? `/api/v1/slack/get_ims/${team}/${bot}` : `/api/v${route.slice(-1)}/slack/action/${team}/${bot}`,
  })),
  fc.constant({ route: 'healthcheck', url: '/healthcheck' }),
  fc.tuple(fc.constantFrom('/', '/api', '/api/v1/slack', '/api/v3/slack/action/a/b', '/healthcheck/x', '/api/v1/slack/event/x'), fc.constantFrom('', '/', '?a=1', '?a=%zz', '#x', '//x'))
    .map(([path, tail]) => ({ route: 'unknown', url: `${path}${tail}` })),
).chain(({ route, url }) =>
  fc
    .tuple(
      fc.oneof(
        { weight: 5, arbitrary: fc.constant(route.startsWith('get_') || route === 'healthcheck' || route === 'unknown' ? 'GET' : 'POST') },
        { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE', 'PURGE') },
      ),
      fc.oneof({ weight: 3, arbitrary: actionBody }, { weight: 2, arbitrary: junkBody }),
      fc.oneof({ weight: 3, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: contentType }),
      fc.constantFrom(SERVICE, SERVICE, SERVICE, {}, ENVOY, { 'x-envoy-internal': 'true', 'x-envoy-downstream-service-cluster': 'readonly-x' }),
      fc.oneof(fc.constant(''), fc.constantFrom('?x=1', '?x=%zz&y', `?${'q'.repeat(3_000)}=1`)),
    )
    .map(([method, body, type, auth, query]) => {
      const hasBody = method !== 'GET' && method !== 'HEAD';
      return {
        kind: 'inject' as const,
        route,
        method,
        url: `${url}${query}`,
        headers: withHeaders(auth, hasBody ? type : undefined, {}),
        ...(hasBody ? { payload: body } : {}),
      };
    }),
);

// ---- bytes on a socket

const tokenChars = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), minLength: 1, maxLength: 12 });
const anyPath = fc.constantFrom('/healthcheck', '/api/v1/slack/event', '/api/v2/slack/action/testteam/echobot', '/api/v1/slack/get_team/testteam', '/nowhere', '*', 'http://example.com/');

const rawCase: fc.Arbitrary<FuzzCase> = fc
  .oneof(
    fc.constant('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'),
    fc.tuple(tokenChars, anyPath).map(([method, path]) => `${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
    fc.tuple(fc.constantFrom('get', 'Post', 'G ET', 'GET\t'), anyPath).map(([method, path]) => `${method} ${path} HTTP/1.1\r\nHost: x\r\n\r\n`),
    fc.integer({ min: 17_000, max: 40_000 }).map((n) => `GET /healthcheck HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(n)}\r\n\r\n`),
    fc.integer({ min: 17_000, max: 40_000 }).map((n) => `GET /api/v1/slack/get_user/testteam/echobot/${'e'.repeat(n)} HTTP/1.1\r\nHost: x\r\n\r\n`),
    fc.integer({ min: 200, max: 400 }).map((n) => `GET /healthcheck HTTP/1.1\r\nHost: x\r\n${Array.from({ length: n }, (_, i) => `X-${i}: y`).join('\r\n')}\r\n\r\n`),
    fc.tuple(anyPath, fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1', 'HTTX/1.1', '')).map(([path, version]) => `GET ${path} ${version}\r\nConnection: close\r\n\r\n`),
    fc.constantFrom(
      'POST /api/v1/slack/event HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'POST /api/v1/slack/event HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
      'POST /api/v1/slack/event HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
      'POST /api/v1/slack/event HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\n\r\n',
      'POST /api/v2/slack/action/testteam/echobot HTTP/1.1\r\nHost: x\r\nX-Envoy-Internal: true\r\nX-Envoy-Downstream-Service-Cluster: someservice\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\n',
      'POST /api/v1/slack/event HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\n{}',
      'GET /healthcheck HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n',
      'GET /healthcheck HTTP/1.1\r\nHost: x\r\nX-A: \u0001\r\n\r\n',
      'GET /healthcheck HTTP/1.1\nHost: x\nConnection: close\n\n',
      'GET /healthcheck HTTP/1.1\r\nHost: x\r\n\r\nFOO / HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /healthcheck HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      'GET /healthcheck HTTP/1.1\r\n\r\n',
      'GET /healthcheck HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n',
      'POST /api/v1/slack/event HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nContent-Length: 2\r\n\r\n{}',
    ),
    fc.uint8Array({ minLength: 1, maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  )
  .map((bytes) => ({ kind: 'raw' as const, route: 'raw', bytes }));

/** Every kind of case, in the proportions a run should have. */
export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof({ weight: 4, arbitrary: slackCase }, { weight: 5, arbitrary: apiCase }, { weight: 1, arbitrary: rawCase });
