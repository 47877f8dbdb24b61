import type { ConsumerConfig, JetStreamManager, NatsConnection } from 'nats';
import { describedWithReplicas, keepConsumerReplicated, type ReplicasLogger } from './consumer-replicas.js';
import { isConsumerNotFound } from './not-found.js';
import { STREAM_NAME } from './subjects.js';

/** A durable consumer's configuration: named, and described (the replicas are recorded after it). */
export type DurableConsumerConfig = Partial<ConsumerConfig> & { readonly durable_name: string; readonly description: string };

/**
 * Creates a durable consumer on stream OMNIBOT, or takes the existing one: the fields named in
 * `kept` are brought to `config` when they differ, and its acks are kept replicated as its
 * stream is (src/queue/consumer-replicas.ts). Everything else an existing consumer keeps.
 */
export async function ensureDurableConsumer(
  nc: NatsConnection,
  jsm: JetStreamManager,
  config: DurableConsumerConfig,
  log: ReplicasLogger,
  kept: readonly (keyof ConsumerConfig)[] = [],
): Promise<void> {
  const streamReplicas = (await jsm.streams.info(STREAM_NAME)).config.num_replicas;
  let existing;
  try {
    existing = await jsm.consumers.info(STREAM_NAME, config.durable_name);
  } catch (error) {
    if (!isConsumerNotFound(error)) throw error;
    await jsm.consumers.add(STREAM_NAME, { ...config, description: describedWithReplicas(config.description, streamReplicas) });
    return;
  }
  // Only when something changed: nats-server 2.9 forgets the delivery counts of pending
  // messages on an update, and every start would otherwise reset them.
  const changed = kept.filter((field) => existing.config[field] !== config[field]);
  if (changed.length > 0) {
    await jsm.consumers.update(STREAM_NAME, config.durable_name, Object.fromEntries(changed.map((field) => [field, config[field]])));
  }
  await keepConsumerReplicated(nc, jsm, existing, streamReplicas, log);
}
