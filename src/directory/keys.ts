/**
 * KV keys for the directory. JetStream KV keys allow only `[-/_=.a-zA-Z0-9]`,
 * so free text (team and bot names, emails, display names) is base64url-encoded;
 * Slack ids are already safe.
 */
function text(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url') || '_';
}

function id(value: string): string {
  return /^[A-Za-z0-9_-]+$/.test(value) ? value : text(value);
}

/**
 * A key becomes part of a NATS subject (`$KV.<bucket>.<key>`), and nats-server
 * closes the connection of a client whose control line is over 4 KiB by
 * default, cutting every request in flight. The directory refuses inputs over
 * Slack's limits before building keys; this is the last line behind that.
 */
export const MAX_KEY_LENGTH = 2048;

export class DirectoryKeyError extends Error {
  override readonly name = 'DirectoryKeyError';
}

function bounded(key: string): string {
  if (key.length > MAX_KEY_LENGTH) throw new DirectoryKeyError(`a directory key of ${key.length} characters (at most ${MAX_KEY_LENGTH})`);
  return key;
}

export const directoryKeys = {
  userById: (team: string, userId: string) => bounded(`${text(team)}.id.${id(userId)}`),
  userIdByEmail: (team: string, email: string) => bounded(`${text(team)}.email.${text(email.toLowerCase())}`),
  userIdByName: (team: string, name: string) => bounded(`${text(team)}.name.${text(name)}`),
  channelById: (team: string, channelId: string) => bounded(`${text(team)}.id.${id(channelId)}`),
  channelIdByName: (team: string, name: string) => bounded(`${text(team)}.name.${text(name)}`),
  imById: (team: string, bot: string, imId: string) => bounded(`${text(team)}.${text(bot)}.id.${id(imId)}`),
  imsOf: (team: string, bot: string) => bounded(`${text(team)}.${text(bot)}.id.*`),
  imIdByUser: (team: string, bot: string, userId: string) => bounded(`${text(team)}.${text(bot)}.user.${id(userId)}`),
  /** Every object of a team (users and channels buckets): what a refresh's sweep walks. */
  objectsOf: (team: string) => bounded(`${text(team)}.id.*`),
  emojiByName: (team: string, name: string) => bounded(`${text(team)}.name.${text(name)}`),
  emojiOf: (team: string) => bounded(`${text(team)}.name.*`),
  refreshedAt: (team: string, bot: string) => bounded(`${text(team)}.${text(bot)}.refreshed`),
};

