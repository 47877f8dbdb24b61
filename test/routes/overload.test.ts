import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { slackJson } from '../helpers/slack-requests.js';

t.test('overloaded: 503 with Retry-After, and Slack may retry it', async (t) => {
  // A heap limit of one byte: under pressure from the first memory sample on.
  const { app } = await buildTestApp(t, { env: { OVERLOAD_MAX_HEAP_USED_BYTES: '1' } });
  const request = slackJson({ token: 'verify-pingbot', team_id: 'T12345678', api_app_id: 'AABCDEF12', event_id: 'EvLOAD', event: { type: 'message' } });
  let status = 0;
  let response: Awaited<ReturnType<typeof app.inject>> | undefined;
  for (let attempt = 0; attempt < 30 && status !== 503; attempt += 1) {
    response = await app.inject({
      method: 'POST',
      url: '/api/v1/slack/event',
      payload: request.payload,
      headers: { ...request.headers, 'x-envoy-downstream-service-cluster': 'envoy' },
    });
    status = response.statusCode;
    if (status !== 503) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  t.equal(status, 503, 'answered 503 once under pressure');
  t.equal(response?.headers['retry-after'], '5');
  t.equal(response?.headers['x-slack-no-retry'], undefined);
  t.same(response?.json(), { status: 'failure', error: 'service unavailable' });
  const api = await app.inject({ method: 'GET', url: '/api/v1/slack/get_team/testteam', headers: { 'x-envoy-internal': 'true', 'x-envoy-downstream-service-cluster': 'someservice' } });
  t.same([api.statusCode, api.json().error], [503, 'service unavailable'], 'the API routes too');
});
