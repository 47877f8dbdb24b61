import t from 'tap';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { buildTestApp } from '../helpers/app.js';
import { rawRequest } from '../helpers/raw-http.js';
import { slackJson } from '../helpers/slack-requests.js';

const SERVICE = { 'x-envoy-internal': 'true', 'x-envoy-downstream-service-cluster': 'someservice' };
const ENVOY = { 'x-envoy-downstream-service-cluster': 'envoy' };

// Short limits, so that the test waits seconds, not the production minutes.
const LIMITS = { headersMs: 600, requestMs: 1_200, keepAliveMs: 400, checkIntervalMs: 100 };
const { app, fake } = await buildTestApp(t, { httpTimeouts: LIMITS });
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as AddressInfo;
const base = `http://127.0.0.1:${port}`;

t.test('slow clients are cut off by the time limits while the others are served', async (t) => {
  const slow = [
    // Sends nothing at all.
    ...Array.from({ length: 10 }, () => rawRequest(port, [], { waitMs: 20_000 })),
    // Headers a line at a time, never finished.
    ...Array.from({ length: 10 }, () =>
      rawRequest(port, ['GET /healthcheck HTTP/1.1\r\n', 'Host: x\r\n', ...Array.from({ length: 60 }, (_, i) => `X-${i}: y\r\n`)], { waitMs: 20_000, chunkDelayMs: 200 }),
    ),
    // A body a byte at a time, never finished.
    ...Array.from({ length: 10 }, () =>
      rawRequest(
        port,
        ['POST /api/v1/slack/event HTTP/1.1\r\nHost: x\r\nX-Envoy-Downstream-Service-Cluster: envoy\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n', ...Array.from({ length: 100 }, () => ' ')],
        { waitMs: 20_000, chunkDelayMs: 200 },
      ),
    ),
  ];
  const started = Date.now();
  // Meanwhile, every normal request is answered.
  for (let i = 0; i < 20; i += 1) {
    const health = await request(`${base}/healthcheck`);
    t.equal(health.statusCode, 200, 'the healthcheck is answered while slow clients hang on');
    await health.body.dump();
  }
  const event = slackJson({ token: 'verify-pingbot', team_id: 'T12345678', api_app_id: 'AABCDEF12', event_id: 'EvSLOW0001', event: { type: 'message' } });
  const stored = await request(`${base}/api/v1/slack/event`, { method: 'POST', body: event.payload, headers: { ...event.headers, ...ENVOY } });
  t.equal(stored.statusCode, 200, 'a webhook is stored and answered meanwhile');
  await stored.body.dump();

  const answers = await Promise.all(slow);
  const elapsed = Date.now() - started;
  t.ok(answers.every((answer) => answer.closedByServer), 'every slow client was disconnected by the server');
  t.ok(elapsed < 19_000, `before the clients would have given up (${elapsed} ms)`);
  for (const answer of answers.slice(20)) {
    t.same(answer.statuses, [408], 'a body that does not arrive in time: 408');
    t.match(JSON.parse(answer.body), { error: 'request timeout' });
  }
  t.same(answers.slice(0, 20).map((answer) => answer.statuses.length === 0 || answer.statuses[0] === 408), Array(20).fill(true), 'no headers in time: closed, or 408');
});

t.test('an idle kept-alive connection is closed after the keep-alive time', async (t) => {
  const answer = await rawRequest(port, 'GET /healthcheck HTTP/1.1\r\nHost: x\r\n\r\n', { waitMs: 15_000 });
  t.same(answer.statuses, [200]);
  t.ok(answer.closedByServer, 'closed by the server, not by the wait');
});

t.test('the time limits are for receiving a request, not for handling it', async (t) => {
  fake.on('chat.postMessage', { ok: true, channel: 'C1', ts: '1.2' });
  fake.failNext('chat.postMessage', { delayMs: LIMITS.requestMs * 2 });
  const response = await request(`${base}/api/v2/slack/action/testteam/echobot`, {
    method: 'POST',
    body: JSON.stringify({ action: 'chat.postMessage', kwargs: { channel: 'C1', text: 'slow Slack' } }),
    headers: { ...SERVICE, 'content-type': 'application/json' },
  });
  t.equal(response.statusCode, 200, 'answered after Slack took twice the request time limit');
  t.match(await response.body.json(), { ok: true });
});

t.test('an HTTP/1.1 request without Host: a JSON 400', async (t) => {
  const answer = await rawRequest(port, 'GET /healthcheck HTTP/1.1\r\n\r\n');
  t.same(answer.statuses, [400]);
  t.match(JSON.parse(answer.body), { error: 'invalid request', message: /Host/ });
});
