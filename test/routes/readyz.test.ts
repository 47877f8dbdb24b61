import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { startTestNats } from '../helpers/nats.js';
import { eventually } from '../helpers/wait.js';

t.test('/readyz: 200 while NATS and stream OMNIBOT are there, 503 naming what is missing, open to anyone', async (t) => {
  const nats = await startTestNats(t);
  const { app } = await buildTestApp(t, { nats });
  const ready = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(ready.statusCode, 200, 'no credentials needed, like /healthcheck');
  t.same(ready.json(), { status: 'ready', checks: { nats: 'ok', 'stream OMNIBOT': 'ok' } });

  await nats.stop();
  const down = await eventually(async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    return response.statusCode === 503 ? response : undefined;
  });
  t.same(down.json(), {
    status: 'not ready',
    error: 'not ready',
    missing: ['nats', 'stream OMNIBOT'],
    checks: { nats: 'disconnected; reconnecting', 'stream OMNIBOT': 'not checked: nats is missing' },
  });
  const health = await app.inject({ method: 'GET', url: '/healthcheck' });
  t.same([health.statusCode, health.body], [200, 'OK'], "/healthcheck stays omnibot's liveness");

  await nats.start();
  const back = await eventually(async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    return response.statusCode === 200 ? response : undefined;
  });
  t.equal(back.json().status, 'ready', 'ready again once NATS is back');
});

t.test('/readyz: a missing stream is named; a worker also needs its consumer', async (t) => {
  const nats = await startTestNats(t);
  const { app } = await buildTestApp(t, { nats, roles: { http: false, worker: true } });
  const ready = await app.inject({ method: 'GET', url: '/readyz' });
  t.same([ready.statusCode, ready.json()], [200, { status: 'ready', checks: { nats: 'ok', 'stream OMNIBOT': 'ok', 'consumer omnibot-worker': 'ok' } }]);
  const api = await app.inject({ method: 'GET', url: '/api/v1/slack/get_team/testteam' });
  t.equal(api.statusCode, 404, 'a worker serves the probes, not the API');

  const jsm = await app.nats.jetstreamManager();
  await jsm.consumers.delete('OMNIBOT', 'omnibot-worker');
  const noConsumer = await eventually(async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    return response.statusCode === 503 ? response : undefined;
  });
  t.same(noConsumer.json().missing, ['consumer omnibot-worker']);
  t.match(noConsumer.json().checks['consumer omnibot-worker'], /consumer not found/);
  await jsm.streams.delete('OMNIBOT');
  const noStream = await eventually(async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    return response.json().missing?.includes('stream OMNIBOT') ? response : undefined;
  });
  t.match(noStream.json().checks['stream OMNIBOT'], /stream not found/);
});
