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

interface Pending {
  readonly resolve: (ack: StoredAck) => void;
  readonly reject: (error: JetStreamPublishError) => void;
  readonly deadline: number;
}

interface Outgoing {
  readonly id: string;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: MsgHdrs;
}

/**
 * Stores messages in JetStream and resolves on the stream's ack, like
 * `js.publish`, shaped for many small publishes from concurrent HTTP requests:
 *
 * - Everything published during one turn of the event loop is handed to NATS
 *   at once, in one socket write. nats.js writes once per microtask queue, and
 *   each HTTP request runs in its own task, so `js.publish` costs a write (and
 *   a wake-up of nats-server) per request: the largest single cost of ingest.
 * - One reply subscription and one timer serve every publish in flight; an ack
 *   that arrives costs no Error (nats.js builds one, stack and all, to cancel
 *   every request that succeeded).
 *
 * - While the connection is down, publishing fails at once instead of queueing
 *   in nats.js's reconnect buffer until the timeout, and what was waiting for
 *   an ack fails when the connection drops: that ack can no longer arrive.
 *
 * All publishes share one timeout, so the pending map's insertion order is
 * also deadline order and only its head needs a timer.
 */
export class JetStreamPublisher {
  readonly #nc: NatsConnection;
  readonly #timeoutMs: number;
  readonly #inbox: string;
  readonly #subscription: Subscription;
  readonly #pending = new Map<string, Pending>();
  #outgoing: Outgoing[] = [];
  #flushScheduled = false;
  #timer: NodeJS.Timeout | undefined;
  #nextId = 0;
  #closed = false;
  #disconnected = false;

  constructor(nc: NatsConnection, timeoutMs: number) {
    this.#nc = nc;
    this.#timeoutMs = timeoutMs;
    this.#inbox = `${createInbox()}.`;
    this.#subscription = nc.subscribe(`${this.#inbox}*`, { callback: (error, msg) => this.#onReply(error, msg) });
    void this.#subscription.closed.then(() => this.close());
    // Without status events, publishing still works; it just fails by timeout instead of at once.
    this.#followConnection().catch(() => {});
  }

  /** Resolves once JetStream has stored the message; rejects with a JetStreamPublishError otherwise. */
  publish(subject: string, data: Uint8Array, headers: MsgHdrs): Promise<StoredAck> {
    if (this.#closed) return Promise.reject(new JetStreamPublishError('the NATS connection is closed'));
    if (this.#disconnected) return Promise.reject(new JetStreamPublishError('NATS is disconnected (reconnecting)'));
    return new Promise<StoredAck>((resolve, reject) => {
      const id = (this.#nextId++).toString(36);
      this.#pending.set(id, { resolve, reject, deadline: Date.now() + this.#timeoutMs });
      this.#outgoing.push({ id, subject, data, headers });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
      this.#timer ??= this.#armTimer(this.#timeoutMs);
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
        this.#disconnected = true;
        this.#failAll('the NATS connection dropped before JetStream acknowledged the message');
      } else if (status.type === Events.Reconnect) {
        this.#disconnected = false;
      }
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#outgoing;
    this.#outgoing = [];
    for (const message of batch) {
      if (!this.#pending.has(message.id)) continue;
      try {
        this.#nc.publish(message.subject, message.data, { reply: this.#inbox + message.id, headers: message.headers });
      } catch (error) {
        const tooLarge = (error as NatsError).code === ErrorCode.MaxPayloadExceeded;
        const reason = tooLarge
          ? new MessageTooLargeError(`the message (${message.data.length} bytes) is larger than the NATS server takes (${this.#nc.info?.max_payload ?? '?'} bytes)`)
          : new JetStreamPublishError(`could not publish: ${(error as Error).message}`, { cause: error });
        this.#settle(message.id)?.reject(reason);
      }
    }
  }

  #onReply(error: NatsError | null, msg: Msg): void {
    if (error) {
      // The reply subscription itself failed (a permissions error, say): no ack can arrive.
      this.#failAll(`the JetStream ack subscription failed: ${error.message}`);
      return;
    }
    const waiting = this.#settle(msg.subject.slice(this.#inbox.length));
    if (!waiting) return; // Timed out already: the ack is too late to matter.
    if (msg.headers?.hasError) {
      // 503 "no responders": no stream listens on the subject.
      const status = `${msg.headers.code} ${msg.headers.description}`.trim();
      waiting.reject(new JetStreamPublishError(`no JetStream stream stored the message (${status})`));
      return;
    }
    let answer: { stream?: unknown; seq?: unknown; duplicate?: unknown; error?: { code?: number; description?: string } };
    try {
      answer = msg.json();
    } catch {
      waiting.reject(new JetStreamPublishError('JetStream answered with something other than JSON'));
      return;
    }
    if (answer.error) {
      waiting.reject(new JetStreamPublishError(`JetStream refused the message: ${answer.error.description ?? 'no reason given'} (${answer.error.code ?? '?'})`));
    } else if (typeof answer.stream !== 'string' || answer.stream === '' || typeof answer.seq !== 'number') {
      waiting.reject(new JetStreamPublishError('JetStream answered without a stream and sequence'));
    } else {
      waiting.resolve({ stream: answer.stream, seq: answer.seq, duplicate: answer.duplicate === true });
    }
  }

  #settle(id: string): Pending | undefined {
    const waiting = this.#pending.get(id);
    if (waiting) this.#pending.delete(id);
    return waiting;
  }

  #armTimer(delayMs: number): NodeJS.Timeout {
    // Never holds the process open: the NATS connection does while it matters.
    return setTimeout(() => this.#expire(), Math.max(0, delayMs)).unref();
  }

  #expire(): void {
    this.#timer = undefined;
    const now = Date.now();
    for (const [id, waiting] of this.#pending) {
      if (waiting.deadline > now) {
        this.#timer = this.#armTimer(waiting.deadline - now);
        return;
      }
      this.#pending.delete(id);
      waiting.reject(new JetStreamPublishError(`no ack from JetStream within ${this.#timeoutMs} ms`));
    }
  }

  #failAll(reason: string): void {
    const waiting = [...this.#pending.values()];
    this.#pending.clear();
    this.#outgoing = [];
    for (const pending of waiting) pending.reject(new JetStreamPublishError(reason));
  }
}
