import type { ConsumerInfo, JetStreamManager, NatsConnection } from 'nats';
import { sleep } from '../sleep.js';

export interface ReplicasLogger {
  warn(object: object, message: string): void;
}

const MARK = /\s*\[replicas: (\d+)\]$/;
/** Tries at recording the replicas after a step-down (half a second apart): the election takes seconds at worst. */
const UPDATE_ATTEMPTS = 20;

/** A consumer's description, with the replicas it was set up with recorded at its end. */
export function describedWithReplicas(description: string, replicas: number): string {
  return `${description.replace(MARK, '')} [replicas: ${replicas}]`;
}

/** The replicas recorded in a description, or undefined when none is (set up by an older omnibot-ts). */
export function recordedReplicas(description: string | undefined): number | undefined {
  const match = MARK.exec(description ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * Makes sure a durable consumer's acks are replicated as its stream is.
 *
 * On nats-server 2.9 (measured on 2.9.10), a consumer created while its stream had one replica,
 * whose stream was then scaled up by hand, lists its new replicas as current, but the acks its
 * leader of the time takes never reach them: when that leader dies, the next one has the acks
 * of the moment of the scaling, and delivers again everything acknowledged since (in a fault run,
 * every one of the 898 events handled in the 3 s before the leader's node was killed). A leader
 * elected after the scaling replicates its acks. So a consumer whose stream has more replicas
 * than the consumer was set up with (recorded in its description) has its leader stepped down
 * once, and the replicas it now has are recorded. Its stream's leader is left alone.
 *
 * A consumer set up before the replicas were recorded is stepped down once too, when its stream
 * has more than one replica: nothing says which it is, and an election costs a moment.
 */
export async function keepConsumerReplicated(
  nc: NatsConnection,
  jsm: JetStreamManager,
  consumer: ConsumerInfo,
  streamReplicas: number,
  log: ReplicasLogger,
): Promise<void> {
  const recorded = recordedReplicas(consumer.config.description);
  if (recorded !== undefined && recorded >= streamReplicas) return;
  const description = describedWithReplicas(consumer.config.description ?? '', streamReplicas);
  const stream = consumer.stream_name;
  const name = consumer.name;
  const placed = (consumer.cluster?.leader ? 1 : 0) + (consumer.cluster?.replicas ?? []).filter((replica) => replica.current).length;
  if (streamReplicas > 1 && placed < streamReplicas) {
    // Still joining its new peers: a leader elected now may not have them all.
    log.warn({ stream, consumer: name, replicas: streamReplicas, current: placed }, `consumer ${name} is not yet current on all ${streamReplicas} replicas of stream ${stream}; the next start makes sure its acks are replicated`);
    return;
  }
  try {
    if (streamReplicas > 1) {
      const answer = await nc.request(`$JS.API.CONSUMER.LEADER.STEPDOWN.${stream}.${name}`, undefined, { timeout: 5_000 });
      const result = answer.json<{ success?: boolean; error?: { description?: string } }>();
      if (!result.success) throw new Error(result.error?.description ?? 'no reason given');
      log.warn(
        { stream, consumer: name, replicas: streamReplicas, recorded_replicas: recorded ?? 'none' },
        `consumer ${name} was set up with fewer replicas than stream ${stream} has now: its leader was stepped down, so that its acks are replicated (nats-server 2.9 does not replicate them for the leader it had)`,
      );
    }
    // Right after the step-down the consumer is electing a leader, which a config update needs.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await jsm.consumers.update(stream, name, { description });
        break;
      } catch (error) {
        if (attempt >= UPDATE_ATTEMPTS) throw error;
        await sleep(500);
      }
    }
  } catch (error) {
    // Not a reason to stop: the next start tries again.
    log.warn({ stream, consumer: name, err: error }, `could not make sure consumer ${name}'s acks are replicated; the next start tries again`);
  }
}
