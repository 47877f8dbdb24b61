import t from 'tap';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { connect } from 'nats';
import { openSharedNatsServer } from '../../src/queue/shared-nats-server.js';
import { tempDir } from '../helpers/nats-auth.js';
import { natsServersOn } from '../helpers/processes.js';
import { eventually, waitFor } from '../helpers/wait.js';

const logger = { info: () => undefined, warn: () => undefined };

t.test('processes opening one store at once share one nats-server; when its owner stops, a guest takes it over on the same URL', async (t) => {
  const storeDir = path.join(await tempDir(t, 'omnibot-shared-'), 'nats');
  const leases = await Promise.all([1, 2, 3, 4].map(() => openSharedNatsServer({ storeDir, logger })));
  t.teardown(() => Promise.all(leases.map((lease) => lease.stop())));
  t.equal(leases.filter((lease) => lease.owner).length, 1, 'exactly one owner');
  const url = leases[0]?.url as string;
  t.ok(leases.every((lease) => lease.url === url), 'every process has the same URL');
  t.equal((await natsServersOn(storeDir)).length, 1, 'one nats-server on the store');
  const owner = leases.find((lease) => lease.owner);
  const guests = leases.filter((lease) => lease !== owner);
  t.equal(owner?.ownerPid, undefined);
  t.ok(guests.every((guest) => guest.ownerPid === process.pid), 'guests know who runs it');

  // A client of the URL, as the processes' NATS connections are: it must find the server again.
  const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  t.teardown(() => nc.close());
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: 'KEPT', subjects: ['kept.>'] });
  await nc.jetstream().publish('kept.one', new TextEncoder().encode('1'));

  const [gone] = await Promise.all([owner?.guestsGone(100), owner?.stop()]);
  t.equal(gone, undefined);
  await waitFor(() => guests.some((guest) => guest.owner));
  t.equal(guests.filter((guest) => guest.owner).length, 1, 'one guest took it over');
  t.ok(guests.every((guest) => guest.url === url), 'on the same URL');
  t.equal((await natsServersOn(storeDir)).length, 1, 'still one nats-server on the store');
  // The client reconnects by itself to the same URL.
  const info = await eventually(() => jsm.streams.info('KEPT').catch(() => undefined));
  t.equal(info.state.messages, 1, 'the store kept its messages through the take-over');

  for (const guest of guests) guest.stopping();
  await Promise.all(guests.map((guest) => guest.stop()));
  t.same(await natsServersOn(storeDir), [], 'no nats-server left once every process stopped');
});

t.test('an owner stops its server once the guests that drain with it have left, and does not wait for the others', async (t) => {
  const storeDir = path.join(await tempDir(t, 'omnibot-shared-'), 'nats');
  const owner = await openSharedNatsServer({ storeDir, logger });
  const staying = await openSharedNatsServer({ storeDir, logger });
  const draining = await openSharedNatsServer({ storeDir, logger });
  t.teardown(async () => {
    for (const guest of [staying, draining]) {
      guest.stopping();
      await guest.stop();
    }
    await owner.stop();
  });
  let started = Date.now();
  await owner.guestsGone(10_000);
  t.ok(Date.now() - started < 5_000, 'guests that go on running are not waited for (only the owner was stopped)');

  // A signal to the process group: the draining guest says so, and leaves when it is done.
  draining.stopping();
  started = Date.now();
  let gone = false;
  const waiting = owner.guestsGone(10_000).then(() => (gone = true));
  await new Promise((resolve) => setTimeout(resolve, 800));
  t.notOk(gone, 'waits while a draining guest is still connected');
  await draining.stop();
  await waiting;
  t.ok(Date.now() - started < 5_000, 'and returns once it has left');

  const stuck = await openSharedNatsServer({ storeDir, logger });
  stuck.stopping();
  const bounded = Date.now();
  await owner.guestsGone(300);
  const took = Date.now() - bounded;
  t.ok(took >= 250 && took < 5_000, `a draining guest that stays is waited for as long as asked, no longer (${took} ms)`);
  await stuck.stop();
});

t.test('a store that an omnibot process on another host still serves is refused, not started twice', async (t) => {
  const storeDir = path.join(await tempDir(t, 'omnibot-shared-'), 'nats');
  await mkdir(storeDir, { recursive: true });
  const state = (heartbeatAt: number) => JSON.stringify({ natsPid: 1, port: 4222, host: 'another-container', heartbeatAt });
  await writeFile(path.join(storeDir, 'omnibot-nats.json'), state(Date.now()));
  await t.rejects(openSharedNatsServer({ storeDir, logger }), {
    name: 'StoreInUseError',
    message: /served by the embedded nats-server of an omnibot process on host another-container, which this process can't share: set NATS_URL/,
  });
  t.same(await natsServersOn(storeDir), [], 'no second server started');

  // A host that stopped saying it is alive (it was killed) does not hold the store forever.
  await writeFile(path.join(storeDir, 'omnibot-nats.json'), state(Date.now() - 60_000));
  const lease = await openSharedNatsServer({ storeDir, logger });
  t.teardown(() => lease.stop());
  t.ok(lease.owner);
  t.match(JSON.parse(await readFile(path.join(storeDir, 'omnibot-nats.json'), 'utf8')), { natsPid: lease.pid, host: hostname() }, 'the state now names this host');
});
