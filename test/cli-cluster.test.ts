import t from 'tap';
import { request } from 'undici';
import { startCli } from './helpers/cli.js';
import { TEST_CREDENTIALS } from './helpers/env.js';
import { startFakeSlack } from './helpers/fake-slack.js';
import { NatsCluster } from './helpers/nats-cluster.js';
import { FIXTURE_CONFIG } from './helpers/temp-config.js';
import { eventually } from './helpers/wait.js';

// A 3-node cluster and the built CLI; a loaded machine takes far longer than the ~20 s this takes on a quiet one.
t.setTimeout(180_000);

t.test('OMNIBOT_STREAM_REPLICAS=3 on a 3-node cluster: every stream, bucket and consumer omnibot-ts creates has 3 replicas', async (t) => {
  const cluster = await NatsCluster.start(t);
  const fake = await startFakeSlack();
  t.teardown(() => fake.close());
  fake.on('auth.test', { ok: true, user_id: 'UBOT', bot_id: 'BBOT' });
  // One node in NATS_URL: the others are learnt from the cluster.
  const all = startCli(['all'], {
    ...TEST_CREDENTIALS,
    CONFIG_FILE: FIXTURE_CONFIG,
    NATS_URL: cluster.url('n1'),
    OMNIBOT_STREAM_REPLICAS: '3',
    SLACK_API_URL: fake.url,
    PORT: '0',
    LOG_LEVEL: 'info',
  });
  t.teardown(() => void all.child.kill('SIGKILL'));
  const base = await all.listening;
  await all.waitFor(/watcher acting/);
  const jsm = await cluster.admin();
  const streams = [
    'OMNIBOT',
    'OMNIBOT_DLQ',
    'KV_omnibot_directory_users',
    'KV_omnibot_directory_channels',
    'KV_omnibot_directory_ims',
    'KV_omnibot_directory_emoji',
    'KV_omnibot_watcher',
  ];
  // A new group lists its replicas once they have joined it.
  const placed = (cluster?: { leader?: string; replicas?: unknown[] }) => (cluster?.leader ? 1 : 0) + (cluster?.replicas?.length ?? 0);
  for (const stream of streams) {
    const info = await eventually(async () => {
      const found = await jsm.streams.info(stream).catch(() => undefined);
      return found && placed(found.cluster) === 3 ? found : undefined;
    }, 30_000).catch(() => jsm.streams.info(stream));
    t.equal(info.config.num_replicas, 3, `${stream}: 3 replicas`);
    t.equal(placed(info.cluster), 3, `${stream}: on 3 nodes`);
  }
  for (const consumer of ['omnibot-worker', 'omnibot-directory']) {
    const info = await eventually(async () => {
      const found = await jsm.consumers.info('OMNIBOT', consumer).catch(() => undefined);
      return found && placed(found.cluster) === 3 ? found : undefined;
    }, 30_000).catch(() => jsm.consumers.info('OMNIBOT', consumer));
    t.equal(placed(info.cluster), 3, `consumer ${consumer}: on 3 nodes, as its stream`);
  }

  // The node in NATS_URL dies: the process goes on with the nodes the cluster told it of.
  await cluster.kill('n1');
  const reconnected = await all.waitFor(new RegExp(`"nats":"reconnect","server":"([^"]+)"`), 60_000);
  t.not(reconnected[1], cluster.url('n1').replace('nats://', ''), `reconnected to another node (${reconnected[1]})`);
  const ready = await eventually(async () => {
    const answer = await request(`${base}/readyz`);
    const body = await answer.body.json();
    return answer.statusCode === 200 ? body : undefined;
  }, 60_000);
  t.match(ready, { status: 'ready' }, '/readyz is 200 again without n1');
});
