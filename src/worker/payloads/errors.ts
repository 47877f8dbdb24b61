/** A webhook without a field omnibot needs (a message without text, a reaction without its item): no retry can fix it. */
export class MalformedPayloadError extends Error {
  override readonly name = 'MalformedPayloadError';
}
