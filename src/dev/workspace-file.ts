/**
 * The emulated workspace's YAML file: its people, channels and custom emoji,
 * and what each configured bot may do. The bots themselves come from
 * omnibot's configuration.
 */
import { readFile } from 'node:fs/promises';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse } from 'yaml';
import { ConfigError } from '../config/errors.js';

/** What a bot token may do unless the workspace file says otherwise: enough for everything omnibot-ts calls. */
export const DEFAULT_BOT_SCOPES: readonly string[] = [
  'app_mentions:read',
  'channels:history',
  'channels:read',
  'chat:write',
  'commands',
  'emoji:read',
  'groups:history',
  'groups:read',
  'im:history',
  'im:read',
  'im:write',
  'mpim:history',
  'mpim:read',
  'reactions:read',
  'reactions:write',
  'users:read',
  'users:read.email',
];

/** The Events API subscriptions a bot has unless the workspace file says otherwise. */
export const DEFAULT_BOT_EVENTS: readonly string[] = [
  'message.channels',
  'message.groups',
  'message.im',
  'message.mpim',
  'reaction_added',
  'reaction_removed',
];

const Name = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*$', maxLength: 80 });

export const WorkspaceFileSchema = Type.Object(
  {
    team: Type.Optional(Type.String({ description: "The configuration's team to emulate; default: its first team." })),
    domain: Type.Optional(Type.String({ description: 'The workspace domain (`<domain>.slack.com`); default: the team name.' })),
    users: Type.Array(
      Type.Object(
        {
          name: Name,
          real_name: Type.Optional(Type.String()),
          email: Type.Optional(Type.String()),
          id: Type.Optional(Type.String({ pattern: '^[UW][A-Z0-9]{2,}$' })),
          title: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
    channels: Type.Array(
      Type.Object(
        {
          name: Name,
          id: Type.Optional(Type.String({ pattern: '^[CG][A-Z0-9]{2,}$' })),
          private: Type.Optional(Type.Boolean()),
          topic: Type.Optional(Type.String()),
          purpose: Type.Optional(Type.String()),
          members: Type.Optional(Type.Array(Name, { description: 'User names; default: everyone.' })),
          bots: Type.Optional(
            Type.Union([Type.Boolean(), Type.Array(Type.String())], { description: 'Bots in the channel: all (default), none, or these names.' }),
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
    bots: Type.Optional(
      Type.Record(
        Type.String(),
        Type.Object(
          {
            scopes: Type.Optional(Type.Array(Type.String(), { description: 'The bot token\'s OAuth scopes.' })),
            events: Type.Optional(Type.Array(Type.String(), { description: 'Events API subscriptions, e.g. message.channels, app_mention.' })),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    emoji: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Custom emoji: name → image URL or `alias:<name>`.' })),
  },
  { additionalProperties: false },
);
export type WorkspaceFile = Static<typeof WorkspaceFileSchema>;

/** Reads and checks a workspace file; a problem names the file and the key. */
export async function loadWorkspaceFile(file: string): Promise<WorkspaceFile> {
  let document: unknown;
  try {
    document = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read the emulated workspace ${file}: ${(error as Error).message}`);
  }
  const first = Value.Errors(WorkspaceFileSchema, document).First();
  if (first) {
    const where = first.path.replace(/^\//, '').replaceAll('/', '.') || '(top level)';
    throw new ConfigError(`invalid emulated workspace ${file}: ${where}: ${first.message}`);
  }
  const workspace = document as WorkspaceFile;
  const problems: string[] = [];
  const users = new Set(workspace.users.map((user) => user.name));
  if (users.size !== workspace.users.length) problems.push('users: two users have the same name');
  if (new Set(workspace.channels.map((channel) => channel.name)).size !== workspace.channels.length) {
    problems.push('channels: two channels have the same name');
  }
  for (const channel of workspace.channels) {
    for (const member of channel.members ?? []) {
      if (!users.has(member)) problems.push(`channels.${channel.name}.members: "${member}" is not in users`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`invalid emulated workspace ${file}:\n  ${problems.join('\n  ')}`);
  return workspace;
}
