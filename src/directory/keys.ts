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

export const directoryKeys = {
  userById: (team: string, userId: string) => `${text(team)}.id.${id(userId)}`,
  userIdByEmail: (team: string, email: string) => `${text(team)}.email.${text(email.toLowerCase())}`,
  userIdByName: (team: string, name: string) => `${text(team)}.name.${text(name)}`,
  channelById: (team: string, channelId: string) => `${text(team)}.id.${id(channelId)}`,
  channelIdByName: (team: string, name: string) => `${text(team)}.name.${text(name)}`,
  imById: (team: string, bot: string, imId: string) => `${text(team)}.${text(bot)}.id.${id(imId)}`,
  imsOf: (team: string, bot: string) => `${text(team)}.${text(bot)}.id.*`,
  imIdByUser: (team: string, bot: string, userId: string) => `${text(team)}.${text(bot)}.user.${id(userId)}`,
  /** Every object of a team (users and channels buckets): what a refresh's sweep walks. */
  objectsOf: (team: string) => `${text(team)}.id.*`,
  emojiByName: (team: string, name: string) => `${text(team)}.name.${text(name)}`,
  emojiOf: (team: string) => `${text(team)}.name.*`,
  refreshedAt: (team: string, bot: string) => `${text(team)}.${text(bot)}.refreshed`,
};

