import type { JetStreamManager } from 'nats';
import { isConsumerNotFound, isMessageNotFound, isStreamNotFound } from '../queue/not-found.js';
import { STREAM_NAME } from '../queue/subjects.js';
import { CONSUMER_NAME } from './consumer.js';
import { DLQ_STREAM } from './dead-letter.js';

/** How far behind the worker is, as NATS sees it: the same figures from every process. */
export interface QueueLag {
  /** Stored, not yet delivered to any worker. */
  readonly pending: number;
  /** Delivered, not yet acknowledged (in a handler, or waiting to be delivered again). */
  readonly ackPending: number;
  /** Delivered more than once and not yet acknowledged. */
  readonly redelivered: number;
  /** Age of the oldest message not yet acknowledged; 0 when there is none. */
  readonly oldestUnackedAgeSeconds: number;
  /** Messages in OMNIBOT_DLQ; undefined before the worker first created it. */
  readonly deadLetters: number | undefined;
}

/** The oldest unacknowledged message's time: the first one above the ack floor that the stream still has. */
async function oldestUnackedTime(jsm: JetStreamManager, ackFloor: number): Promise<Date | undefined> {
  try {
    return (await jsm.streams.getMessage(STREAM_NAME, { seq: ackFloor + 1 })).time;
  } catch (error) {
    if (!isMessageNotFound(error)) throw error;
  }
  // Gone (aged out of the stream, or deleted): the stream's first message is the oldest left.
  const first = (await jsm.streams.info(STREAM_NAME)).state.first_seq;
  if (first <= ackFloor + 1) return undefined;
  try {
    return (await jsm.streams.getMessage(STREAM_NAME, { seq: first })).time;
  } catch (error) {
    if (isMessageNotFound(error)) return undefined;
    throw error;
  }
}

/** Reads the consumer's backlog; undefined when no worker has created the consumer yet. */
export async function readQueueLag(jsm: JetStreamManager, now: number = Date.now()): Promise<QueueLag | undefined> {
  let info;
  try {
    info = await jsm.consumers.info(STREAM_NAME, CONSUMER_NAME);
  } catch (error) {
    if (isConsumerNotFound(error)) return undefined;
    throw error;
  }
  const waiting = info.num_pending + info.num_ack_pending;
  const oldest = waiting > 0 ? await oldestUnackedTime(jsm, info.ack_floor.stream_seq) : undefined;
  let deadLetters: number | undefined;
  try {
    deadLetters = (await jsm.streams.info(DLQ_STREAM)).state.messages;
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
  }
  return {
    pending: info.num_pending,
    ackPending: info.num_ack_pending,
    redelivered: info.num_redelivered,
    oldestUnackedAgeSeconds: oldest ? Math.max(0, (now - oldest.getTime()) / 1000) : 0,
    deadLetters,
  };
}
