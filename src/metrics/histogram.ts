/**
 * A fixed-bucket histogram, in the shape Prometheus exports (cumulative
 * buckets, a sum and a count), cheap enough to record on every request.
 */
export class Histogram {
  readonly name: string;
  readonly help: string;
  readonly bounds: readonly number[];
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(name: string, help: string, bounds: readonly number[]) {
    this.name = name;
    this.help = help;
    this.bounds = [...bounds].sort((a, b) => a - b);
    this.#counts = new Array<number>(this.bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    let index = this.bounds.findIndex((bound) => value <= bound);
    if (index === -1) index = this.bounds.length;
    this.#counts[index] = (this.#counts[index] ?? 0) + 1;
    this.#sum += value;
    this.#count += 1;
  }

  snapshot(): { buckets: Array<{ le: number; count: number }>; sum: number; count: number } {
    let running = 0;
    const buckets = [...this.bounds, Number.POSITIVE_INFINITY].map((le, i) => {
      running += this.#counts[i] ?? 0;
      return { le, count: running };
    });
    return { buckets, sum: this.#sum, count: this.#count };
  }
}
