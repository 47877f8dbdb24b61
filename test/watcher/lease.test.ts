import t from 'tap';
import { connect, type NatsConnection } from 'nats';
import { Lease, LEASE_BUCKET } from '../../src/watcher/lease.js';
import { leaseTtlMs } from '../../src/watcher/watcher.js';
import { startTestNats, type TestNats } from '../helpers/nats.js';
import { waitFor } from '../helpers/wait.js';

type Teardown = { teardown(fn: () => unknown): void };

interface Party {
  readonly lease: Lease;
  readonly nc: NatsConnection;
  readonly events: string[];
  readonly logs: string[];
}

async function party(t: Teardown, nats: TestNats, name: string, ttlMs: number): Promise<Party> {
  const nc = await connect({ servers: nats.url });
  t.teardown(() => nc.close());
  const events: string[] = [];
  const logs: string[] = [];
  const record = (_fields: object, message: string): void => void logs.push(message);
  const lease = await Lease.start(nc, {
    ttlMs,
    holder: name,
    logger: { info: record, warn: record },
    onAcquired: () => events.push('acquired'),
    onLost: () => events.push('lost'),
  });
  t.teardown(() => lease.stop().catch(() => undefined));
  return { lease, nc, events, logs };
}

t.test('the claim\'s TTL and one read after it fit within a period', async (t) => {
  for (const periodMs of [300, 1_000, 120_000, 3_600_000]) {
    const ttl = leaseTtlMs(periodMs);
    t.ok(ttl + ttl / 4 < periodMs, `period ${periodMs} ms: TTL ${ttl} ms, next read ${ttl / 4} ms later`);
  }
});

t.test('one of two holds the claim; when the holder dies the other takes over', async (t) => {
  const nats = await startTestNats(t);
  const ttlMs = 1_500;
  const a = await party(t, nats, 'a', ttlMs);
  await waitFor(() => a.lease.held);
  const b = await party(t, nats, 'b', ttlMs);
  // Longer than a TTL: a renews, so b never sees the claim stand still.
  await new Promise((resolve) => setTimeout(resolve, ttlMs * 2));
  t.ok(a.lease.held, 'a still holds it');
  t.notOk(b.lease.held, 'b waits');
  t.same(b.events, []);

  // A process that dies says nothing: its connection just goes.
  await a.nc.close();
  await waitFor(() => b.lease.held, 20_000);
  t.same(b.events, ['acquired'], 'b took over');
  t.match(b.logs, ['watcher standing by: another process acts', 'the acting watcher stopped renewing its claim; taking over']);
  await waitFor(() => a.events.includes('lost'), 20_000);
  t.same(a.events, ['acquired', 'lost'], 'a, cut off from NATS for a TTL, stopped acting');
});

t.test('a holder that stops gives the claim up, and the other takes it at its next read', async (t) => {
  const nats = await startTestNats(t);
  const a = await party(t, nats, 'a', 2_000);
  await waitFor(() => a.lease.held);
  const b = await party(t, nats, 'b', 2_000);
  await waitFor(() => b.logs.includes('watcher standing by: another process acts'));
  await a.lease.stop();
  t.same(a.events, ['acquired', 'lost']);
  await waitFor(() => b.lease.held, 20_000);
  t.notOk(b.logs.some((line) => line.includes('stopped renewing')), 'taken because it was given up, not because it went stale');
});

t.test('a holder whose claim was taken over stops acting at its next renewal', async (t) => {
  const nats = await startTestNats(t);
  const a = await party(t, nats, 'a', 400);
  await waitFor(() => a.lease.held);
  const nc = await connect({ servers: nats.url });
  t.teardown(() => nc.close());
  const kv = await nc.jetstream().views.kv(LEASE_BUCKET);
  await kv.put('acting', new TextEncoder().encode(JSON.stringify({ holder: 'usurper', since: 0 })));
  await waitFor(() => !a.lease.held, 20_000);
  t.same(a.events, ['acquired', 'lost']);
});
