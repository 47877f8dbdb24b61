import t from 'tap';
import { connect, nanos, RetentionPolicy, StorageType, type StreamConfig } from 'nats';
import { DEFAULT_STREAM_SETTINGS, type StreamSettings } from '../../src/config/settings.js';
import { ensureStream, keptDifferences, newStreamConfig, reconcileStream, type StreamSpec } from '../../src/queue/stream-settings.js';
import { buildTestApp } from '../helpers/app.js';
import { startTestNats } from '../helpers/nats.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const SPEC: StreamSpec = { name: 'TEST', subject: 'test.>', description: 'a test stream', minDuplicateWindowMs: 10 * MINUTE };
const SETTINGS: StreamSettings = { replicas: 1, maxAgeMs: 7 * DAY, maxBytes: -1 };

/** A stream as JetStream reports it: what omnibot-ts would create, with the given fields changed. */
function existing(changes: Partial<StreamConfig>): StreamConfig {
  return { ...(newStreamConfig(SPEC, SETTINGS) as StreamConfig), ...changes };
}

t.test('a new stream gets the configured replicas, age and size', async (t) => {
  t.match(newStreamConfig(SPEC, { replicas: 3, maxAgeMs: 30 * DAY, maxBytes: 10 * 1024 ** 3 }), {
    name: 'TEST',
    subjects: ['test.>'],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    num_replicas: 3,
    max_age: nanos(30 * DAY),
    max_bytes: 10 * 1024 ** 3,
    duplicate_window: nanos(10 * MINUTE),
  });
});

t.test('an existing stream keeps what its operator set; only what correctness needs is put right', async (t) => {
  const same = reconcileStream(existing({}), SPEC, SETTINGS);
  t.same(same, { update: undefined, corrected: [], kept: [] }, 'nothing to do when it is as omnibot-ts would make it');

  const operators = reconcileStream(existing({ num_replicas: 3, max_age: nanos(30 * DAY), max_bytes: 10 * 1024 ** 3 }), SPEC, SETTINGS);
  t.equal(operators.update, undefined, 'replicas, age and size are never changed');
  t.same(operators.kept, [
    'replicas 3 (OMNIBOT_STREAM_REPLICAS is 1)',
    'max age 30d (OMNIBOT_STREAM_MAX_AGE is 7d)',
    'max bytes 10GiB (OMNIBOT_STREAM_MAX_BYTES is unlimited)',
  ]);
  const lower = reconcileStream(existing({ max_age: nanos(1 * DAY) }), SPEC, { ...SETTINGS, replicas: 3, maxAgeMs: 30 * DAY });
  t.equal(lower.update, undefined, 'nor raised to the configured values');

  const broken = reconcileStream(existing({ subjects: ['test.event.>', 'other.>'], duplicate_window: nanos(2 * MINUTE) }), SPEC, SETTINGS);
  t.same(broken.update, { subjects: ['test.>', 'other.>'], duplicate_window: nanos(10 * MINUTE) }, 'the subject and the window are put right');
  t.equal(broken.corrected.length, 2);
  t.same(broken.kept, []);

  const shortAge = reconcileStream(existing({ duplicate_window: nanos(2 * MINUTE), max_age: nanos(5 * MINUTE) }), SPEC, SETTINGS);
  t.equal(shortAge.update, undefined, 'a window longer than the age is refused by JetStream: left alone');
  t.match(shortAge.kept.join('\n'), /duplicate window 2m, under the 10m .* because max age is 5m/);
  t.same(keptDifferences(existing({ storage: StorageType.Memory }), SETTINGS), ['memory storage (omnibot-ts creates file storage)']);
});

t.test('against a real nats-server: creates, then leaves the operator alone, warning once per start', async (t) => {
  const nats = await startTestNats(t);
  const nc = await connect({ servers: nats.url });
  t.teardown(() => nc.close());
  const jsm = await nc.jetstreamManager();
  const lines: { level: string; message: string }[] = [];
  const log = {
    info: (_: object, message: string) => lines.push({ level: 'info', message }),
    warn: (_: object, message: string) => lines.push({ level: 'warn', message }),
  };
  const configured = { replicas: 1, maxAgeMs: 30 * DAY, maxBytes: 2 * 1024 ** 3 };
  t.equal(await ensureStream(jsm, SPEC, configured, log), 'created');
  let config = (await jsm.streams.info('TEST')).config;
  t.match(config, { num_replicas: 1, max_age: nanos(30 * DAY), max_bytes: 2 * 1024 ** 3, duplicate_window: nanos(10 * MINUTE) });
  t.equal(await ensureStream(jsm, SPEC, configured, log), 'unchanged', 'a second start changes nothing');
  t.equal(lines.filter((line) => line.level === 'warn').length, 0);

  // The operator changes it by hand (as with `nats stream edit`), some of it wrongly for omnibot-ts.
  await jsm.streams.update('TEST', { max_age: nanos(90 * DAY), max_bytes: -1, duplicate_window: nanos(MINUTE), subjects: ['test.event.>'] });
  t.equal(await ensureStream(jsm, SPEC, DEFAULT_STREAM_SETTINGS, log), 'updated');
  config = (await jsm.streams.info('TEST')).config;
  t.match(config, { max_age: nanos(90 * DAY), max_bytes: -1, subjects: ['test.>'], duplicate_window: nanos(10 * MINUTE) }, "the operator's age and size stay");
  const warnings = lines.filter((line) => line.level === 'warn').map((line) => line.message);
  t.equal(warnings.length, 2, 'one warning for what is kept, one for what was put right');
  t.match(warnings[0], /stream TEST keeps its operator's settings .*max age 90d \(OMNIBOT_STREAM_MAX_AGE is 7d\)/);
  t.match(warnings[1], /stream TEST changed where omnibot-ts needs it: subjects \["test\.event\.>"\] now include test\.>; duplicate window 1m raised to 10m/);

  await t.rejects(ensureStream(jsm, { ...SPEC, name: 'WIDE', subject: 'wide.>' }, { ...configured, replicas: 3 }, log), {
    name: 'StreamCreationError',
    message: /^cannot create stream WIDE with OMNIBOT_STREAM_REPLICAS=3, OMNIBOT_STREAM_MAX_AGE=30d, OMNIBOT_STREAM_MAX_BYTES=2GiB: replicas > 1 not supported in non-clustered mode$/,
  }, 'a setting JetStream refuses is named with what it refused');
});

t.test('the app applies the settings to OMNIBOT, OMNIBOT_DLQ and the KV buckets, and keeps an operator\'s', async (t) => {
  const nats = await startTestNats(t);
  // Sizes in MiB: JetStream reserves each stream's max bytes against the server's share of the
  // disk, so gigabytes here would fail on a machine with little free space.
  const env = { OMNIBOT_STREAM_MAX_AGE: '30d', OMNIBOT_STREAM_MAX_BYTES: '64MB', OMNIBOT_STREAM_REPLICAS: '1' };
  const nc = await connect({ servers: nats.url });
  t.teardown(() => nc.close());
  const jsm = await nc.jetstreamManager();
  const first = await buildTestApp(t, { nats, env, roles: { http: true, worker: true } });
  for (const stream of ['OMNIBOT', 'OMNIBOT_DLQ', 'KV_omnibot_directory_users', 'KV_omnibot_directory_channels', 'KV_omnibot_directory_ims']) {
    t.match((await jsm.streams.info(stream)).config, { num_replicas: 1, max_age: nanos(30 * DAY), max_bytes: 64 * 1024 ** 2 }, stream);
  }
  await first.app.close();

  // An operator gives OMNIBOT and a bucket more room; the next start with the defaults must not take it back.
  await jsm.streams.update('OMNIBOT', { max_age: nanos(90 * DAY), max_bytes: 512 * 1024 ** 2 });
  await jsm.streams.update('KV_omnibot_directory_users', { max_bytes: 256 * 1024 ** 2 });
  const second = await buildTestApp(t, { nats, roles: { http: true, worker: true } });
  t.match((await jsm.streams.info('OMNIBOT')).config, { max_age: nanos(90 * DAY), max_bytes: 512 * 1024 ** 2 }, 'OMNIBOT keeps its age and size');
  t.match((await jsm.streams.info('KV_omnibot_directory_users')).config, { max_bytes: 256 * 1024 ** 2 }, 'the bucket keeps its size');
  const logs = second.logs.join('');
  t.match(logs, /stream OMNIBOT keeps its operator's settings where they differ from omnibot-ts's: max age 90d \(OMNIBOT_STREAM_MAX_AGE is 7d\); max bytes 512MiB/);
  t.match(logs, /KV bucket omnibot_directory_users keeps its operator's settings .*max bytes 256MiB/);
  t.match(logs, /stream OMNIBOT_DLQ keeps its operator's settings .*max age 30d \(OMNIBOT_STREAM_MAX_AGE is 7d\)/);
  t.equal(logs.match(/stream OMNIBOT keeps/g)?.length, 1, 'said once');
});
