import { AckPolicy, DeliverPolicy, nanos, type JsMsg, type NatsConnection } from 'nats';
import { ensureDurableConsumer } from '../queue/durable-consumer.js';
import { Puller, type PulledMessage } from '../queue/puller.js';
import { STREAM_NAME } from '../queue/subjects.js';
import { settleWithin } from '../settle-within.js';

/** The watcher's own durable consumer on stream OMNIBOT: independent of the worker's `omnibot-worker`. */
export const DIRECTORY_CONSUMER = 'omnibot-directory';
const EVENT_SUBJECTS = 'omnibot.event.>';
/** How long stopping waits for the update in flight. */
const STOP_WAIT_MS = 1_000;

export interface EventConsumerLogger {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface EventConsumerOptions {
  /** How long JetStream waits for an ack before delivering a message again (to the next acting watcher). */
  readonly ackWaitMs?: number;
  /** Deliveries of one message before it is given up (the next refresh puts right what it would have). */
  readonly maxDeliver?: number;
  /** Messages asked for at once; they are applied one after the other, in the stream's order. */
  readonly batch?: number;
}

/** Applies one message's event; a throw means "try again later". */
export type EventHandler = (subject: string, data: Uint8Array) => Promise<void>;

/**
 * Reads Slack's events from stream OMNIBOT (subjects `omnibot.event.<team>.<bot>`,
 * every team and bot) with the durable pull consumer `omnibot-directory`, and
 * hands each to `handle`, one at a time in the stream's order, so a rename
 * followed by another rename ends with the last name. Explicit acks: a
 * message is acked once applied, delivered again when it failed, and dropped
 * with an error logged after `maxDeliver` deliveries.
 *
 * Created with deliver policy "new": a first start does not replay a week of
 * old events over what the first refresh will load. From then on the durable
 * consumer remembers where it was, across restarts and across watchers.
 */
export class DirectoryEventConsumer {
  readonly #nc: NatsConnection;
  readonly #handle: EventHandler;
  readonly #logger: EventConsumerLogger;
  readonly #maxDeliver: number;
  readonly #batch: number;
  /** Received, waiting their turn: applied one at a time, in the stream's order. */
  readonly #queue: PulledMessage[] = [];
  #applying = false;
  #wake: (() => void) | undefined;
  #stopping = false;
  #puller: Puller | undefined;
  #loop: Promise<void> | undefined;

  private constructor(nc: NatsConnection, handle: EventHandler, logger: EventConsumerLogger, options: EventConsumerOptions) {
    this.#nc = nc;
    this.#handle = handle;
    this.#logger = logger;
    this.#maxDeliver = options.maxDeliver ?? 5;
    this.#batch = options.batch ?? 100;
  }

  static async start(nc: NatsConnection, handle: EventHandler, logger: EventConsumerLogger, options: EventConsumerOptions = {}): Promise<DirectoryEventConsumer> {
    await ensureDurableConsumer(nc, await nc.jetstreamManager(), {
      durable_name: DIRECTORY_CONSUMER,
      filter_subject: EVENT_SUBJECTS,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      ack_wait: nanos(options.ackWaitMs ?? 30_000),
      // Unlimited on the server: the consumer decides when to give a message up.
      max_deliver: -1,
      max_ack_pending: 1000,
      description: 'omnibot-ts watcher: directory updates from Slack events',
    }, logger);
    const consumer = new DirectoryEventConsumer(nc, handle, logger, options);
    consumer.#loop = consumer.#pull();
    return consumer;
  }

  async #pull(): Promise<void> {
    // One subscription for the consumer's life (src/queue/puller.ts): no message is stranded.
    this.#puller = new Puller(this.#nc, {
      stream: STREAM_NAME,
      consumer: DIRECTORY_CONSUMER,
      capacity: () => this.#batch - this.#queue.length - (this.#applying ? 1 : 0),
      onMessage: (message) => {
        // Stopping: delivered again, to whoever acts next.
        if (this.#stopping) message.nak();
        else this.#queue.push(message);
        this.#wake?.();
      },
      logger: this.#logger,
    });
    while (!this.#stopping) {
      const message = this.#queue.shift();
      if (!message) {
        await new Promise<void>((resolve) => (this.#wake = resolve));
        continue;
      }
      this.#applying = true;
      await this.#apply(message);
      this.#applying = false;
      this.#puller.topUp();
    }
    for (const message of this.#queue.splice(0)) message.nak();
  }

  async #apply(message: JsMsg): Promise<void> {
    const deliveries = message.info.deliveryCount;
    try {
      await this.#handle(message.subject, message.data);
      message.ack();
    } catch (error) {
      const context = { subject: message.subject, seq: message.seq, delivery: deliveries, err: error };
      if (deliveries >= this.#maxDeliver) {
        this.#logger.error(context, 'directory update from an event failed too often; given up (the next refresh covers it)');
        message.term();
        return;
      }
      this.#logger.warn(context, 'directory update from an event failed; it will be delivered again');
      message.nak(Math.min(30_000, 500 * 2 ** (deliveries - 1)));
    }
  }

  /** Stops pulling once the message being applied is done. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#puller?.stop();
    this.#wake?.();
    // Bounded: with NATS gone, an update in flight waits out its timeout; unacked, it is delivered again.
    await settleWithin(this.#loop ?? Promise.resolve(), STOP_WAIT_MS);
    await this.#puller?.close();
  }
}
