import type { Bot } from '../config/registry.js';
import type { ParserDirectory } from '../slack/parser/directory.js';
import type { Directory } from './directory.js';
import { userDisplayName } from './types.js';

/** The parse engine's lookups, answered by the directory as one bot sees the team. */
export function parserDirectoryFor(directory: Directory, bot: Bot): ParserDirectory {
  return {
    async userName(id) {
      const user = await directory.userById(bot, id);
      return user ? (userDisplayName(user) ?? null) : null;
    },
    async userIdByName(name) {
      const user = await directory.userByName(bot, name);
      const shown = user ? userDisplayName(user) : undefined;
      return user && shown ? { id: user.id, name: shown } : null;
    },
    async channelName(id) {
      return (await directory.channelById(bot, id))?.name ?? null;
    },
    async channelIdByName(name) {
      const channel = await directory.channelByName(bot, name);
      return channel?.name ? { id: channel.id, name: channel.name } : null;
    },
  };
}
