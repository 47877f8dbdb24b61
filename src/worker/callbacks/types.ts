/** What a callback answers: Slack actions to perform and responses to post, as omnibot's callbacks return them. */
export interface CallbackResponse {
  readonly actions?: ReadonlyArray<{ action: string; kwargs: Record<string, unknown> }>;
  readonly responses?: ReadonlyArray<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

/** A callback: called with the payload omnibot built and the handler's kwargs for it. */
export type Callback = (payload: Record<string, unknown>, kwargs: Record<string, unknown>) => Promise<CallbackResponse> | CallbackResponse;

export class CallbackConfigError extends Error {
  override readonly name = 'CallbackConfigError';
}
