import t from 'tap';
import { formatDuration, formatSize, parseDuration, parseSize } from '../../src/config/units.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

t.test('durations as the nats CLI writes them', async (t) => {
  const cases: [string, number][] = [
    ['30d', 30 * DAY],
    ['720h', 720 * HOUR],
    ['1h30m', 90 * MINUTE],
    ['90m', 90 * MINUTE],
    ['2w', 14 * DAY],
    ['1M', 30 * DAY],
    ['1y', 365 * DAY],
    ['1.5h', 90 * MINUTE],
    ['36H', 36 * HOUR],
    ['7D', 7 * DAY],
    ['250ms', 250],
    ['600', 600_000],
    [' 45s ', 45_000],
    ['unlimited', 0],
    ['0', 0],
    ['-1', 0],
  ];
  for (const [text, ms] of cases) t.equal(parseDuration(text), ms, text);
  for (const text of ['', 'd', '30 days', '1x', '-5m', '1h-30m', 'forever', '1e3']) t.equal(parseDuration(text), undefined, `"${text}" is refused`);
});

t.test('sizes as the nats CLI and nats-server read them: powers of 1024', async (t) => {
  const cases: [string, number][] = [
    ['10GB', 10 * 1024 ** 3],
    ['10G', 10 * 1024 ** 3],
    ['10gib', 10 * 1024 ** 3],
    ['512MiB', 512 * 1024 ** 2],
    ['512mb', 512 * 1024 ** 2],
    ['64K', 64 * 1024],
    ['1TB', 1024 ** 4],
    ['1048576', 1_048_576],
    ['1.5GB', 1.5 * 1024 ** 3],
    ['unlimited', -1],
    ['-1', -1],
    ['0', -1],
  ];
  for (const [text, bytes] of cases) t.equal(parseSize(text), bytes, text);
  for (const text of ['', 'GB', '10 PB', '10XB', '-5GB', 'lots']) t.equal(parseSize(text), undefined, `"${text}" is refused`);
});

t.test('formatted exactly for log lines', async (t) => {
  t.equal(formatDuration(30 * DAY), '30d');
  t.equal(formatDuration(90 * MINUTE), '1h30m');
  t.equal(formatDuration(0), 'unlimited');
  t.equal(formatSize(10 * 1024 ** 3), '10GiB');
  t.equal(formatSize(1000), '1000B');
  t.equal(formatSize(-1), 'unlimited');
});
