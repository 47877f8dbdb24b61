import { Type } from '@sinclair/typebox';

/** The reply Slack shows for a command or component, as omnibot's `_get_write_message_response` builds it. */
/** Sent as an empty text/plain body (strings bypass the JSON serializer): nothing to show, and what closes a modal. */
export const EmptyBody = Type.Literal('', { description: 'An empty body.' });

export const WriteMessageBody = Type.Union([
  Type.Object({ text: Type.Optional(Type.String()), response_type: Type.Optional(Type.String()) }),
  EmptyBody,
]);

export interface WriteResponseHandler {
  readonly canned_response?: string;
  readonly response_type?: string;
}

/**
 * With a canned response: its text and the handler's response type. Without
 * one: only `in_channel` is worth saying (Slack shows an error for an
 * ephemeral reply with no text). Nothing to say: undefined, answered as an
 * empty 200, which is all Slack accepts then.
 */
export function writeMessageResponse(handler: WriteResponseHandler): { text?: string; response_type: string } | undefined {
  const responseType = handler.response_type ?? 'ephemeral';
  if (handler.canned_response) return { text: handler.canned_response, response_type: responseType };
  if (responseType === 'in_channel') return { response_type: responseType };
  return undefined;
}
