/** The parts of Slack's user object the directory reads; the rest is kept and returned as Slack sent it. */
export interface SlackUser {
  readonly id: string;
  readonly name?: string;
  readonly team_id?: string;
  readonly deleted?: boolean;
  readonly is_bot?: boolean;
  readonly profile?: {
    readonly email?: string;
    readonly display_name?: string;
    readonly real_name?: string;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** A channel, private channel, IM or group DM, as conversations.* return it. */
export interface SlackConversation {
  readonly id: string;
  readonly name?: string;
  readonly is_im?: boolean;
  readonly is_mpim?: boolean;
  readonly is_private?: boolean;
  readonly is_archived?: boolean;
  /** For an IM: the other member. */
  readonly user?: string;
  readonly is_user_deleted?: boolean;
  readonly [key: string]: unknown;
}

/** The name omnibot shows for a user: the display name, else the user name. */
export function userDisplayName(user: SlackUser): string | undefined {
  return user.profile?.display_name || user.name || undefined;
}
