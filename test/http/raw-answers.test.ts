import t from 'tap';
import type { AddressInfo } from 'node:net';
import { buildTestApp } from '../helpers/app.js';
import { rawRequest } from '../helpers/raw-http.js';

const { app } = await buildTestApp(t);
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as AddressInfo;

const jsonError = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return `not JSON: ${body}`;
  }
};

t.test('requests Node\'s parser refuses get a JSON answer with their status, then the connection closes', async (t) => {
  const cases: Array<[string, string, number]> = [
    ['an unknown method', 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['headers over 16 KiB', `GET /healthcheck HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ['a URL over 16 KiB', `GET /api/v1/slack/get_team/${'t'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431],
    ['Content-Length and chunked at once', 'POST /api/v1/slack/event HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
    ['a header line without a colon', 'GET /healthcheck HTTP/1.1\r\nHost: x\r\nnonsense\r\n\r\n', 400],
    ['not HTTP at all', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03', 400],
  ];
  for (const [name, request, status] of cases) {
    const answer = await rawRequest(port, request);
    t.same(answer.statuses, [status], name);
    t.match(jsonError(answer.body), { error: String }, `${name}: a JSON error`);
    t.equal(answer.headers['content-type'], 'application/json; charset=utf-8', name);
    t.ok(answer.closedByServer, `${name}: closed by the server`);
  }
});

t.test('CONNECT is answered 405 with Allow instead of a silent close', async (t) => {
  const answer = await rawRequest(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
  t.same(answer.statuses, [405]);
  t.equal(answer.headers.allow, 'GET, HEAD, POST');
  t.match(jsonError(answer.body), { error: 'method not allowed' });
});

t.test('an Expect other than 100-continue: 417 with a JSON body', async (t) => {
  const answer = await rawRequest(port, 'POST /api/v1/slack/event HTTP/1.1\r\nHost: x\r\nExpect: something\r\nContent-Length: 2\r\n\r\n{}');
  t.same(answer.statuses, [417]);
  t.match(jsonError(answer.body), { error: 'expectation failed' });
});

t.test('a malformed request after a good one on the same connection: both answered, in order', async (t) => {
  const answer = await rawRequest(port, 'GET /healthcheck HTTP/1.1\r\nHost: x\r\n\r\nFOO / HTTP/1.1\r\nHost: x\r\n\r\n');
  t.same(answer.statuses, [200, 400]);
  t.ok(answer.raw.includes('\r\n\r\nOK'), 'the healthcheck answered first');
});

t.test('odd but valid methods are routed: 405 where the path is served, 404 where not', async (t) => {
  const propfind = await rawRequest(port, 'PROPFIND /healthcheck HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  t.same(propfind.statuses, [405]);
  t.equal(propfind.headers.allow, 'GET, HEAD');
  const nowhere = await rawRequest(port, 'PURGE /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  t.same(nowhere.statuses, [404]);
  t.match(jsonError(nowhere.body), { error: 'not found' });
});
