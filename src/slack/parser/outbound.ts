import { AT, DOT, GT, HASH, LT, isSpace, nameEnd, wordCharLength } from './chars.js';
import type { ParserDirectory } from './directory.js';
import { lookupEach } from './lookups.js';
import { markupClose } from './markup.js';

export const OUTBOUND_KINDS = ['specials', 'channels', 'users'] as const;
export type OutboundKind = (typeof OUTBOUND_KINDS)[number];

const SPECIALS: ReadonlySet<string> = new Set(['here', 'channel', 'everyone']);

/*
 * Where this differs from omnibot's unextract_specials / unextract_channels /
 * unextract_users (omnibot/services/slack/parser.py), on purpose:
 *
 * - Each `@name` / `#name` is replaced where it stands. omnibot looked the names
 *   up and then str.replace'd every `@name` anywhere in the text, so with users
 *   `al` and `alice`, `@al @alice` became `<@U_AL|al> <@U_AL|al>ice`.
 * - A name is omnibot's `[\w\-_]+` plus inner dots (`@john.smith`), a trailing
 *   dot ending the sentence rather than the name (`#general.`, as in omnibot).
 *   Other punctuation ends a name as in omnibot (`@alice,` `@alice's`).
 * - "After white space" is any white space (omnibot: a literal space, or the
 *   very start of the text; a name after a newline was missed).
 * - Specials: `@everyone` too (omnibot: `@here`, `@channel` only). omnibot
 *   replaced `@here` anywhere, even inside `bob@here.com` or `@heresy`; here the
 *   word must be whole (the name scan ends right after it) and not follow a
 *   character that can end an e-mail local part (word chars, `.`, `-`, `+`).
 * - Markup already in the text (`<…>`) is copied as it is; omnibot could
 *   rewrite inside it (`<!here|@here>` became `<!here|<!here|here>>`).
 * - Lookups are by the name as written, all at once; omnibot looked up one
 *   name at a time.
 */

/** The spans of the output: verbatim text, or a name to look up. */
type Piece = string | { readonly kind: 'user' | 'channel'; readonly name: string; readonly raw: string };

function mayPrecedeSpecial(text: string, at: number): boolean {
  if (at === 0) return true;
  const c = text.charCodeAt(at - 1);
  if (c === DOT || c === 0x2d /* - */ || c === 0x2b /* + */) return false;
  // A low surrogate: test the whole code point before it.
  const from = c >= 0xdc00 && c <= 0xdfff && at >= 2 ? at - 2 : at - 1;
  return wordCharLength(text, from) === 0;
}

/**
 * Turns plain `@here`, `#channel` and `@user` into Slack markup, as omnibot's
 * `omnibot_parse` does: specials first, then channels, then users, whatever
 * the order of `kinds`. Unknown names stay as written. One pass over the text;
 * each distinct name is looked up once, all lookups at the same time.
 */
export async function parseOutbound(
  text: string,
  kinds: ReadonlyArray<OutboundKind>,
  directory: ParserDirectory,
): Promise<string> {
  const specials = kinds.includes('specials');
  const channels = kinds.includes('channels');
  const users = kinds.includes('users');
  if (!specials && !channels && !users) return text;

  const pieces: Piece[] = [];
  const userNames = new Set<string>();
  const channelNames = new Set<string>();
  const n = text.length;
  let copied = 0; // text[copied, i) is yet to be pushed verbatim
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === LT) {
      const close = markupClose(text, i);
      // Closed markup is skipped whole; an unclosed `<` is plain text.
      i = close < n && text.charCodeAt(close) === GT ? close + 1 : i + 1;
      continue;
    }
    if (c !== AT && c !== HASH) {
      i++;
      continue;
    }
    const end = nameEnd(text, i + 1);
    const name = text.slice(i + 1, end);
    const afterSpace = i === 0 || isSpace(text.charCodeAt(i - 1));
    let replacement: Piece | undefined;
    if (c === AT && specials && SPECIALS.has(name) && mayPrecedeSpecial(text, i)) {
      replacement = `<!${name}|${name}>`;
    } else if (afterSpace && name.length > 0) {
      const raw = text.slice(i, end);
      if (c === HASH && channels) {
        channelNames.add(name);
        replacement = { kind: 'channel', name, raw };
      } else if (c === AT && users) {
        userNames.add(name);
        replacement = { kind: 'user', name, raw };
      }
    }
    if (replacement !== undefined) {
      if (copied < i) pieces.push(text.slice(copied, i));
      pieces.push(replacement);
      copied = end;
    }
    // Name characters hold no `<`, `@` or `#`, so nothing starts inside the name.
    i = end > i + 1 ? end : i + 1;
  }
  if (pieces.length === 0) return text;
  if (copied < n) pieces.push(text.slice(copied));

  const [foundUsers, foundChannels] = await Promise.all([
    lookupEach(userNames, (name) => directory.userIdByName(name)),
    lookupEach(channelNames, (name) => directory.channelIdByName(name)),
  ]);
  let out = '';
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      out += piece;
    } else if (piece.kind === 'user') {
      const user = foundUsers.get(piece.name);
      out += user ? `<@${user.id}|${user.name}>` : piece.raw;
    } else {
      const channel = foundChannels.get(piece.name);
      out += channel ? `<#${channel.id}|${channel.name}>` : piece.raw;
    }
  }
  return out;
}
