import { connect, type NatsConnection } from 'nats';

type Teardown = { teardown(fn: () => unknown): void };

export interface StoredMessage {
  readonly subject: string;
  readonly headers: Record<string, string>;
  /** The JSON body, or the raw text when it isn't JSON. */
  readonly body: { event: Record<string, unknown> };
}

/** Reads what a stream holds, straight from JetStream, as any subscriber would see it. */
export async function streamReader(t: Teardown, url: string) {
  const nc: NatsConnection = await connect({ servers: url });
  t.teardown(() => nc.close());
  const jsm = await nc.jetstreamManager();
  return {
    nc,
    jsm,
    async messages(stream = 'OMNIBOT'): Promise<StoredMessage[]> {
      const info = await jsm.streams.info(stream);
      const out: StoredMessage[] = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq += 1) {
        const message = await jsm.streams.getMessage(stream, { seq }).catch(() => undefined);
        if (!message) continue;
        const headers: Record<string, string> = {};
        for (const [key, values] of message.header ?? []) headers[key] = values[0] ?? '';
        let body: { event: Record<string, unknown> };
        try {
          body = message.json();
        } catch {
          body = { event: { raw: message.string() } };
        }
        out.push({ subject: message.subject, headers, body });
      }
      return out;
    },
  };
}
