import type { Metric, Registry } from 'prom-client';

/**
 * One label set's counts. Recording is a bucket search and three additions:
 * no label object, no hashing, nothing allocated.
 */
export class HistogramChild {
  readonly labels: Readonly<Record<string, string>>;
  readonly #bounds: readonly number[];
  /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last one is above every bound. */
  readonly #counts: Float64Array;
  #sum = 0;
  #count = 0;

  constructor(labels: Readonly<Record<string, string>>, bounds: readonly number[]) {
    this.labels = labels;
    this.#bounds = bounds;
    this.#counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    this.#counts[i] = (this.#counts[i] ?? 0) + 1;
    this.#sum += value;
    this.#count += 1;
  }

  /** Prometheus' samples: cumulative buckets, `+Inf`, the sum and the count. */
  samples(name: string): Array<{ metricName: string; labels: Record<string, string | number>; value: number }> {
    const out: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
    let running = 0;
    this.#bounds.forEach((le, i) => {
      running += this.#counts[i] ?? 0;
      out.push({ metricName: `${name}_bucket`, labels: { ...this.labels, le }, value: running });
    });
    out.push({ metricName: `${name}_bucket`, labels: { ...this.labels, le: '+Inf' }, value: this.#count });
    out.push({ metricName: `${name}_sum`, labels: { ...this.labels }, value: this.#sum });
    out.push({ metricName: `${name}_count`, labels: { ...this.labels }, value: this.#count });
    return out;
  }
}

/**
 * A Prometheus histogram for figures recorded on every webhook, where
 * prom-client's own (which builds, checks and hashes a label object on each
 * observation, about half a microsecond) showed in the ingest benchmark.
 * Callers keep the children they record into; the registry reads them at
 * scrape time through prom-client's metric interface (`get()`), so the
 * exposition is prom-client's.
 */
export class FastHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #labelNames: readonly string[];
  readonly #bounds: readonly number[];
  readonly #children = new Map<string, HistogramChild>();

  constructor(options: { name: string; help: string; labelNames: readonly string[]; buckets: readonly number[]; registers: readonly Registry[] }) {
    this.name = options.name;
    this.help = options.help;
    this.#labelNames = options.labelNames;
    this.#bounds = [...options.buckets].sort((a, b) => a - b);
    // prom-client's registry needs only a name and get(); its type lists its own four classes.
    for (const registry of options.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** The child for these label values (in labelNames' order), made once; keep it to record cheaply. */
  child(...values: string[]): HistogramChild {
    const key = values.join('\u0000');
    let child = this.#children.get(key);
    if (!child) {
      if (values.length !== this.#labelNames.length) throw new RangeError(`${this.name}: expected ${this.#labelNames.length} label values`);
      const labels = Object.fromEntries(this.#labelNames.map((label, i) => [label, values[i] as string]));
      child = new HistogramChild(labels, this.#bounds);
      this.#children.set(key, child);
    }
    return child;
  }

  /** What prom-client's registry reads at scrape time. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: ReturnType<HistogramChild['samples']> }> {
    const values = [...this.#children.values()].flatMap((child) => child.samples(this.name));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** prom-client calls this when a registry is reset. */
  reset(): void {
    this.#children.clear();
  }
}
