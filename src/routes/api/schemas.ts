import { Type } from '@sinclair/typebox';
import { SLACK_LIMITS } from '../../slack/limits.js';

/**
 * `{"error": "..."}`: the shape of every error omnibot's API answers with.
 * Other fields may follow: send_im repeats its path parameters, as omnibot's
 * did, and the action routes add `"ok": false`, as Slack's own errors have.
 */
export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: 'A stable error string (omnibot\'s where omnibot had one).' }),
    message: Type.Optional(Type.String({ description: 'What exactly was wrong.' })),
    code: Type.Optional(Type.String({ description: 'Fastify\'s or the Slack client\'s error code.' })),
  },
  { additionalProperties: true },
);

/** An email in a path: longer than an address can be is a 400 at once, with no lookup. */
export const EmailParam = Type.String({ minLength: 1, maxLength: SLACK_LIMITS.emailLength, description: 'The user\'s email address.' });

export const TeamParams = Type.Object({ team_name: Type.String() });
export const BotParams = Type.Object({ team_name: Type.String(), bot_name: Type.String() });

/** Slack objects pass through as Slack sent them, so their schema only names what is always there. */
export const SlackConversationBody = Type.Object(
  { id: Type.String(), name: Type.Optional(Type.String()) },
  { additionalProperties: true },
);
