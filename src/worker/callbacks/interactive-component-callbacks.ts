/** omnibot's omnibot.callbacks.interactive_component_callbacks. */
import type { Callback } from './types.js';

/** Answers a dialog submission with its `echo_element` field. */
export const echoDialogSubmissionCallback: Callback = (payload) => {
  const submission = payload.submission;
  const text = submission && typeof submission === 'object' ? (submission as Record<string, unknown>).echo_element : undefined;
  if (text === undefined) return {};
  return { responses: [{ text, omnibot_parse: { text: ['users', 'specials', 'channels'] } }] };
};
