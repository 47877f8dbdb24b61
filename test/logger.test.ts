import t from 'tap';
import Fastify from 'fastify';
import { Writable } from 'node:stream';
import { lazyChildLogger, loggerOptions, processLoggerOptions, wantsPrettyLogs } from '../src/logger.js';

/** A Fastify app with the production logger options and the lazy child factory, its lines collected. */
async function appLoggingAt(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = Fastify({
    logger: { ...loggerOptions(level), stream },
    childLoggerFactory: lazyChildLogger,
    disableRequestLogging: true,
  });
  app.get('/log', async (request) => {
    request.log.debug({ step: 'debug' }, 'a debug line');
    request.log.info({ step: 'info' }, 'an info line');
    request.log.warn({ step: 'warn', token: 'xoxb-secret' }, 'a warning');
    request.log.child({ part: 'nested' }).error('from a nested child');
    return { level: request.log.level };
  });
  app.get('/quiet', { logLevel: 'error' }, async (request) => {
    request.log.warn('not at this route level');
    request.log.error('at this route level');
    return { level: request.log.level };
  });
  await app.ready();
  return { app, lines };
}

t.test("a request's logger writes the enabled levels with the request id, and nothing below", async (t) => {
  const { app, lines } = await appLoggingAt('warn');
  t.teardown(() => app.close());
  const response = await app.inject({ method: 'GET', url: '/log' });
  t.same(response.json(), { level: 'warn' });
  t.same(lines.map((line) => line.msg), ['a warning', 'from a nested child']);
  for (const line of lines) t.equal(line.reqId, lines[0]!.reqId, 'every line carries the request id');
  t.match(lines[0], { step: 'warn', token: '[redacted]' }, 'redaction still applies');
  t.equal(lines[1]!.part, 'nested', "a child's own bindings are kept");
});

t.test('at a lower level the same logger writes every line', async (t) => {
  const { app, lines } = await appLoggingAt('debug');
  t.teardown(() => app.close());
  await app.inject({ method: 'GET', url: '/log' });
  t.same(lines.map((line) => line.msg), ['a debug line', 'an info line', 'a warning', 'from a nested child']);
  t.ok(lines.every((line) => typeof line.reqId === 'string' && line.reqId !== ''));
});

t.test("a route's own log level is respected", async (t) => {
  const { app, lines } = await appLoggingAt('debug');
  t.teardown(() => app.close());
  const response = await app.inject({ method: 'GET', url: '/quiet' });
  t.same(response.json(), { level: 'error' });
  t.same(lines.map((line) => line.msg), ['at this route level']);
});

t.test('two requests have two request ids', async (t) => {
  const { app, lines } = await appLoggingAt('warn');
  t.teardown(() => app.close());
  await app.inject({ method: 'GET', url: '/log' });
  await app.inject({ method: 'GET', url: '/log' });
  t.equal(new Set(lines.map((line) => line.reqId)).size, 2);
});

t.test('LOG_FORMAT: pretty for a terminal (or when asked), JSON lines otherwise', async (t) => {
  t.equal(wantsPrettyLogs('auto', true), true, 'a person at a terminal');
  t.equal(wantsPrettyLogs('auto', false), false, 'a pipe, a file, a log collector');
  t.equal(wantsPrettyLogs('pretty', false), true);
  t.equal(wantsPrettyLogs('json', true), false);
  t.notOk('stream' in processLoggerOptions('info', 'json'), 'JSON lines go to pino\'s own stdout destination');
  t.ok(processLoggerOptions('info', 'pretty').stream, 'pretty lines go through pino-pretty');
});
