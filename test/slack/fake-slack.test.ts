import t from 'tap';
import { startFakeSlack } from '../helpers/fake-slack.js';

// The fake's behaviour that web-api.test.ts does not already exercise through the client.

const fake = await startFakeSlack();
t.teardown(() => fake.close());
t.beforeEach(() => fake.reset());

async function post(path: string, body: string, contentType: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(new URL(path, fake.url), {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: 'Bearer xoxp-1' },
    body,
  });
  return { status: response.status, json: await response.json() };
}

t.test('a JSON body is recorded as form-like string params, over query parameters', async (t) => {
  fake.on('chat.postMessage', (call) => ({ ok: true, echo: call.params }));
  const { json } = await post(
    'chat.postMessage?channel=Cquery&extra=1',
    JSON.stringify({ channel: 'C1', n: 2, flag: true, blocks: [{ type: 'divider' }], gone: null }),
    'application/json; charset=utf-8',
  );
  const params = { channel: 'C1', extra: '1', n: '2', flag: 'true', blocks: '[{"type":"divider"}]' };
  t.same(json, { ok: true, echo: params });
  t.same(fake.callsTo('chat.postMessage')[0]?.params, params);
  t.equal(fake.calls[0]?.token, 'xoxp-1');
});

t.test('setList: an unknown cursor is invalid_cursor; the request limit only ever shrinks the page', async (t) => {
  fake.setList('users.list', 'members', [1, 2, 3, 4, 5], 2);
  t.same((await post('users.list', 'cursor=bogus', 'application/x-www-form-urlencoded')).json, { ok: false, error: 'invalid_cursor' });
  const big = (await post('users.list', 'limit=100', 'application/x-www-form-urlencoded')).json as { members: number[] };
  t.same(big.members, [1, 2], 'the page size caps a larger limit');
  const small = (await post('users.list', 'limit=1', 'application/x-www-form-urlencoded')).json as {
    members: number[];
    response_metadata: { next_cursor: string };
  };
  t.same(small.members, [1]);
  const next = (await post('users.list', `limit=1&cursor=${small.response_metadata.next_cursor}`, 'application/x-www-form-urlencoded'))
    .json as { members: number[] };
  t.same(next.members, [2]);
});

t.test('an answer function that throws gives a 500 and is kept in fake.errors', async (t) => {
  fake.on('auth.test', () => {
    throw new Error('test bug');
  });
  const { status, json } = await post('auth.test', '', 'application/x-www-form-urlencoded');
  t.equal(status, 500);
  t.same(json, { ok: false, error: 'fake_slack_answer_threw' });
  t.match(fake.errors, [{ message: 'test bug' }]);
});

t.test('a path outside /api/ is a 404, still recorded', async (t) => {
  const response = await fetch(new URL('/elsewhere', fake.url), { method: 'POST' });
  t.equal(response.status, 404);
  t.equal(fake.calls[0]?.path, '/elsewhere');
});

t.test('faults are used up in order, per method, then the normal answer returns', async (t) => {
  fake.on('a.b', { ok: true });
  fake.failNext('a.b', { status: 503 }, 2);
  fake.failNext('a.b', { body: { ok: false, error: 'x' } });
  const statuses: unknown[] = [];
  for (let i = 0; i < 4; i++) {
    const response = await fetch(new URL('a.b', fake.url), { method: 'POST' });
    statuses.push(response.status === 200 ? await response.json() : response.status);
  }
  t.same(statuses, [503, 503, { ok: false, error: 'x' }, { ok: true }]);
});

t.test('close() does not wait for a delayed answer', async (t) => {
  const other = await startFakeSlack();
  other.failNext('a.b', { delayMs: 10_000 });
  const pending = fetch(new URL('a.b', other.url), { method: 'POST' }).catch(() => 'gone');
  while (other.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const started = performance.now();
  await other.close();
  t.equal(await pending, 'gone');
  t.ok(performance.now() - started < 1_000);
});
