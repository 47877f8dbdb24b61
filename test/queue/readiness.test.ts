import t from 'tap';
import { ReadinessProbe, type ReadinessCheck } from '../../src/queue/readiness.js';

/** A check that counts its runs and answers what the test says. */
function counted(name: string, answer: () => Promise<string | undefined> | string | undefined, extra: Partial<ReadinessCheck> = {}) {
  const check = { name, runs: 0, ...extra, run: () => undefined as Promise<string | undefined> | string | undefined };
  check.run = () => {
    check.runs += 1;
    return answer();
  };
  return check;
}

t.test('a recent result is reused, so probes do not become JetStream requests', async (t) => {
  let stream: string | undefined;
  const check = counted('stream OMNIBOT', () => stream);
  const probe = new ReadinessProbe([check], { ttlMs: 1_000 });
  t.same(await probe.report(0), { ready: true, checks: { 'stream OMNIBOT': 'ok' }, missing: [] });
  stream = 'stream not found';
  t.same((await probe.report(500)).ready, true, 'within the TTL: the last answer');
  t.equal(check.runs, 1);
  t.same(await probe.report(Date.now() + 1_000), { ready: false, checks: { 'stream OMNIBOT': 'stream not found' }, missing: ['stream OMNIBOT'] });
  t.equal(check.runs, 2);
});

t.test('concurrent probes share one run; a run that does not answer in time is missing', async (t) => {
  let release: (() => void) | undefined;
  const slow = counted('stream OMNIBOT', () => new Promise<undefined>((resolve) => (release = () => resolve(undefined))));
  const probe = new ReadinessProbe([slow], { timeoutMs: 100 });
  const reports = await Promise.all([probe.report(), probe.report(), probe.report()]);
  t.equal(slow.runs, 1, 'one run for three probes');
  for (const report of reports) t.same(report.missing, ['stream OMNIBOT']);
  t.match(reports[0]?.checks['stream OMNIBOT'], /no answer within 100 ms/);
  release?.();
});

t.test('a failed gate leaves what depends on it unchecked; live checks run on every probe', async (t) => {
  let connected = false;
  const nats = counted('nats', () => (connected ? undefined : 'disconnected; reconnecting'), { gate: true, live: true });
  const stream = counted('stream OMNIBOT', () => undefined);
  const probe = new ReadinessProbe([nats, stream]);
  t.same(await probe.report(), {
    ready: false,
    checks: { nats: 'disconnected; reconnecting', 'stream OMNIBOT': 'not checked: nats is missing' },
    missing: ['nats', 'stream OMNIBOT'],
  });
  t.equal(stream.runs, 0, 'JetStream is not asked without a connection');
  connected = true;
  t.same((await probe.report()).ready, true, 'the connection is seen at once, not after the TTL');
  t.equal(nats.runs, 2);
  const failing = counted('consumer', () => Promise.reject(new Error('consumer not found')));
  t.same((await new ReadinessProbe([failing]).report()).checks, { consumer: 'consumer not found' }, 'a throw is the reason');
});
