/**
 * Every figure /metrics exports, on a registry of its own (one per app, so
 * that several apps in one process never share or collide), with the
 * observers that the framework-free modules are handed. Names follow
 * Prometheus' guide: `omnibot_` prefix, base units (`_seconds`), `_total` for
 * counters. Every label's values come from a bounded set: route templates,
 * known Slack method names, configured handlers, fixed outcomes.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DirectoryObserver } from '../directory/directory.js';
import type { DirectoryKind } from '../directory/store.js';
import type { PacerObserver, SlackRateClass } from '../slack/pacer.js';
import { SLACK_METHOD_TIERS } from '../slack/rate-tiers.js';
import type { SlackClientObserver } from '../slack/web-api.js';
import type { WebhookType } from '../queue/envelope.js';
import type { WorkerObserver, WorkerOutcome } from '../worker/consumer.js';
import type { CallbackOutcome, HandlerRef, ProcessorObserver } from '../worker/dispatch.js';
import type { QueueLag } from '../worker/lag.js';
import { FastHistogram, type HistogramChild } from './fast-histogram.js';

/** Fast answers (HTTP, publish acks, Slack calls): 1 ms to 10 s. */
const FAST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Work that may wait on other services (handlers, callbacks, the worker, pacing): 5 ms to 5 min. */
const SLOW_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** Slack's delivery latency: Slack retries after about 1 min and 5 min. */
const DELIVERY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 60, 300];

/** Label values longer than this are cut: a handler's regex is configuration, but a label is no place for a page of it. */
const MAX_LABEL_LENGTH = 100;
const KNOWN_METHODS: ReadonlySet<string> = new Set(Object.keys(SLACK_METHOD_TIERS));
/** Slack's error codes are short snake_case words; anything else is not one. */
const SLACK_ERROR_SHAPE = /^[a-z][a-z0-9_]{0,63}$/;

/** A Slack method as a label: its name when it is one Slack documents (and the tier table lists), else `other`. */
export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'other';
}

function cut(value: string): string {
  return value.length > MAX_LABEL_LENGTH ? `${value.slice(0, MAX_LABEL_LENGTH - 1)}…` : value;
}

function rateClassLabel(rateClass: SlackRateClass): string {
  return rateClass === 'post' ? 'post' : `tier${rateClass}`;
}

/** A source of a summed gauge; adding one returns how to remove it. */
type AddSource = (source: () => number) => () => void;

/** A gauge that reports, at each scrape, the sum of what its sources say (one per pacer, say). */
function summedGauge(name: string, help: string, registers: Registry[]): AddSource {
  const sources = new Set<() => number>();
  new Gauge({
    name,
    help,
    registers,
    collect() {
      let sum = 0;
      for (const source of sources) sum += source();
      this.set(sum);
    },
  });
  return (source) => {
    sources.add(source);
    return () => sources.delete(source);
  };
}

/** Why a webhook was refused, as a label: the routes' own answers. */
export type WebhookRefusal =
  | 'unverified'
  | 'invalid_signature'
  | 'unknown_team'
  | 'unknown_app'
  | 'malformed'
  | 'too_large'
  | 'queue_unavailable';

export interface OmnibotMetricsOptions {
  /** The package's version, exported as `omnibot_build_info`. */
  readonly version: string;
}

export class OmnibotMetrics {
  readonly registry = new Registry();
  // Recorded on every webhook: FastHistogram children, found without building a label object.
  readonly #httpDuration: FastHistogram;
  /** route → method → status → child */
  readonly #httpChildren = new Map<string, Map<string, Map<number, HistogramChild>>>();
  readonly #webhooksStored: Counter<'type'>;
  readonly #webhooksDuplicate: Counter<'type'>;
  readonly #webhooksRefused: Counter<'type' | 'reason'>;
  readonly #publishDuration: Record<'stored' | 'duplicate' | 'failed' | 'too_large', HistogramChild>;
  readonly #deliveryLatency: { readonly first: HistogramChild; readonly retry: HistogramChild };
  /** Where the queue gauges read from, once the queue plugin has said. */
  #queueLag: (() => Promise<QueueLag | undefined>) | undefined;
  #queueRead: Promise<QueueLag | undefined> | undefined;
  readonly #addPacer: AddSource;
  readonly #addWorker: AddSource;

  readonly slack: SlackClientObserver;
  readonly pacer: PacerObserver;
  readonly worker: WorkerObserver;
  readonly processor: ProcessorObserver;
  readonly directory: DirectoryObserver;

  constructor(options: OmnibotMetricsOptions) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({ name: 'omnibot_build_info', help: 'Always 1; the version of omnibot-ts that runs.', labelNames: ['version'], registers }).set(
      { version: options.version },
      1,
    );

    // ---- HTTP and webhooks
    this.#httpDuration = new FastHistogram({
      name: 'omnibot_http_request_duration_seconds',
      help: 'HTTP requests answered, by route template and status, and how long each took.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: FAST_BUCKETS,
      registers,
    });
    this.#webhooksStored = new Counter({ name: 'omnibot_webhooks_stored_total', help: 'Webhooks stored in stream OMNIBOT.', labelNames: ['type'], registers });
    this.#webhooksDuplicate = new Counter({
      name: 'omnibot_webhooks_duplicate_total',
      help: 'Webhooks JetStream already had (Slack\'s retries of a stored one): answered 200, not stored again.',
      labelNames: ['type'],
      registers,
    });
    this.#webhooksRefused = new Counter({
      name: 'omnibot_webhooks_refused_total',
      help: 'Webhooks answered with an error, by reason.',
      labelNames: ['type', 'reason'],
      registers,
    });
    const publish = new FastHistogram({
      name: 'omnibot_webhook_publish_duration_seconds',
      help: 'From publishing a webhook to JetStream\'s ack (or the failure), by outcome.',
      labelNames: ['outcome'],
      buckets: FAST_BUCKETS,
      registers,
    });
    this.#publishDuration = {
      stored: publish.child('stored'),
      duplicate: publish.child('duplicate'),
      failed: publish.child('failed'),
      too_large: publish.child('too_large'),
    };
    const delivery = new FastHistogram({
      name: 'omnibot_slack_event_delivery_latency_seconds',
      help: 'Events accepted: now minus the event\'s event_ts, by whether Slack was retrying.',
      labelNames: ['retry'],
      buckets: DELIVERY_BUCKETS,
      registers,
    });
    this.#deliveryLatency = { first: delivery.child('false'), retry: delivery.child('true') };

    // ---- the Slack Web API and the pacer
    const slackCalls = new Counter({
      name: 'omnibot_slack_api_calls_total',
      help: 'Slack Web API calls by method and outcome (ok, slack_error, or why the call failed).',
      labelNames: ['method', 'outcome'],
      registers,
    });
    const slackDuration = new Histogram({
      name: 'omnibot_slack_api_call_duration_seconds',
      help: 'Slack Web API calls, retries included.',
      labelNames: ['method'],
      buckets: SLOW_BUCKETS,
      registers,
    });
    const slackErrors = new Counter({
      name: 'omnibot_slack_api_errors_total',
      help: 'Slack\'s ok:false answers, by method and Slack\'s error code.',
      labelNames: ['method', 'error'],
      registers,
    });
    const rateLimited = new Counter({
      name: 'omnibot_slack_api_rate_limited_total',
      help: 'HTTP 429 answers from Slack (each attempt).',
      labelNames: ['method'],
      registers,
    });
    this.slack = {
      called(method, outcome, seconds, error) {
        const label = methodLabel(method);
        slackCalls.inc({ method: label, outcome });
        slackDuration.observe({ method: label }, seconds);
        if (outcome === 'slack_error') slackErrors.inc({ method: label, error: error && SLACK_ERROR_SHAPE.test(error) ? error : 'other' });
      },
      rateLimited(method) {
        rateLimited.inc({ method: methodLabel(method) });
      },
    };
    const pacerWait = new Histogram({
      name: 'omnibot_slack_pacer_wait_seconds',
      help: 'How long the worker\'s Slack calls waited for their turn, by rate class (post: per channel; tierN: per method).',
      labelNames: ['rate_class'],
      buckets: SLOW_BUCKETS,
      registers,
    });
    const pacerHolds = new Counter({
      name: 'omnibot_slack_pacer_holds_total',
      help: 'Times the pacer held a queue after Slack refused a call for its rate.',
      labelNames: ['method'],
      registers,
    });
    this.#addPacer = summedGauge('omnibot_slack_pacer_queued_calls', 'Slack calls waiting for their turn in the worker\'s pacer.', registers);
    this.pacer = {
      waited(rateClass, seconds) {
        pacerWait.observe({ rate_class: rateClassLabel(rateClass) }, seconds);
      },
      held(method) {
        pacerHolds.inc({ method: methodLabel(method) });
      },
    };

    // ---- the worker
    const messages = new Counter({
      name: 'omnibot_worker_messages_total',
      help: 'Deliveries the worker finished, by type and outcome (processed, retried, dead_lettered, dead_letter_failed, abandoned).',
      labelNames: ['type', 'outcome'],
      registers,
    });
    const messageDuration = new Histogram({
      name: 'omnibot_worker_message_duration_seconds',
      help: 'How long the worker spent on a delivery, whatever its outcome.',
      labelNames: ['type'],
      buckets: SLOW_BUCKETS,
      registers,
    });
    const redeliveries = new Counter({
      name: 'omnibot_worker_redeliveries_total',
      help: 'Deliveries that were not a message\'s first (a failure, a timeout, or a worker that stopped).',
      labelNames: ['type'],
      registers,
    });
    this.#addWorker = summedGauge('omnibot_worker_messages_in_flight', 'Messages this process is handling now.', registers);
    this.worker = {
      settled(outcome: WorkerOutcome, type: WebhookType | undefined, delivery: number, seconds: number) {
        const typeLabel = type ?? 'unknown';
        messages.inc({ type: typeLabel, outcome });
        messageDuration.observe({ type: typeLabel }, seconds);
        if (delivery > 1) redeliveries.inc({ type: typeLabel });
      },
    };
    const handlerDuration = new Histogram({
      name: 'omnibot_handler_duration_seconds',
      help: 'A matched handler\'s work (its callbacks, responses and actions), by kind and handler (its match, command or callback_id).',
      labelNames: ['kind', 'handler'],
      buckets: SLOW_BUCKETS,
      registers,
    });
    const callbackDuration = new Histogram({
      name: 'omnibot_callback_duration_seconds',
      help: 'Callbacks, by handler, module and outcome (ok, skipped: misconfigured or unusable, failed: thrown and retried).',
      labelNames: ['kind', 'handler', 'module', 'outcome'],
      buckets: SLOW_BUCKETS,
      registers,
    });
    this.processor = {
      callbackDone(handler: HandlerRef, module: string, outcome: CallbackOutcome, seconds: number) {
        callbackDuration.observe({ kind: handler.kind, handler: cut(handler.name), module: cut(module), outcome }, seconds);
      },
      handlerDone(handler: HandlerRef, seconds: number) {
        handlerDuration.observe({ kind: handler.kind, handler: cut(handler.name) }, seconds);
      },
    };

    // ---- the queue, as NATS sees it (read at each scrape)
    const queueGauge = (name: string, help: string, read: (lag: QueueLag) => number | undefined): void => {
      const readLag = (): Promise<QueueLag | undefined> => this.#readQueueLag();
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          const lag = await readLag();
          const value = lag === undefined ? undefined : read(lag);
          if (value === undefined) this.reset();
          else this.set(value);
        },
      });
    };
    queueGauge('omnibot_queue_pending_messages', 'Webhooks stored in OMNIBOT and not yet delivered to a worker.', (lag) => lag.pending);
    queueGauge('omnibot_queue_ack_pending_messages', 'Webhooks delivered to a worker and not yet acknowledged.', (lag) => lag.ackPending);
    queueGauge('omnibot_queue_redelivered_messages', 'Unacknowledged webhooks that were delivered more than once.', (lag) => lag.redelivered);
    queueGauge(
      'omnibot_queue_oldest_unacked_age_seconds',
      'Age of the oldest webhook not yet acknowledged by a worker (queue lag); 0 when none waits.',
      (lag) => lag.oldestUnackedAgeSeconds,
    );
    queueGauge('omnibot_queue_dead_letter_messages', 'Messages in stream OMNIBOT_DLQ.', (lag) => lag.deadLetters);

    // ---- the directory
    const directoryReads = new Counter({
      name: 'omnibot_directory_reads_total',
      help: 'Directory reads by kind and where they were answered (memory, store: JetStream KV, miss: neither).',
      labelNames: ['kind', 'result'],
      registers,
    });
    const refreshes = new Counter({
      name: 'omnibot_directory_refreshes_total',
      help: 'Whole-list refreshes by kind and outcome (refreshed, joined, skipped, failed).',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    const refreshDuration = new Histogram({
      name: 'omnibot_directory_refresh_duration_seconds',
      help: 'Whole-list refreshes that this process loaded (refreshed or failed).',
      labelNames: ['kind'],
      buckets: SLOW_BUCKETS,
      registers,
    });
    this.directory = {
      read(kind: DirectoryKind, result) {
        directoryReads.inc({ kind, result });
      },
      refreshed(kind: DirectoryKind, outcome, seconds) {
        refreshes.inc({ kind, outcome });
        if (outcome === 'refreshed' || outcome === 'failed') refreshDuration.observe({ kind }, seconds);
      },
    };
  }

  /** One HTTP answer; `route` is the route's template (undefined: no route matched). */
  http(method: string, route: string | undefined, statusCode: number, seconds: number): void {
    const template = route ?? 'unmatched';
    let byMethod = this.#httpChildren.get(template);
    if (!byMethod) this.#httpChildren.set(template, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let child = byStatus.get(statusCode);
    if (!child) byStatus.set(statusCode, (child = this.#httpDuration.child(method, template, String(statusCode))));
    child.observe(seconds);
  }

  webhookStored(type: WebhookType, duplicate: boolean): void {
    (duplicate ? this.#webhooksDuplicate : this.#webhooksStored).inc({ type });
  }

  webhookRefused(type: WebhookType, reason: WebhookRefusal): void {
    this.#webhooksRefused.inc({ type, reason });
  }

  publishDone(outcome: 'stored' | 'duplicate' | 'failed' | 'too_large', seconds: number): void {
    this.#publishDuration[outcome].observe(seconds);
  }

  eventDelivered(seconds: number, retry: boolean): void {
    (retry ? this.#deliveryLatency.retry : this.#deliveryLatency.first).observe(seconds);
  }

  /** Where the queue gauges read the consumer's backlog from. */
  watchQueue(read: () => Promise<QueueLag | undefined>): void {
    this.#queueLag = read;
  }

  /** A pacer whose waiting calls count in omnibot_slack_pacer_queued_calls; returns how to stop counting it. */
  watchPacer(pending: () => number): () => void {
    return this.#addPacer(pending);
  }

  /** A worker whose messages in flight count in omnibot_worker_messages_in_flight; returns how to stop counting it. */
  watchWorker(inFlight: () => number): () => void {
    return this.#addWorker(inFlight);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * One NATS read per scrape for all the queue gauges (a scrape asks each
   * gauge at once, so they share the read in flight); a failed read leaves
   * them empty rather than failing the scrape.
   */
  #readQueueLag(): Promise<QueueLag | undefined> {
    const read = this.#queueLag;
    if (!read) return Promise.resolve(undefined);
    this.#queueRead ??= read()
      .catch(() => undefined)
      .finally(() => {
        this.#queueRead = undefined;
      });
    return this.#queueRead;
  }
}
