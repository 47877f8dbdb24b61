/**
 * What became of each webhook, published on core NATS subjects
 * `omnibot_trace.<kind>` (never stored) for whoever subscribes: `omnibot dev`
 * shows it beside the emulated Slack. Off unless OMNIBOT_TRACE is set.
 */
import type { NatsConnection } from 'nats';
import type { WebhookType } from './envelope.js';
import type { WebhookTrace } from '../worker/trace.js';

export const TRACE_SUBJECT_PREFIX = 'omnibot_trace';

export type TraceKind = 'stored' | 'received' | 'callback' | 'slack' | 'response' | 'problem' | 'done';

/** One trace record: `id` is the webhook's Nats-Msg-Id (Slack's event_id or trigger_id). */
export interface TraceRecord {
  readonly id: string;
  readonly kind: TraceKind;
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly [field: string]: unknown;
}

/** A trace for one delivery of one message: the worker's own steps besides what the handling reports. */
export interface MessageTrace extends WebhookTrace {
  received(type: WebhookType): void;
  done(outcome: { ok: true } | { ok: false; error: string }): void;
}

export class NatsTracer {
  readonly #nc: Pick<NatsConnection, 'publish' | 'isClosed'>;

  constructor(nc: Pick<NatsConnection, 'publish' | 'isClosed'>) {
    this.#nc = nc;
  }

  /** The HTTP role stored a webhook (or found it already stored). */
  stored(id: string, type: WebhookType, ack: { stream: string; seq: number; duplicate: boolean }): void {
    this.#publish({ id, kind: 'stored', at: Date.now(), type, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate });
  }

  forMessage(id: string, seq: number, delivery: number): MessageTrace {
    const started = performance.now();
    const emit = (kind: TraceKind, fields: Record<string, unknown>): void =>
      this.#publish({ ...fields, id, kind, at: Date.now(), seq, delivery });
    return {
      received: (type) => emit('received', { type }),
      callback: (event) => emit('callback', event),
      slackCall: (event) => emit('slack', event),
      response: (event) => emit('response', event),
      problem: (event) => emit('problem', event),
      done: (outcome) => emit('done', { ...outcome, ms: performance.now() - started }),
    };
  }

  #publish(record: TraceRecord): void {
    if (this.#nc.isClosed()) return;
    let json: string;
    try {
      json = JSON.stringify(record);
    } catch {
      // A callback answered with something JSON can't hold (a cycle, a BigInt): say so rather than lose the step.
      json = JSON.stringify({ id: record.id, kind: record.kind, at: record.at, unserializable: true });
    }
    try {
      this.#nc.publish(`${TRACE_SUBJECT_PREFIX}.${record.kind}`, json);
    } catch {
      // Tracing is for watching: it never fails the webhook it describes.
    }
  }
}
