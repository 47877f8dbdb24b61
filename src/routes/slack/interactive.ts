import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { EMPTY_ANSWER_TYPES, INTERACTIVE_TYPES, interactiveCallbackId, interactiveTeamId, MissingActionsError } from '../../slack/interactive.js';
import { jsonNestingWithin, JsonTooDeepError } from '../../json-depth.js';
import { resolveCallback } from '../../worker/callbacks/resolve.js';
import { interactiveComponentPayload } from '../../worker/payloads/interactive-component.js';
import { openDialog } from './dialog.js';
import { errorResponses } from '../error-responses.js';
import { fail, FailureBody, queueUnavailable, webhookErrors } from './failure.js';
import { findBot } from './find-bot.js';
import { storeWebhook } from './store.js';
import { INVALID_SIGNATURE, signatureAccepted, tokenAccepted } from './verify.js';
import { EmptyBody, writeMessageResponse } from './write-response.js';

const InteractiveForm = Type.Object({ payload: Type.Optional(Type.String()) }, { additionalProperties: Type.String() });

const NO_APP = 'Token sent with interactive component does not match any configured app.';

function parsePayload(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  // Stored by serialising it again, which a payload nested thousands deep would fail.
  if (!jsonNestingWithin(text)) throw new JsonTooDeepError('The payload field');
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const interactive: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/v1/slack/interactive',
    {
      config: { errorStyle: 'slack' },
      schema: {
        consumes: ['application/x-www-form-urlencoded'],
        body: InteractiveForm,
        response: {
          // omnibot's write-message answer, or a synchronous callback's answer passed through whole
          // (so no narrower object schema may come first: the serializer would drop its fields).
          200: Type.Union([
            Type.Object({}, { additionalProperties: true, description: 'A write-message answer or a synchronous callback\'s answer.' }),
            EmptyBody,
          ]),
          ...webhookErrors,
          // A synchronous callback, and the payload built for it, may need Slack.
          ...errorResponses(FailureBody, [502]),
        },
      },
    },
    async (request, reply) => {
      const component = parsePayload(request.body.payload);
      if (!component) return fail(reply, 400, 'The payload field is missing or is not a JSON object.');
      const { registry } = app.config;
      const type = component.type;
      if (typeof type !== 'string' || !INTERACTIVE_TYPES.has(type)) {
        return fail(reply, 400, `Unsupported type=${typeof type === 'string' ? type : 'None'} in interactive component.`);
      }
      if (component.token === undefined) return fail(reply, 403, 'No verification token in interactive component.');
      const teamId = interactiveTeamId(component);
      if (!teamId) return fail(reply, 403, 'No team id found in interactive component');
      // Downstream code reads team.id, as omnibot's did after injecting it.
      const teamField = component.team;
      if (teamField === null || typeof teamField !== 'object') component.team = { id: teamId };
      else if ((teamField as Record<string, unknown>).id == null) component.team = { ...teamField, id: teamId };
      const team = registry.teamById(teamId);
      if (!team) return fail(reply, 403, 'Unsupported team');
      const bot = findBot(registry, team, component.api_app_id, component.token);
      if (!bot) return fail(reply, 403, NO_APP);
      if (bot.team.id !== team.id) return fail(reply, 403, 'Token sent with interactive component does not match team in event.');
      if (!signatureAccepted(request, bot)) return fail(reply, 401, INVALID_SIGNATURE);
      if (!tokenAccepted(component.token, bot)) return fail(reply, 403, NO_APP);

      let callbackId: string | undefined;
      try {
        callbackId = interactiveCallbackId(component);
      } catch (error) {
        if (error instanceof MissingActionsError) return fail(reply, 400, 'No actions in block_actions interactive component.');
        throw error;
      }
      const handler = bot.handlers.interactiveComponent.find((h) => h.callback_id === callbackId);
      if (!handler) {
        request.log.info({ ...bot.logContext, callback_id: callbackId }, 'no handler for interactive component');
        return { response_type: 'ephemeral', text: 'This interactive component does not have any omnibot handler associated with it.' };
      }
      component.omnibot_bot_id = bot.appId;

      const callbacks = handler.callbacks ?? [];
      const synchronous = callbacks.find((callback) => callback.synchronous === true);
      if (synchronous) {
        // Slack waits for this answer (a modal's errors, a new view), so the callback runs now, not on the queue.
        const callback = await resolveCallback(synchronous.module, app.config.baseDir);
        const payload = await interactiveComponentPayload(bot, component, app.directory);
        const context = { bot, config: app.config, directory: app.directory, slack: app.slack, logger: request.log };
        const started = performance.now();
        let outcome: 'ok' | 'failed' = 'failed';
        let response;
        try {
          response = await callback(payload, structuredClone(synchronous.kwargs ?? {}), context);
          outcome = 'ok';
        } finally {
          const ref = { kind: 'interactive_component', name: handler.callback_id } as const;
          app.metrics.processor.callbackDone(ref, synchronous.module, outcome, (performance.now() - started) / 1000);
        }
        request.log.info({ ...bot.logContext, callback_id: callbackId }, 'synchronous callback answered');
        return response ?? reply.code(200).send('');
      }
      if (callbacks.length > 0) {
        const stored = await storeWebhook(app, request, reply, bot, { type: 'interactive_component', payload: component, slackId: component.trigger_id });
        if (!stored) return queueUnavailable(reply);
      }
      if (typeof component.trigger_id === 'string' && handler.dialog) {
        await openDialog(app, request.log, bot, handler.dialog, component.trigger_id);
      }
      if (EMPTY_ANSWER_TYPES.has(type) || handler.no_message_response) return reply.code(200).send('');
      return writeMessageResponse(handler) ?? reply.code(200).send('');
    },
  );
};

export default interactive;
