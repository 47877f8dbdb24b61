/**
 * Every webhook the emulator sent, with what became of it: omnibot-ts's HTTP
 * answer, then what the roles reported on `omnibot_trace.>` (stored, received
 * by a worker, each callback and Slack call, problems, done).
 */
import type { NatsConnection, Subscription } from 'nats';
import { TRACE_SUBJECT_PREFIX, type TraceRecord } from '../queue/trace.js';
import type { Workspace } from './workspace.js';

export interface Delivery {
  /** The webhook's Nats-Msg-Id as omnibot-ts computes it (event_id, trigger_id, or the body's hash). */
  readonly id: string;
  readonly type: 'event' | 'slash_command' | 'interactive_component';
  readonly bot: string;
  /** What a person did, in a few words: `message in #general`, `/deploy prod`, `clicked "Approve"`. */
  readonly summary: string;
  readonly payload: unknown;
  readonly sentAt: number;
  http?: { status: number; body: string; ms: number } | { error: string; ms: number };
  readonly steps: TraceRecord[];
}

const KEEP = 200;

export class TraceLog {
  readonly #deliveries = new Map<string, Delivery>();
  readonly #workspace: Workspace;
  #subscription: Subscription | undefined;

  constructor(workspace: Workspace) {
    this.#workspace = workspace;
  }

  started(delivery: Omit<Delivery, 'steps' | 'sentAt'>): Delivery {
    const entry: Delivery = { ...delivery, sentAt: Date.now(), steps: [] };
    this.#deliveries.set(entry.id, entry);
    if (this.#deliveries.size > KEEP) this.#deliveries.delete(this.#deliveries.keys().next().value as string);
    this.#changed(entry.id);
    return entry;
  }

  answered(delivery: Delivery, http: NonNullable<Delivery['http']>): void {
    delivery.http = http;
    this.#changed(delivery.id);
  }

  record(record: TraceRecord): void {
    const delivery = this.#deliveries.get(record.id);
    // Webhooks someone else sent (curl, a real Slack) are not this page's to show.
    if (!delivery) return;
    // JetStream sends the ack to serve and the message to a worker at once, so the worker's
    // "received" can come first; the store happened before it, and is shown so.
    if (record.kind === 'stored' && !delivery.steps.some((step) => step.kind === 'stored')) delivery.steps.unshift(record);
    else delivery.steps.push(record);
    this.#changed(delivery.id);
  }

  /** Newest first. */
  list(): Delivery[] {
    return [...this.#deliveries.values()].reverse();
  }

  get(id: string): Delivery | undefined {
    return this.#deliveries.get(id);
  }

  /** Follows what the roles publish; any process with OMNIBOT_TRACE on the same NATS counts. */
  follow(nc: NatsConnection): void {
    this.#subscription = nc.subscribe(`${TRACE_SUBJECT_PREFIX}.>`, {
      callback: (error, message) => {
        if (error) return;
        try {
          const record = message.json<TraceRecord>();
          if (typeof record?.id === 'string') this.record(record);
        } catch {
          // Not a trace record: someone else's message on our subjects.
        }
      },
    });
  }

  stop(): void {
    this.#subscription?.unsubscribe();
  }

  #changed(id: string): void {
    this.#workspace.emit({ type: 'webhook', id });
  }
}
