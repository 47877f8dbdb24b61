import t from 'tap';
import { AckPolicy, nanos, type JetStreamManager } from 'nats';
import { ackConfirmed } from '../../src/queue/confirmed-ack.js';
import { describedWithReplicas, keepConsumerReplicated, recordedReplicas } from '../../src/queue/consumer-replicas.js';
import { Puller, type PulledMessage } from '../../src/queue/puller.js';
import { NatsCluster } from '../helpers/nats-cluster.js';
import { eventually } from '../helpers/wait.js';

// A 3-node cluster and an election: far longer on a loaded machine than the ~20 s it takes on a quiet one.
t.setTimeout(240_000);

const warnings: string[] = [];
const quiet = { warn: (_fields: object, message: string) => void warnings.push(message) };

t.test('the replicas a consumer was set up with are recorded at the end of its description', async (t) => {
  t.equal(describedWithReplicas('omnibot-ts worker', 3), 'omnibot-ts worker [replicas: 3]');
  t.equal(describedWithReplicas('omnibot-ts worker [replicas: 1]', 3), 'omnibot-ts worker [replicas: 3]', 'replacing what was recorded');
  t.equal(recordedReplicas('omnibot-ts worker [replicas: 3]'), 3);
  t.equal(recordedReplicas('set up by an older omnibot-ts'), undefined);
  t.equal(recordedReplicas(undefined), undefined);
});

t.test('a consumer set up with one replica, its stream scaled to three: stepped down once, its acks survive its leader', async (t) => {
  const cluster = await NatsCluster.start(t);
  const nc = await cluster.connection();
  const jsm: JetStreamManager = await cluster.admin();
  await jsm.streams.add({ name: 'SCALED', subjects: ['scaled.>'], num_replicas: 1 });
  const origin = await cluster.waitForLeader('SCALED');
  // Both set up while the stream has one replica; only `repaired` goes through keepConsumerReplicated.
  for (const name of ['repaired', 'left']) {
    await jsm.consumers.add('SCALED', { durable_name: name, ack_policy: AckPolicy.Explicit, ack_wait: nanos(60_000), description: describedWithReplicas(name, 1) });
  }
  const js = nc.jetstream();
  const handle = async (consumer: string, count: number): Promise<void> => {
    const received: PulledMessage[] = [];
    const puller = new Puller(nc, { stream: 'SCALED', consumer, capacity: () => count - received.length, onMessage: (m) => void received.push(m) });
    await eventually(async () => (received.length === count ? true : undefined), 30_000);
    await puller.close();
    const confirmed = await Promise.all(received.map((message) => ackConfirmed(nc, message)));
    t.equal(confirmed.filter(Boolean).length, count, `${consumer}: ${count} acks confirmed by its leader`);
  };
  for (let i = 0; i < 10; i += 1) await js.publish('scaled.x', String(i));
  await handle('repaired', 10);
  await handle('left', 10);

  await jsm.streams.update('SCALED', { num_replicas: 3 });
  const current = async (consumer: string) => {
    const info = await jsm.consumers.info('SCALED', consumer).catch(() => undefined);
    return info?.cluster?.leader && (info.cluster.replicas ?? []).filter((replica) => replica.current).length === 2 ? info : undefined;
  };
  const repairedInfo = await eventually(() => current('repaired'), 60_000);
  await eventually(() => current('left'), 60_000);
  await keepConsumerReplicated(nc, jsm, repairedInfo, 3, quiet);
  t.match(warnings, [/consumer repaired was set up with fewer replicas than stream SCALED has now: its leader was stepped down/], 'and says so');
  t.equal(recordedReplicas((await jsm.consumers.info('SCALED', 'repaired')).config.description), 3, 'the replicas it has now are recorded');
  // Its leader back on the node of the scaling, so that one kill takes both consumers' leaders.
  await cluster.moveLeader('SCALED', origin, ['repaired']);
  t.equal(await cluster.consumerLeaderOf('SCALED', 'left'), origin, 'the other still has the leader of the scaling');

  for (let i = 10; i < 30; i += 1) await js.publish('scaled.x', String(i));
  await handle('repaired', 20);
  await handle('left', 20);

  await cluster.kill(origin);
  const after = async (consumer: string) =>
    eventually(async () => {
      const info = await jsm.consumers.info('SCALED', consumer).catch(() => undefined);
      return info?.cluster?.leader && info.cluster.leader !== origin ? info : undefined;
    }, 120_000);
  const repaired = await after('repaired');
  t.equal(repaired.ack_floor.stream_seq, 30, 'the repaired consumer\'s new leader has every ack');
  t.equal(repaired.num_pending + repaired.num_ack_pending, 0, 'nothing to deliver again');
  // What nats-server 2.9 does without the repair: the acks since the scaling are gone. (A server
  // that no longer does is told, not failed: the repair then costs one election.)
  const left = await after('left');
  const version = nc.info?.version ?? '';
  if (version.startsWith('2.9.')) {
    t.ok(left.ack_floor.stream_seq < 30, `without it, nats-server ${version}'s new leader lost acks (ack floor ${left.ack_floor.stream_seq} of 30)`);
  } else {
    t.comment(`without it, nats-server ${version}'s new leader has an ack floor of ${left.ack_floor.stream_seq} of 30`);
  }
});
