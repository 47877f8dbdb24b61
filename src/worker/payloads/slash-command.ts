import type { Bot } from '../../config/registry.js';
import type { Directory } from '../../directory/directory.js';
import { parserDirectoryFor } from '../../directory/parser-directory.js';
import { parseInbound } from '../../slack/parser/inbound.js';
import { botAndTeam, conversation, optionalString, parsedFields, parsedUser, requiredString, type Json } from './common.js';

/**
 * The payload omnibot's SlashCommand built: omnibot_payload_type
 * `slash_command`, bot, team, enterprise_id, enterprise_name, command,
 * response_url, trigger_id, user_id, parsed_user, text, parsed_text,
 * channel_id, channel (`{}` when Slack doesn't know it), users, channels,
 * subteams, specials, emojis, emails, urls. (No directed, mentioned or
 * command_text: omnibot computed those for messages only.)
 *
 * @throws MalformedPayloadError without command, text or channel_id.
 */
export async function slashCommandPayload(bot: Bot, command: Json, directory: Directory): Promise<Json> {
  const name = requiredString(command, 'command', 'slash command');
  const text = requiredString(command, 'text', 'slash command');
  const channelId = requiredString(command, 'channel_id', 'slash command');
  const userId = optionalString(command.user_id);
  const [parsed_user, channel] = await Promise.all([parsedUser(bot, directory, userId), conversation(bot, directory, channelId)]);
  const parse = await parseInbound(text, { botName: bot.name, channelIsIm: channel.is_im === true }, parserDirectoryFor(directory, bot));
  return {
    omnibot_payload_type: 'slash_command',
    ...botAndTeam(bot),
    enterprise_id: command.enterprise_id ?? null,
    enterprise_name: command.enterprise_name ?? null,
    command: name,
    response_url: command.response_url ?? null,
    trigger_id: command.trigger_id ?? null,
    user_id: command.user_id ?? null,
    parsed_user,
    text,
    parsed_text: parse.parsed_text,
    channel_id: channelId,
    channel,
    ...parsedFields(parse),
  };
}
