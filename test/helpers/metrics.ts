import type { OmnibotMetrics } from '../../src/metrics/omnibot-metrics.js';

/**
 * One sample of an app's metrics, as Prometheus would scrape it: `name` is the
 * sample's own name (`…_count`, `…_bucket`, or the metric's), `labels` must all
 * match. 0 when there is no such sample yet.
 */
export async function sample(metrics: OmnibotMetrics, name: string, labels: Record<string, string | number> = {}): Promise<number> {
  let total = 0;
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    for (const value of metric.values) {
      const sampleName = (value as { metricName?: string }).metricName ?? metric.name;
      if (sampleName !== name) continue;
      const own = value.labels as Record<string, string | number>;
      if (Object.entries(labels).every(([key, wanted]) => String(own[key]) === String(wanted))) total += value.value;
    }
  }
  return total;
}
