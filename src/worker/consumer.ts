import { AckPolicy, DeliverPolicy, nanos, type JetStreamClient, type JsMsg, type NatsConnection } from 'nats';
import type { StreamSettings, WorkerSettings } from '../config/settings.js';
import { jsonNestingWithin, MAX_JSON_DEPTH } from '../json-depth.js';
import { ENVELOPE_VERSION, HEADERS, WEBHOOK_TYPES, type WebhookType } from '../queue/envelope.js';
import { STREAM_NAME } from '../queue/subjects.js';
import { deadLetter, ensureDeadLetterStream } from './dead-letter.js';

export const CONSUMER_NAME = 'omnibot-worker';

export type WorkerOptions = WorkerSettings & {
  /** Replicas, age and size for OMNIBOT_DLQ when the worker creates it. */
  readonly stream?: StreamSettings;
};

export interface WorkerLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

/** How one delivery of a message ended. */
export type WorkerOutcome = 'processed' | 'retried' | 'dead_lettered' | 'dead_letter_failed' | 'abandoned';

/** Told how each delivery ended and how long it took, for metrics. */
export interface WorkerObserver {
  settled(outcome: WorkerOutcome, type: WebhookType | undefined, delivery: number, seconds: number): void;
}

/** Handles one message; a throw means "try again later". */
export type WebhookHandler = (type: WebhookType, payload: Record<string, unknown>, message: JsMsg) => Promise<void>;

/** A message that no retry can make processable: straight to the dead-letter stream. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}

function isWebhookType(value: string | undefined): value is WebhookType {
  return (WEBHOOK_TYPES as readonly string[]).includes(value ?? '');
}

function decode(message: JsMsg): { type: WebhookType; payload: Record<string, unknown> } {
  const type = message.headers?.get(HEADERS.type);
  const version = message.headers?.get(HEADERS.version);
  if (!isWebhookType(type)) throw new PoisonMessageError(`unknown ${HEADERS.type} "${type ?? ''}"`);
  if (version !== ENVELOPE_VERSION) throw new PoisonMessageError(`unknown ${HEADERS.version} "${version ?? ''}"`);
  let body: unknown;
  const text = new TextDecoder().decode(message.data);
  // Handlers copy and serialise the payload: nested thousands deep, that fails on every delivery.
  if (!jsonNestingWithin(text)) throw new PoisonMessageError(`body is JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    body = JSON.parse(text);
  } catch {
    throw new PoisonMessageError('body is not JSON');
  }
  const event = (body as { event?: unknown } | null)?.event;
  if (event === null || typeof event !== 'object' || Array.isArray(event)) throw new PoisonMessageError('body has no "event" object');
  return { type, payload: event as Record<string, unknown> };
}

/**
 * The durable pull consumer `omnibot-worker` on stream OMNIBOT: explicit acks,
 * at most `concurrency` messages in flight in this process, any number of
 * processes sharing the work. A message is acked after its handler ran,
 * nak'ed with a growing delay when it failed, and moved to OMNIBOT_DLQ after
 * `maxDeliver` deliveries (or at once when no retry could help).
 */
export class WebhookWorker {
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #handler: WebhookHandler;
  readonly #options: WorkerOptions;
  readonly #logger: WorkerLogger;
  readonly #observer: WorkerObserver | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  /** Messages being handled, and how to let go of each if stop() runs out of time. */
  readonly #abandon = new Map<JsMsg, () => void>();
  #stopping = false;
  #loop: Promise<void> | undefined;
  #currentBatch: { stop(): void } | undefined;
  #slotFreed: (() => void) | undefined;

  private constructor(nc: NatsConnection, handler: WebhookHandler, options: WorkerOptions, logger: WorkerLogger, observer?: WorkerObserver) {
    this.#nc = nc;
    this.#js = nc.jetstream();
    this.#handler = handler;
    this.#options = options;
    this.#logger = logger;
    this.#observer = observer;
  }

  /** Creates (or updates) the consumer and the dead-letter stream, then starts pulling. */
  static async start(
    nc: NatsConnection,
    handler: WebhookHandler,
    options: WorkerOptions,
    logger: WorkerLogger,
    observer?: WorkerObserver,
  ): Promise<WebhookWorker> {
    const jsm = await nc.jetstreamManager();
    await ensureDeadLetterStream(jsm, options.stream, logger);
    const config = {
      durable_name: CONSUMER_NAME,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(options.ackWaitMs),
      // Unlimited on the server: this worker decides when to give up, so a message
      // whose last delivery died with its process still reaches the dead-letter stream.
      max_deliver: -1,
      max_ack_pending: Math.max(1000, options.concurrency * 10),
    };
    try {
      const existing = await jsm.consumers.info(STREAM_NAME, CONSUMER_NAME);
      // Only when something changed: nats-server 2.9 forgets the delivery counts of pending
      // messages on an update, and every worker start would otherwise reset them.
      if (existing.config.ack_wait !== config.ack_wait || existing.config.max_ack_pending !== config.max_ack_pending) {
        await jsm.consumers.update(STREAM_NAME, CONSUMER_NAME, { ack_wait: config.ack_wait, max_ack_pending: config.max_ack_pending });
      }
    } catch (error) {
      if (!(error instanceof Error && /consumer not found/i.test(error.message))) throw error;
      await jsm.consumers.add(STREAM_NAME, config);
    }
    const worker = new WebhookWorker(nc, handler, options, logger, observer);
    worker.#loop = worker.#pull();
    return worker;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  async #pull(): Promise<void> {
    const consumer = await this.#js.consumers.get(STREAM_NAME, CONSUMER_NAME);
    // A closed connection never comes back (a live one reconnects by itself): nothing more to pull.
    while (!this.#stopping && !this.#nc.isClosed()) {
      const free = this.#options.concurrency - this.#inFlight.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.#slotFreed = resolve));
        continue;
      }
      try {
        // Only as many as can start now, so no message waits in a buffer while its ack timer runs.
        const batch = await consumer.fetch({ max_messages: free, expires: 1_000 });
        this.#currentBatch = batch;
        for await (const message of batch) this.#track(this.#handle(message));
      } catch (error) {
        if (this.#stopping) break;
        this.#logger.warn({ err: error }, 'pulling from JetStream failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500));
      } finally {
        this.#currentBatch = undefined;
      }
    }
  }

  #track(task: Promise<void>): void {
    this.#inFlight.add(task);
    void task.finally(() => {
      this.#inFlight.delete(task);
      const wake = this.#slotFreed;
      this.#slotFreed = undefined;
      wake?.();
    });
  }

  async #handle(message: JsMsg): Promise<void> {
    const deliveries = message.info.deliveryCount;
    const context = { subject: message.subject, seq: message.seq, delivery: deliveries };
    const started = performance.now();
    let outcome: WorkerOutcome = 'processed';
    let decodedType: WebhookType | undefined;
    // Keeps the message ours while a long handler works.
    const keepAlive = setInterval(() => {
      // A dead connection can't report progress; the message will go to another worker.
      if (this.#nc.isClosed()) clearInterval(keepAlive);
      else message.working();
    }, Math.max(100, Math.floor(this.#options.ackWaitMs / 2)));
    keepAlive.unref();
    let abandoned = false;
    this.#abandon.set(message, () => {
      abandoned = true;
      clearInterval(keepAlive);
      message.nak();
    });
    try {
      if (deliveries > this.#options.maxDeliver) {
        // Its earlier deliveries ended without an answer (a process died with it).
        throw new PoisonMessageError(`delivered ${deliveries} times without being acknowledged`);
      }
      const { type, payload } = decode(message);
      decodedType = type;
      await this.#handler(type, payload, message);
      if (!abandoned) message.ack();
    } catch (error) {
      if (abandoned) return;
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (error instanceof PoisonMessageError || deliveries >= this.#options.maxDeliver) {
        outcome = await this.#deadLetter(message, reason, context);
        return;
      }
      const delay = Math.min(this.#options.retryMaxMs, this.#options.retryBaseMs * 2 ** (deliveries - 1));
      this.#logger.warn({ ...context, err: error, retry_in_ms: delay }, 'message failed; it will be delivered again');
      outcome = 'retried';
      message.nak(delay);
    } finally {
      clearInterval(keepAlive);
      this.#abandon.delete(message);
      this.#observer?.settled(abandoned ? 'abandoned' : outcome, decodedType, deliveries, (performance.now() - started) / 1000);
    }
  }

  async #deadLetter(message: JsMsg, reason: string, context: object): Promise<WorkerOutcome> {
    try {
      const { bodyOmitted } = await deadLetter(this.#js, message, reason);
      message.ack();
      this.#logger.error({ ...context, reason, body_omitted: bodyOmitted }, 'message moved to the dead-letter stream');
      return 'dead_lettered';
    } catch (error) {
      // Not stored in the DLQ: leave it to be delivered again rather than lose it.
      this.#logger.error({ ...context, err: error }, 'could not dead-letter the message; it will be delivered again');
      message.nak(this.#options.retryMaxMs);
      return 'dead_letter_failed';
    }
  }

  /**
   * Stops pulling, lets in-flight messages finish for up to drainTimeoutMs, and
   * leaves the rest unacknowledged, so JetStream delivers them again elsewhere.
   */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#currentBatch?.stop();
    this.#slotFreed?.();
    await this.#loop?.catch(() => undefined);
    const drained = Promise.allSettled([...this.#inFlight]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.#options.drainTimeoutMs)));
    const outcome = await Promise.race([drained.then(() => 'drained' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      // Handed back now rather than after the ack wait, so another worker takes them at once.
      for (const letGo of this.#abandon.values()) letGo();
      this.#logger.warn({ in_flight: this.#abandon.size }, 'stopped with messages in flight; JetStream will deliver them again');
    }
  }
}
