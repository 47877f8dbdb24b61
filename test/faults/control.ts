import { connect, headers, type JetStreamClient, type NatsConnection } from 'nats';

export interface ControlPublish {
  readonly sentAt: number;
  readonly doneAt: number;
  readonly ok: boolean;
  readonly error?: string;
}

/**
 * The control: a plain nats.js client (its defaults, `js.publish` with a message id) storing
 * messages in stream OMNIBOT itself, so that it waits on the same leader elections as omnibot-ts.
 * Each is a webhook no handler takes (the worker acks it and moves on). What it could not store
 * shows how long the cluster itself could not acknowledge a publish.
 */
export class ControlPublisher {
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #subject: string;
  readonly #body: (n: number) => string;
  readonly publishes: ControlPublish[] = [];
  #timer: NodeJS.Timeout | undefined;
  #n = 0;

  private constructor(nc: NatsConnection, subject: string, body: (n: number) => string) {
    this.#nc = nc;
    this.#js = nc.jetstream();
    this.#subject = subject;
    this.#body = body;
  }

  /** For the bot `teamName`/`botName` of the configuration, with its team and app ids. */
  static async start(servers: string[], bot: { teamName: string; botName: string; teamId: string; appId: string }): Promise<ControlPublisher> {
    const nc = await connect({ servers, name: 'fault-control', maxReconnectAttempts: -1 });
    const body = (n: number): string =>
      JSON.stringify({ event: { team_id: bot.teamId, api_app_id: bot.appId, type: 'event_callback', event_id: `EvControl${n}`, event: { type: 'fault_control' } } });
    return new ControlPublisher(nc, `omnibot.event.${bot.teamName}.${bot.botName}`, body);
  }

  /** Publishes every `intervalMs` until stop(). */
  run(intervalMs: number): void {
    this.#timer = setInterval(() => {
      const n = (this.#n += 1);
      const h = headers();
      h.set('Omnibot-Type', 'event');
      h.set('Omnibot-Version', '2');
      const sentAt = performance.now();
      this.#js.publish(this.#subject, this.#body(n), { msgID: `control-${process.pid}-${n}`, headers: h }).then(
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
