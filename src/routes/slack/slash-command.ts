import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { openDialog } from './dialog.js';
import { fail, queueUnavailable, webhookErrors } from './failure.js';
import { findBot } from './find-bot.js';
import { storeWebhook } from './store.js';
import { INVALID_SIGNATURE, signatureAccepted, tokenAccepted } from './verify.js';
import { WriteMessageBody, writeMessageResponse } from './write-response.js';

/** Slack's slash command form; every field is a string. */
const SlashCommandForm = Type.Record(Type.String(), Type.String());

const NO_APP = 'Token sent with slash command does not match any configured app.';

const slashCommand: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/v1/slack/slash_command',
    {
      config: { errorStyle: 'slack' },
      schema: {
        consumes: ['application/x-www-form-urlencoded'],
        body: SlashCommandForm,
        response: { 200: WriteMessageBody, ...webhookErrors },
      },
    },
    async (request, reply) => {
      const command: Record<string, string> = { ...request.body };
      const { registry } = app.config;
      if (command.token === undefined) return fail(reply, 403, 'No verification token in slash command.');
      if (command.team_id === undefined) return fail(reply, 403, 'No team_id in slash command.');
      const team = registry.teamById(command.team_id);
      if (!team) return fail(reply, 403, 'Unsupported team');
      const bot = findBot(registry, team, command.api_app_id, command.token);
      if (!bot) return fail(reply, 403, NO_APP);
      if (bot.team.id !== team.id) return fail(reply, 403, 'Token sent with slash command does not match team in event.');
      if (!signatureAccepted(request, bot)) return fail(reply, 401, INVALID_SIGNATURE);
      if (!tokenAccepted(command.token, bot)) return fail(reply, 403, NO_APP);

      const handler = bot.handlers.slashCommand.find((h) => h.command === command.command);
      if (!handler) {
        request.log.info({ ...bot.logContext, command: command.command }, 'no handler for slash command');
        return { response_type: 'ephemeral', text: 'This slash command does not have any omnibot handler associated with it.' };
      }
      // So that the worker needn't find the bot from the token again.
      command.omnibot_bot_id = bot.appId;
      if (handler.callbacks?.length) {
        const stored = await storeWebhook(app, request, reply, bot, { type: 'slash_command', payload: command, slackId: command.trigger_id });
        if (!stored) return queueUnavailable(reply);
      }
      if (handler.dialog && command.trigger_id) await openDialog(app, request.log, bot, handler.dialog, command.trigger_id);
      const body = writeMessageResponse(handler);
      // An empty 200 is all Slack accepts when there is nothing to say.
      return body ?? reply.code(200).send('');
    },
  );
};

export default slashCommand;
