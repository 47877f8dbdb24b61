import type { NatsConnection } from 'nats';
import { sleep } from '../sleep.js';

const ACK = new TextEncoder().encode('+ACK');

export interface ConfirmedAckOptions {
  /** How long each attempt waits for the server's answer. */
  readonly attemptTimeoutMs?: number;
  /** When to stop trying: by then JetStream has delivered the message again anyway. */
  readonly giveUpAfterMs?: number;
  /** Stops trying (the process is going away). */
  readonly signal?: AbortSignal;
}

const DEFAULT_ATTEMPT_TIMEOUT_MS = 1_000;
const DEFAULT_GIVE_UP_AFTER_MS = 30_000;
const FIRST_RETRY_DELAY_MS = 100;
const MAX_RETRY_DELAY_MS = 1_000;

/**
 * Acknowledges a message and waits until the consumer's leader says it has the
 * ack (nats.js's `ackAck()`), sending the ack again until it does. A plain
 * `ack()` is fire-and-forget: sent to a leader that dies, or while the client
 * reconnects, it is lost, and the new leader delivers the message again after
 * the ack wait, though its handlers have run. The ack subject names the
 * consumer, not a server, so an ack sent again after a failover reaches the
 * new leader; acking twice is harmless.
 *
 * nats.js's `ackAck()` sends once (it marks the message acked first), so the
 * retries are requests on the message's reply subject, as `ackAck()` makes.
 * True when confirmed; false when given up (the connection closed, the signal,
 * or `giveUpAfterMs`), after which the message may be delivered again.
 */
export async function ackConfirmed(nc: NatsConnection, message: { readonly reply: string }, options: ConfirmedAckOptions = {}): Promise<boolean> {
  const attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const giveUpAt = Date.now() + (options.giveUpAfterMs ?? DEFAULT_GIVE_UP_AFTER_MS);
  const signal = options.signal ?? new AbortController().signal;
  let delayMs = FIRST_RETRY_DELAY_MS;
  while (!nc.isClosed() && !signal.aborted) {
    try {
      await nc.request(message.reply, ACK, { timeout: attemptTimeoutMs });
      return true;
    } catch {
      // No answer in time, no responders (no leader now), or disconnected: try again shortly.
    }
    if (Date.now() + delayMs >= giveUpAt) return false;
    await sleep(delayMs, signal);
    delayMs = Math.min(MAX_RETRY_DELAY_MS, delayMs * 2);
  }
  return false;
}
