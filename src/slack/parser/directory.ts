/**
 * The lookups the parser needs, by id and by name. Names are given and
 * returned without their `@` / `#`. Return null for "not known"; throw (or
 * reject) only for a real failure, which the parse functions pass on.
 *
 * The parse functions look every distinct id or name of one text up once,
 * and start all of a text's lookups before awaiting any of them.
 */
export interface ParserDirectory {
  /** The name to show for a user id (omnibot: display name, else user name). */
  userName(id: string): Promise<string | null>;
  /** A user by the name written after `@`; `name` is the one to put in the markup. */
  userIdByName(name: string): Promise<{ id: string; name: string } | null>;
  /** A channel's name, by id. */
  channelName(id: string): Promise<string | null>;
  /** A channel by the name written after `#`; `name` is the one to put in the markup. */
  channelIdByName(name: string): Promise<{ id: string; name: string } | null>;
}
