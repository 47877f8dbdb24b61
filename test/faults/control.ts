import { connect, nanos, type JetStreamClient, type NatsConnection } from 'nats';

export const CONTROL_STREAM = 'FAULT_CONTROL';

export interface ControlPublish {
  readonly sentAt: number;
  readonly doneAt: number;
  readonly ok: boolean;
  readonly error?: string;
}

/**
 * The control: a plain nats.js client (its defaults, `js.publish` with a message id) publishing
 * to an R3 stream of its own, whose leader a fault run puts on the same node as stream OMNIBOT's.
 * What it could not store shows how long the cluster itself could not acknowledge a publish.
 */
export class ControlPublisher {
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly publishes: ControlPublish[] = [];
  #timer: NodeJS.Timeout | undefined;
  #n = 0;

  private constructor(nc: NatsConnection) {
    this.#nc = nc;
    this.#js = nc.jetstream();
  }

  static async start(servers: string[]): Promise<ControlPublisher> {
    const nc = await connect({ servers, name: 'fault-control', maxReconnectAttempts: -1 });
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: CONTROL_STREAM, subjects: ['fault_control.>'], num_replicas: 3, duplicate_window: nanos(600_000) }).catch(async (error: unknown) => {
      if (!/already in use/i.test((error as Error).message)) throw error;
    });
    return new ControlPublisher(nc);
  }

  /** Publishes every `intervalMs` until stop(). */
  run(intervalMs: number): void {
    this.#timer = setInterval(() => {
      const n = (this.#n += 1);
      const sentAt = performance.now();
      this.#js.publish('fault_control.tick', String(n), { msgID: `control-${n}` }).then(
        () => this.publishes.push({ sentAt, doneAt: performance.now(), ok: true }),
        (error: unknown) => this.publishes.push({ sentAt, doneAt: performance.now(), ok: false, error: String((error as Error).message).slice(0, 80) }),
      );
    }, intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async close(): Promise<void> {
    this.stop();
    await this.#nc.close();
  }
}
