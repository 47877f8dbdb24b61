import { Type } from '@sinclair/typebox';

/** `{"error": "..."}`: the shape of every error omnibot's API answers with. */
export const ErrorBody = Type.Object(
  { error: Type.String() },
  { additionalProperties: true, description: 'A stable error string (omnibot\'s where omnibot had one).' },
);

export const TeamParams = Type.Object({ team_name: Type.String() });
export const BotParams = Type.Object({ team_name: Type.String(), bot_name: Type.String() });

/** Slack objects pass through as Slack sent them, so their schema only names what is always there. */
export const SlackConversationBody = Type.Object(
  { id: Type.String(), name: Type.Optional(Type.String()) },
  { additionalProperties: true },
);
