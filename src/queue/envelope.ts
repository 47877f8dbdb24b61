import { Type, type Static } from '@sinclair/typebox';

/** What kind of Slack request a queued message holds; the second subject token. */
export const WEBHOOK_TYPES = ['event', 'slash_command', 'interactive_component'] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

/** omnibot's SQS message version; bumped when the body's shape changes. */
export const ENVELOPE_VERSION = '2';

export const HEADERS = {
  msgId: 'Nats-Msg-Id',
  type: 'Omnibot-Type',
  version: 'Omnibot-Version',
  retryNum: 'X-Slack-Retry-Num',
  retryReason: 'X-Slack-Retry-Reason',
} as const;

/** The body of every message on stream OMNIBOT, as omnibot put it on SQS. */
export const QueueMessageSchema = Type.Object(
  {
    event: Type.Object(
      {
        omnibot_bot_id: Type.Optional(
          Type.String({ description: 'The Slack app id of the bot that received it (slash commands and interactive components).' }),
        ),
        token: Type.Optional(
          Type.Never({ description: 'Never present: Slack\'s verification token is a credential, removed before the message is stored.' }),
        ),
      },
      {
        additionalProperties: true,
        description:
          'The Slack payload as Slack sent it (an event callback, a slash command\'s form fields, or an interactive component\'s payload), without its verification token.',
      },
    ),
  },
  {
    title: 'omnibot queue message',
    description: [
      'A message on JetStream stream OMNIBOT, subject omnibot.<type>.<team_name>.<bot_name>',
      '(names with characters other than letters, digits, "-" and "_" are percent-encoded).',
      `Headers: ${HEADERS.msgId} (Slack's event_id; for commands and components the trigger_id, else a hash of the raw body),`,
      `${HEADERS.type} (${WEBHOOK_TYPES.join(' | ')}), ${HEADERS.version} ("${ENVELOPE_VERSION}"),`,
      `and when Slack sent them, ${HEADERS.retryNum} and ${HEADERS.retryReason}.`,
    ].join(' '),
    additionalProperties: false,
  },
);
export type QueueMessage = Static<typeof QueueMessageSchema>;
