/**
 * Durations and sizes as an operator of the `nats` CLI writes them: `30d`, `720h`, `1h30m`,
 * `10GB`, `512MiB`, plain numbers (seconds, bytes), and `unlimited`.
 */

const SECOND = 1000;
const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: SECOND,
  m: 60 * SECOND,
  h: 60 * 60 * SECOND,
  d: 24 * 60 * 60 * SECOND,
  w: 7 * 24 * 60 * 60 * SECOND,
  // The nats CLI's month and year: 30 and 365 days.
  M: 30 * 24 * 60 * 60 * SECOND,
  y: 365 * 24 * 60 * 60 * SECOND,
};

// Case matters only between M (month) and m (minute), as in the nats CLI.
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|[smhdwMyHDWSY])/y;
const UNLIMITED = new Set(['unlimited', '-1', '0']);

/**
 * Milliseconds, 0 for no limit (JetStream's own "0 = unlimited"), or undefined when
 * the text is not a duration. Units combine as in Go (`1h30m`); a plain number is seconds.
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim();
  if (UNLIMITED.has(value.toLowerCase())) return 0;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * SECOND);
  let total = 0;
  let index = 0;
  while (index < value.length) {
    DURATION_PART.lastIndex = index;
    const part = DURATION_PART.exec(value);
    if (!part?.[1] || !part[2]) return undefined;
    const unit = part[2] === 'M' ? 'M' : part[2].toLowerCase();
    total += Number(part[1]) * (DURATION_UNITS[unit] ?? Number.NaN);
    index = DURATION_PART.lastIndex;
  }
  return index > 0 && Number.isFinite(total) ? Math.round(total) : undefined;
}

// As the nats CLI and nats-server read sizes: every multiple is a power of 1024, KB as KiB.
const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** Bytes, -1 for no limit (JetStream's own "-1 = unlimited"), or undefined when the text is not a size. */
export function parseSize(text: string): number | undefined {
  const value = text.trim();
  if (UNLIMITED.has(value.toLowerCase())) return -1;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value);
  if (!match?.[1]) return undefined;
  const unit = SIZE_UNITS[(match[2] ?? '').toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.floor(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** `30d`, `12h`, `1h30m`, `45s`: the shortest exact way to write a duration, for log lines. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return 'unlimited';
  const parts: string[] = [];
  let rest = ms;
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = DURATION_UNITS[unit] as number;
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  return parts.join('');
}

/** `10GiB`, `512MiB`, `1234B`: exact, for log lines. */
export function formatSize(bytes: number): string {
  if (bytes < 0) return 'unlimited';
  for (const [unit, size] of [
    ['TiB', 1024 ** 4],
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}
