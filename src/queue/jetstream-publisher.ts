import { createInbox, ErrorCode, Events, type Msg, type MsgHdrs, type NatsConnection, type NatsError, type Subscription } from 'nats';

/** What JetStream answers when it has stored a message. */
export interface StoredAck {
  readonly stream: string;
  readonly seq: number;
  /** True when the stream already held this `Nats-Msg-Id` within its duplicate window. */
  readonly duplicate: boolean;
}

export class JetStreamPublishError extends Error {
  override readonly name: string = 'JetStreamPublishError';
}

/** Larger than the NATS server takes (its `max_payload`): publishing it again cannot help. */
export class MessageTooLargeError extends JetStreamPublishError {
  override readonly name = 'MessageTooLargeError';
}

export interface PublisherTiming {
  /** A publish sent and not answered within this is sent again (same `Nats-Msg-Id`, so stored once). */
  readonly attemptTimeoutMs?: number;
  /** After "no responders" (the stream has no leader now), the first wait before sending again; it doubles. */
  readonly retryDelayMs?: number;
  /** How often deadlines and resends are looked at while anything waits. */
  readonly tickMs?: number;
}

interface Outgoing {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: MsgHdrs;
}

interface Pending {
  readonly message: Outgoing;
  readonly resolve: (ack: StoredAck) => void;
  readonly reject: (error: JetStreamPublishError) => void;
  readonly deadline: number;
  readonly timeoutMs: number;
  /** When to send it (again), unless answered first. */
  sendAt: number;
  /** The wait before the next send after "no responders". */
  retryDelayMs: number;
  attempts: number;
  /** Why the last attempt failed, for the error at the deadline. */
  lastFailure: string | undefined;
}

const DEFAULT_ATTEMPT_TIMEOUT_MS = 1_000;
// Sends at 0, 0.1, 0.3, 0.7 and 1.5 s within a webhook's 2 s. An election takes seconds, and every
// webhook waiting meanwhile is sent again, so more would mostly add load to a cluster that is busy
// electing; a leader back is found within a second.
const DEFAULT_RETRY_DELAY_MS = 100;
const MAX_RETRY_DELAY_MS = 1_000;
const DEFAULT_TICK_MS = 25;

/**
 * Stores messages in JetStream and resolves on the stream's ack, like
 * `js.publish`, shaped for many small publishes from concurrent HTTP requests
 * and for a NATS cluster that loses a node:
 *
 * - Everything published during one turn of the event loop is handed to NATS
 *   at once, in one socket write. nats.js writes once per microtask queue, and
 *   each HTTP request runs in its own task, so `js.publish` costs a write (and
 *   a wake-up of nats-server) per request: the largest single cost of ingest.
 * - One reply subscription serves every publish in flight; an ack that arrives
 *   costs no Error (nats.js builds one, stack and all, to cancel every request
 *   that succeeded).
 * - A publish is tried until its deadline, not once. "No responders" (the
 *   stream has no leader: an election after a node died), no answer within
 *   an attempt's time, a JetStream refusal with status 503 (unavailable for
 *   now) or a dropped connection all send it again: at once after a
 *   reconnect (to another server of the cluster), after a short, doubling
 *   wait otherwise. Every attempt carries the same `Nats-Msg-Id`, so the
 *   stream stores it once whichever attempt reached it, and any attempt's ack
 *   resolves it. Only at the deadline does it fail.
 * - While the connection is down nothing is handed to nats.js (whose reconnect
 *   buffer would send everything late, expired or not); what waits is sent on
 *   reconnect if its deadline has not passed.
 */
export class JetStreamPublisher {
  readonly #nc: NatsConnection;
  readonly #timeoutMs: number;
  readonly #attemptTimeoutMs: number;
  readonly #retryDelayMs: number;
  readonly #tickMs: number;
  readonly #inbox: string;
  readonly #subscription: Subscription;
  readonly #pending = new Map<string, Pending>();
  #outgoing: string[] = [];
  #flushScheduled = false;
  #timer: NodeJS.Timeout | undefined;
  #nextId = 0;
  #closed = false;
  #disconnected = false;

  constructor(nc: NatsConnection, timeoutMs: number, timing: PublisherTiming = {}) {
    this.#nc = nc;
    this.#timeoutMs = timeoutMs;
    this.#attemptTimeoutMs = timing.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
    this.#retryDelayMs = timing.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    this.#tickMs = timing.tickMs ?? DEFAULT_TICK_MS;
    this.#inbox = `${createInbox()}.`;
    this.#subscription = nc.subscribe(`${this.#inbox}*`, { callback: (error, msg) => this.#onReply(error, msg) });
    void this.#subscription.closed.then(() => this.close());
    // Without status events, publishing still works; a drop is just noticed by the attempt's timeout.
    this.#followConnection().catch(() => {});
  }

  /**
   * Resolves once JetStream has stored the message; rejects with a
   * JetStreamPublishError when it has not within `timeoutMs` (the
   * publisher's own by default), or at once when trying again cannot help.
   */
  publish(subject: string, data: Uint8Array, headers: MsgHdrs, timeoutMs = this.#timeoutMs): Promise<StoredAck> {
    if (this.#closed) return Promise.reject(new JetStreamPublishError('the NATS connection is closed'));
    return new Promise<StoredAck>((resolve, reject) => {
      const id = (this.#nextId++).toString(36);
      const now = Date.now();
      this.#pending.set(id, {
        message: { subject, data, headers },
        resolve,
        reject,
        deadline: now + timeoutMs,
        timeoutMs,
        sendAt: now,
        retryDelayMs: this.#retryDelayMs,
        attempts: 0,
        lastFailure: this.#disconnected ? 'NATS was disconnected (reconnecting)' : undefined,
      });
      if (!this.#disconnected) this.#queue(id);
      this.#timer ??= this.#armTimer();
    });
  }

  /** Fails whatever is still waiting for an ack, and every later publish. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    if (!this.#subscription.isClosed()) this.#subscription.unsubscribe();
    this.#failAll('the NATS connection closed before JetStream acknowledged the message');
  }

  async #followConnection(): Promise<void> {
    // Ends when the connection closes, or at the first event after close().
    for await (const status of this.#nc.status()) {
      if (this.#closed) break;
      if (status.type === Events.Disconnect) {
        // What was sent may or may not have been stored: it is sent again after the reconnect.
        this.#disconnected = true;
        for (const pending of this.#pending.values()) pending.lastFailure = 'the NATS connection dropped before JetStream acknowledged the message';
      } else if (status.type === Events.Reconnect) {
        this.#disconnected = false;
        const now = Date.now();
        for (const [id, pending] of this.#pending) {
          pending.sendAt = now;
          this.#queue(id);
        }
      }
    }
  }

  #queue(id: string): void {
    this.#outgoing.push(id);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#outgoing;
    this.#outgoing = [];
    if (this.#disconnected) return; // Sent on reconnect.
    const now = Date.now();
    for (const id of batch) {
      const pending = this.#pending.get(id);
      // Answered meanwhile, or queued twice (a reconnect and a resend): sent once.
      if (!pending || pending.sendAt > now) continue;
      pending.sendAt = now + this.#attemptTimeoutMs;
      pending.attempts += 1;
      try {
        this.#nc.publish(pending.message.subject, pending.message.data, { reply: this.#inbox + id, headers: pending.message.headers });
      } catch (error) {
        const tooLarge = (error as NatsError).code === ErrorCode.MaxPayloadExceeded;
        if (tooLarge) {
          const size = pending.message.data.length;
          this.#settle(id)?.reject(
            new MessageTooLargeError(`the message (${size} bytes) is larger than the NATS server takes (${this.#nc.info?.max_payload ?? '?'} bytes)`),
          );
        } else {
          pending.lastFailure = `could not publish: ${(error as Error).message}`;
        }
      }
    }
  }

  #onReply(error: NatsError | null, msg: Msg): void {
    if (error) {
      // The reply subscription itself failed (a permissions error, say): no ack can arrive.
      this.#failAll(`the JetStream ack subscription failed: ${error.message}`);
      return;
    }
    const id = msg.subject.slice(this.#inbox.length);
    const pending = this.#pending.get(id);
    if (!pending) return; // Answered by another attempt, or past its deadline: too late to matter.
    if (msg.headers?.hasError) {
      // 503 "no responders": no stream takes the subject now. In a cluster that is a stream
      // whose leader died and whose replicas are electing another: try again shortly.
      this.#retryLater(pending, `no JetStream stream stored the message (${`${msg.headers.code} ${msg.headers.description}`.trim()})`);
      return;
    }
    let answer: { stream?: unknown; seq?: unknown; duplicate?: unknown; error?: { code?: number; description?: string } };
    try {
      answer = msg.json();
    } catch {
      this.#settle(id)?.reject(new JetStreamPublishError('JetStream answered with something other than JSON'));
      return;
    }
    if (answer.error) {
      const refusal = `JetStream refused the message: ${answer.error.description ?? 'no reason given'} (${answer.error.code ?? '?'})`;
      // 503 is JetStream's "unavailable for now"; anything else will be refused again.
      if (answer.error.code === 503) this.#retryLater(pending, refusal);
      else this.#settle(id)?.reject(new JetStreamPublishError(refusal));
    } else if (typeof answer.stream !== 'string' || answer.stream === '' || typeof answer.seq !== 'number') {
      this.#settle(id)?.reject(new JetStreamPublishError('JetStream answered without a stream and sequence'));
    } else {
      this.#settle(id)?.resolve({ stream: answer.stream, seq: answer.seq, duplicate: answer.duplicate === true });
    }
  }

  #failAll(reason: string): void {
    const waiting = [...this.#pending.values()];
    this.#pending.clear();
    this.#outgoing = [];
    for (const pending of waiting) pending.reject(new JetStreamPublishError(reason));
  }

  #retryLater(pending: Pending, reason: string): void {
    pending.lastFailure = reason;
    pending.sendAt = Date.now() + pending.retryDelayMs;
    pending.retryDelayMs = Math.min(MAX_RETRY_DELAY_MS, pending.retryDelayMs * 2);
  }

  #settle(id: string): Pending | undefined {
    const pending = this.#pending.get(id);
    if (pending) this.#pending.delete(id);
    // The timer stays: its next tick finds nothing and stops, cheaper than clearing and arming
    // it again for each webhook when one at a time is in flight.
    return pending;
  }

  #armTimer(): NodeJS.Timeout {
    // Never holds the process open: the NATS connection does while it matters.
    return setTimeout(() => this.#tick(), this.#tickMs).unref();
  }

  /** Fails what is past its deadline; sends again what is due, unless the connection is down. */
  #tick(): void {
    this.#timer = undefined;
    const now = Date.now();
    for (const [id, pending] of this.#pending) {
      if (pending.deadline <= now) {
        this.#pending.delete(id);
        const why = pending.lastFailure ? `; last: ${pending.lastFailure}` : '';
        pending.reject(new JetStreamPublishError(`no ack from JetStream within ${pending.timeoutMs} ms (${pending.attempts} attempts${why})`));
      } else if (!this.#disconnected && pending.sendAt <= now) {
        if (pending.attempts > 0 && pending.lastFailure === undefined) pending.lastFailure = `no answer within ${this.#attemptTimeoutMs} ms`;
        this.#queue(id);
      }
    }
    if (this.#pending.size > 0 && !this.#closed) this.#timer = this.#armTimer();
  }
}
