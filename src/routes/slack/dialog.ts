import type { FastifyInstance, FastifyBaseLogger } from 'fastify';
import type { Bot } from '../../config/registry.js';
import { botCallToken } from '../../slack/tokens.js';

/**
 * Opens a handler's dialog with the request's trigger id, as the bot. Slack's
 * trigger ids expire in 3 s, so this runs before the answer; a failure is
 * logged and does not fail the webhook (the message is already stored).
 */
export async function openDialog(app: FastifyInstance, log: FastifyBaseLogger, bot: Bot, dialog: Record<string, unknown>, triggerId: string): Promise<void> {
  try {
    const response = await app.slack.call('dialog.open', { dialog, trigger_id: triggerId }, botCallToken(bot));
    if (!response.ok) log.warn({ ...bot.logContext, error: response.error }, 'dialog.open failed');
  } catch (error) {
    log.error({ ...bot.logContext, err: error }, 'dialog.open failed');
  }
}
