import { createInbox, Events, nanos, type JsMsg, type Msg, type NatsConnection, type NatsError, type Subscription } from 'nats';
// nats.js's own JetStream message (it parses the ack subject, and acks); not re-exported at the top.
import { JsMsgImpl } from 'nats/lib/jetstream/jsmsg.js';
import { settleWithin } from '../settle-within.js';

/** A delivered message, with the subject its acks go to. */
export type PulledMessage = JsMsg & { readonly reply: string };

/** What nats.js's `ackAck()` would wait (we confirm acks ourselves: src/queue/confirmed-ack.ts). */
const ACK_ACK_TIMEOUT_MS = 5_000;

export interface PullerLogger {
  warn(object: object, message: string): void;
}

export interface PullerOptions {
  readonly stream: string;
  readonly consumer: string;
  /** How many more messages the caller can start on now. */
  readonly capacity: () => number;
  /** Every message JetStream delivers, including any beyond capacity: none is dropped. */
  readonly onMessage: (message: PulledMessage) => void;
  /** A pull request's life on the server. */
  readonly expiresMs?: number;
  /** How often the server says a pull request is alive while it has nothing to send. */
  readonly heartbeatMs?: number;
  readonly logger?: PullerLogger;
}

interface PullRequest {
  /** Its reply subject's last token: statuses about it arrive there. */
  readonly id: string;
  /** Messages it may still bring. */
  remaining: number;
  readonly expiresAt: number;
  /** When the server last showed it alive (a message or a heartbeat). */
  heardAt: number;
}

const DEFAULT_EXPIRES_MS = 5_000;
const DEFAULT_HEARTBEAT_MS = 1_000;
/** Heartbeats missed before a request is taken for lost (its consumer leader died, say). */
const MISSED_HEARTBEATS = 3;
/** After "no responders" (the consumer has no leader now), before asking again. */
const NO_RESPONDERS_BACKOFF_MS = 250;
/** How long close() waits for the server to confirm the unsubscription. */
const CLOSE_WAIT_MS = 1_000;

/**
 * Pulls from a durable JetStream consumer only as many messages as the
 * caller can start now, through one subscription that lives as long as the
 * puller: a message the server sends is always received, whenever it comes.
 *
 * nats.js's `fetch()` subscribes per batch and unsubscribes when its own
 * timer ends the batch, which can be before the server's end of the same
 * request (the server's clock starts when the request reaches it). A
 * message sent in between reaches no one; JetStream counts it delivered, and
 * it waits out the whole ack wait. `consume()` keeps its subscription, but
 * asks for more as messages arrive rather than as they are finished, so
 * messages wait in its buffer with their ack timers running.
 *
 * One pull request is open at a time, for the capacity free when it was
 * sent; the next is sent when it ends: served in full, expired or refused
 * (the server says so on the request's own reply subject), or silent for
 * three heartbeats (its consumer leader died, and a new one knows nothing of
 * it). A message that a request taken for lost delivers after all is still
 * received and handed over: the caller then runs a little over capacity,
 * and nothing is stranded.
 */
export class Puller {
  readonly #nc: NatsConnection;
  readonly #options: PullerOptions;
  readonly #expiresMs: number;
  readonly #heartbeatMs: number;
  readonly #subject: string;
  readonly #inbox: string;
  readonly #subscription: Subscription;
  readonly #timer: NodeJS.Timeout;
  /** The open request, if any. */
  #request: PullRequest | undefined;
  #nextId = 0;
  #stopped = false;
  #disconnected = false;
  #backoffUntil = 0;
  #topUpScheduled = false;

  constructor(nc: NatsConnection, options: PullerOptions) {
    this.#nc = nc;
    this.#options = options;
    this.#expiresMs = Math.max(1_000, options.expiresMs ?? DEFAULT_EXPIRES_MS);
    this.#heartbeatMs = Math.min(options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS, Math.floor(this.#expiresMs / 2));
    this.#subject = `$JS.API.CONSUMER.MSG.NEXT.${options.stream}.${options.consumer}`;
    this.#inbox = `${createInbox()}.`;
    this.#subscription = nc.subscribe(`${this.#inbox}*`, { callback: (error, msg) => this.#onMessage(error, msg) });
    this.#timer = setInterval(() => this.#check(), this.#heartbeatMs);
    this.#timer.unref();
    this.#followConnection().catch(() => {});
    this.topUp();
  }

  /** Asks for as many messages as the caller has room for, unless a request is open. */
  topUp(): void {
    if (this.#topUpScheduled || this.#stopped) return;
    this.#topUpScheduled = true;
    // Coalesced: slots freed in one turn of the event loop make one request.
    queueMicrotask(() => {
      this.#topUpScheduled = false;
      this.#pull();
    });
  }

  /**
   * Asks for nothing more. The subscription stays until `close()`, so that what
   * the open request still brings is received (the caller hands it back).
   */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }

  /**
   * Unsubscribes, after the server has seen everything sent before (drain:
   * what arrives meanwhile is still handed over). A request still open on a
   * consumer leader on another node may send a message on its way across the
   * cluster at that instant; JetStream delivers that one again after the ack wait.
   */
  async close(): Promise<void> {
    this.stop();
    if (this.#subscription.isClosed() || this.#nc.isClosed()) return;
    // Bounded: a drain waits for the server, which may be away.
    if ((await settleWithin(this.#subscription.drain(), CLOSE_WAIT_MS)) === 'timeout' && !this.#subscription.isClosed()) {
      this.#subscription.unsubscribe();
    }
  }

  #pull(): void {
    if (this.#request || this.#stopped || this.#disconnected || this.#nc.isClosed() || Date.now() < this.#backoffUntil) return;
    const wanted = this.#options.capacity();
    if (wanted <= 0) return;
    const id = (this.#nextId++).toString(36);
    const now = Date.now();
    this.#request = { id, remaining: wanted, expiresAt: now + this.#expiresMs, heardAt: now };
    const request = { batch: wanted, expires: nanos(this.#expiresMs), idle_heartbeat: nanos(this.#heartbeatMs) };
    try {
      this.#nc.publish(this.#subject, JSON.stringify(request), { reply: this.#inbox + id });
    } catch (error) {
      this.#request = undefined;
      this.#options.logger?.warn({ err: error }, 'could not ask JetStream for messages; asking again shortly');
    }
  }

  #end(): void {
    this.#request = undefined;
    this.topUp();
  }

  #onMessage(error: NatsError | null, msg: Msg): void {
    if (error) {
      // The subscription was refused (permissions): no message can arrive on it.
      this.#options.logger?.warn({ err: error }, 'the pull subscription failed');
      return;
    }
    const request = this.#request;
    if (msg.reply) {
      // A message (delivered under its own subject; its reply subject is where it is acknowledged).
      // One that a request taken for lost brings late counts against the open one: close enough.
      if (request) {
        request.remaining -= 1;
        request.heardAt = Date.now();
        if (request.remaining <= 0) this.#end();
      }
      this.#options.onMessage(new JsMsgImpl(msg, ACK_ACK_TIMEOUT_MS));
      return;
    }
    // A status, on the reply subject of the request it is about.
    if (!request || msg.subject !== this.#inbox + request.id) return;
    const status = msg.headers?.code;
    if (status === 100) {
      request.heardAt = Date.now();
      return;
    }
    // 404/408: nothing more for it (expired, or no wait); 409: refused or ended by the server;
    // 503: no responders, the consumer has no leader now (an election).
    if (status === 503) {
      this.#backoffUntil = Date.now() + NO_RESPONDERS_BACKOFF_MS;
      setTimeout(() => this.topUp(), NO_RESPONDERS_BACKOFF_MS + 10).unref();
    }
    this.#end();
  }

  /** Gives up on a request that ended without saying so, and asks again. */
  #check(): void {
    const request = this.#request;
    const now = Date.now();
    // A disconnected client hears nothing; the reconnect starts afresh anyway.
    if (request && (now > request.expiresAt + this.#heartbeatMs || (!this.#disconnected && now - request.heardAt > MISSED_HEARTBEATS * this.#heartbeatMs))) {
      this.#end();
    } else {
      this.topUp();
    }
  }

  async #followConnection(): Promise<void> {
    for await (const status of this.#nc.status()) {
      if (this.#stopped && this.#subscription.isClosed()) break;
      if (status.type === Events.Disconnect) {
        this.#disconnected = true;
      } else if (status.type === Events.Reconnect) {
        this.#disconnected = false;
        // The request may have died with the server, or wait on a leader elsewhere:
        // ask afresh (what a survivor still sends is received all the same).
        this.#end();
      }
    }
  }
}
