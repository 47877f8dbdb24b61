import { AckPolicy, DeliverPolicy, nanos, type JetStreamClient, type JsMsg, type NatsConnection } from 'nats';
import type { StreamSettings, WorkerSettings } from '../config/settings.js';
import { jsonNestingWithin, MAX_JSON_DEPTH } from '../json-depth.js';
import { ackConfirmed } from '../queue/confirmed-ack.js';
import { ensureDurableConsumer } from '../queue/durable-consumer.js';
import { ENVELOPE_VERSION, HEADERS, WEBHOOK_TYPES, type WebhookType } from '../queue/envelope.js';
import { Puller, type PulledMessage } from '../queue/puller.js';
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
  /** Aborts the acks still waiting for the server's confirmation when stop() gives up on them. */
  readonly #stopped = new AbortController();
  #stopping = false;
  #puller: Puller | undefined;

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
      description: 'omnibot-ts worker: runs the handlers',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(options.ackWaitMs),
      // Unlimited on the server: this worker decides when to give up, so a message
      // whose last delivery died with its process still reaches the dead-letter stream.
      max_deliver: -1,
      max_ack_pending: Math.max(1000, options.concurrency * 10),
    };
    await ensureDurableConsumer(nc, jsm, config, logger, ['ack_wait', 'max_ack_pending']);
    const worker = new WebhookWorker(nc, handler, options, logger, observer);
    worker.#puller = new Puller(nc, {
      stream: STREAM_NAME,
      consumer: CONSUMER_NAME,
      capacity: () => worker.#options.concurrency - worker.#inFlight.size,
      onMessage: (message) => worker.#receive(message),
      logger,
    });
    return worker;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  #receive(message: PulledMessage): void {
    // Stopping: handed back at once, so that another worker takes it now.
    if (this.#stopping) message.nak();
    else this.#track(this.#handle(message));
  }

  #track(task: Promise<void>): void {
    this.#inFlight.add(task);
    void task.finally(() => {
      this.#inFlight.delete(task);
      this.#puller?.topUp();
    });
  }

  async #handle(message: PulledMessage): Promise<void> {
    const deliveries = message.info.deliveryCount;
    const context = { subject: message.subject, seq: message.seq, delivery: deliveries };
    const started = performance.now();
    let outcome: WorkerOutcome = 'processed';
    let decodedType: WebhookType | undefined;
    // Keeps the message ours while a long handler works: three reports per ack wait, so one
    // late or lost report (a busy process, a consumer leader changing) does not cost it.
    const keepAlive = setInterval(() => {
      // A dead connection can't report progress; the message will go to another worker.
      if (this.#nc.isClosed()) clearInterval(keepAlive);
      else message.working();
    }, Math.max(100, Math.floor(this.#options.ackWaitMs / 3)));
    keepAlive.unref();
    let abandoned = false;
    let handled = false;
    this.#abandon.set(message, () => {
      abandoned = true;
      clearInterval(keepAlive);
      // Its handlers ran: its ack is on its way, and a nak would run them again.
      if (!handled) message.nak();
    });
    try {
      if (deliveries > this.#options.maxDeliver) {
        // Its earlier deliveries ended without an answer (a process died with it).
        throw new PoisonMessageError(`delivered ${deliveries} times without being acknowledged`);
      }
      const { type, payload } = decode(message);
      decodedType = type;
      await this.#handler(type, payload, message);
      handled = true;
      clearInterval(keepAlive);
      if (!abandoned) await this.#ack(message, context);
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

  /**
   * Acks, and waits until the consumer's leader has it (src/queue/confirmed-ack.ts), so that a
   * leader lost with the ack does not deliver the message again after its handlers ran.
   */
  async #ack(message: PulledMessage, context: object): Promise<void> {
    if (!(await ackConfirmed(this.#nc, message, { signal: this.#stopped.signal }))) {
      this.#logger.warn(context, 'JetStream did not confirm the ack; the message may be delivered again');
    }
  }

  async #deadLetter(message: PulledMessage, reason: string, context: object): Promise<WorkerOutcome> {
    try {
      const { bodyOmitted } = await deadLetter(this.#js, message, reason);
      await this.#ack(message, context);
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
    // Asks for nothing more; what earlier requests still bring is handed back at once (#receive).
    this.#puller?.stop();
    const drained = Promise.allSettled([...this.#inFlight]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.#options.drainTimeoutMs)));
    const outcome = await Promise.race([drained.then(() => 'drained' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      // Handed back now rather than after the ack wait, so another worker takes them at once.
      for (const letGo of this.#abandon.values()) letGo();
      this.#stopped.abort();
      this.#logger.warn({ in_flight: this.#abandon.size }, 'stopped with messages in flight; JetStream will deliver them again');
    }
    await this.#puller?.close();
  }
}
