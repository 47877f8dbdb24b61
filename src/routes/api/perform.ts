import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Bot } from '../../config/registry.js';
import { parserDirectoryFor } from '../../directory/parser-directory.js';
import { InvalidActionError, performAction } from '../../slack/actions.js';
import { ParseOptionsError } from '../../slack/parser/options.js';

/**
 * `{"action": "<Slack method>", "kwargs": {...}}`. Both are optional in the
 * schema so that their absence gets omnibot's error strings, not a validator's.
 */
export const ActionBody = Type.Object(
  {
    action: Type.Optional(Type.Unknown({ description: 'A Slack Web API method, such as chat.postMessage.' })),
    kwargs: Type.Optional(Type.Unknown({ description: 'The method\'s arguments, plus an optional omnibot_parse.' })),
  },
  { additionalProperties: true },
);

/** Slack's answer, passed through as it came. */
export const SlackAnswer = Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) }, { additionalProperties: true });

/** A 400 in Slack's shape: Slack refused the call (its answer, passed through), or the request was malformed before any call. */
export const ActionRefused = Type.Object(
  {
    ok: Type.Literal(false),
    error: Type.Optional(Type.String({ description: 'Slack\'s error (invalid_blocks, …), omnibot\'s (action not provided in payload), or invalid request.' })),
    message: Type.Optional(Type.String({ description: 'What exactly was malformed, when the request was.' })),
  },
  {
    additionalProperties: true,
    description: 'Slack refused the call (its answer as it came), or the body is not an object with a Slack method name as action and an object as kwargs.',
  },
);

export type ActionRequest = { action?: unknown; kwargs?: unknown };

/** omnibot's checks of an action body; the kwargs to call with, or the 400 body to answer. */
export function readAction(body: ActionRequest | undefined): { action: unknown; kwargs: Record<string, unknown> } | { error: string } {
  for (const field of ['action', 'kwargs'] as const) {
    if (body?.[field] === undefined) return { error: `${field} not provided in payload` };
  }
  const kwargs = body?.kwargs;
  if (kwargs === null || typeof kwargs !== 'object' || Array.isArray(kwargs)) return { error: 'kwargs must be an object' };
  return { action: body?.action, kwargs: kwargs as Record<string, unknown> };
}

/** Performs the action as the bot and answers as omnibot did: Slack's body, 200 when ok, else 400. */
export async function answerAction(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  bot: Bot,
  action: unknown,
  kwargs: Record<string, unknown>,
): Promise<FastifyReply> {
  try {
    const response = await performAction(app.slack, parserDirectoryFor(app.directory, bot), bot, action, kwargs, request.log);
    if (!response.ok) request.log.warn({ ...bot.logContext, action, error: response.error }, 'Slack refused the action');
    return reply.code(response.ok ? 200 : 400).send(response);
  } catch (error) {
    if (error instanceof InvalidActionError || error instanceof ParseOptionsError) {
      return reply.code(400).send({ ok: false, error: error.message });
    }
    throw error;
  }
}
