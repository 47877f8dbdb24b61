// JetStream's API answers "not found" in three words for three things; nats.js throws them as
// errors whose message is JetStream's description.

/** `stream not found` (10059). */
export function isStreamNotFound(error: unknown): boolean {
  return error instanceof Error && /stream not found/i.test(error.message);
}

/** `consumer not found` (10014). */
export function isConsumerNotFound(error: unknown): boolean {
  return error instanceof Error && /consumer not found/i.test(error.message);
}

/** `no message found` (10037): a sequence the stream no longer has (aged out, or deleted). */
export function isMessageNotFound(error: unknown): boolean {
  return error instanceof Error && /no message found/i.test(error.message);
}
