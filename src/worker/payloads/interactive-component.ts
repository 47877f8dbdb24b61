import type { Bot } from '../../config/registry.js';
import type { Directory } from '../../directory/directory.js';
import { interactiveCallbackId } from '../../slack/interactive.js';

type Json = Record<string, unknown>;

function idOf(value: unknown): string | undefined {
  const id = value && typeof value === 'object' ? (value as Json).id : undefined;
  return typeof id === 'string' ? id : undefined;
}

/**
 * The payload omnibot hands an interactive component's callbacks: Slack's
 * fields it names, plus who the bot and team are and the user and channel as
 * the directory knows them.
 */
export async function interactiveComponentPayload(bot: Bot, component: Json, directory: Pick<Directory, 'userById' | 'channelById'>): Promise<Json> {
  const userId = idOf(component.user);
  const channelId = idOf(component.channel);
  const [parsedUser, parsedChannel] = await Promise.all([
    userId ? directory.userById(bot, userId) : undefined,
    channelId ? directory.channelById(bot, channelId) : undefined,
  ]);
  const payload: Json = {
    omnibot_payload_type: 'interactive_component',
    bot: { name: bot.name, bot_id: bot.appId },
    team: { name: bot.team.name, team_id: bot.team.id },
    type: component.type,
    callback_id: interactiveCallbackId(component) ?? null,
    action_ts: component.action_ts ?? null,
    message_ts: component.message_ts ?? null,
    trigger_id: component.trigger_id ?? null,
    response_url: component.response_url ?? null,
    original_message: component.original_message ?? null,
    view: component.view ?? null,
    state: component.state ?? null,
    user: component.user ?? null,
    channel: component.channel ?? null,
    message: component.message ?? null,
    submission: component.submission ?? null,
    actions: component.actions ?? null,
  };
  // omnibot sets these only when there is a user or a channel to look up.
  if (userId) payload.parsed_user = parsedUser ?? {};
  if (channelId) payload.parsed_channel = parsedChannel ?? {};
  return payload;
}
