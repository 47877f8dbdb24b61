import type { ParserDirectory } from './directory.js';
import { scanEmojis } from './emoji.js';
import { lookupEach } from './lookups.js';
import { scanMarkup } from './markup.js';
import { commandText, isDirected } from './mentions.js';

export interface InboundContext {
  /** The bot's name, without `@`. */
  readonly botName: string;
  /** The bot's user id; a mention of it counts as `mentioned` whatever its label. */
  readonly botUserId?: string;
  /** The message came in an IM, so it is `directed` whatever its text. */
  readonly channelIsIm: boolean;
}

/**
 * The fields omnibot adds to a message payload. Every map is keyed by the
 * markup exactly as it appears in `text` (as omnibot does), in order of first
 * appearance:
 *
 * - users:    `{"<@U6J3LTKSQ>": "rlane", "<@W1|bob.smith>": "bob.smith"}`
 * - channels: `{"<#C4VQ6NUNN>": "general", "<#C1|dev-ops>": "dev-ops"}`
 * - subteams: `{"<!subteam^S1|@oncall>": "oncall", "<!subteam^S2>": "S2"}`
 * - specials: `{"<!here>": "@here", "<!channel|@channel>": "@channel"}`
 * - emojis:   `{":+1:": "+1", ":skin-tone-2:": "skin-tone-2"}`
 * - emails:   `{"<mailto:a@b.com|a@b.com>": "a@b.com"}`
 * - urls:     `{"<https://x.com/a|x.com>": "https://x.com/a"}`
 */
export interface InboundParse {
  users: Record<string, string>;
  channels: Record<string, string>;
  subteams: Record<string, string>;
  specials: Record<string, string>;
  emojis: Record<string, string>;
  emails: Record<string, string>;
  urls: Record<string, string>;
  parsed_text: string;
  directed: boolean;
  mentioned: boolean;
  command_text: string;
}

/*
 * Where this differs from omnibot (omnibot/services/slack/parser.py, message.py), on purpose:
 *
 * - A user the label and the directory can't name maps to its id, and shows as
 *   `@U…` in parsed_text; omnibot mapped it to None (null) and left the markup.
 *   (A channel nobody can name is left out of `channels`, as in omnibot.)
 * - Labels may hold any character but `>` (`<@U1|john.smith>`, `<#C1|a.b>`);
 *   omnibot's `[\w-]+` dropped such markup altogether.
 * - `<!here|here>` (label without `@`) parses; omnibot's regex required `|@…`.
 * - Subteams are parsed (omnibot returned `{}`): the value is the handle without
 *   `@`, or the subteam id when the markup has no label (the directory has no
 *   subteam lookup); parsed_text shows `@handle` / `@S…`.
 * - `<#G…>` (private channels made before 2021) parse like `<#C…>`.
 * - Emojis are looked for outside markup only (omnibot also reported `:b:` in
 *   `<https://x.com/a:b:c>`), and `'` may be part of a name.
 * - `mentioned` is also true for `<@BOT_ID|any label>`; omnibot only compared
 *   the unlabelled key `<@BOT_ID>`.
 * - parsed_text is built in one pass over the markup instead of omnibot's
 *   repeated str.replace; for Slack's text (where `<` and `>` are escaped) the
 *   result is the same.
 * - A failing directory lookup rejects the whole parse; omnibot logged and
 *   sent the payload without the field that failed.
 */

/**
 * Parses Slack's markup in a message's text into omnibot's payload fields.
 * Linear in the length of the text; every distinct unlabelled user or channel
 * id is looked up once, all lookups at the same time.
 */
export async function parseInbound(
  text: string,
  context: InboundContext,
  directory: ParserDirectory,
): Promise<InboundParse> {
  const tokens = scanMarkup(text);

  const userIds = new Set<string>();
  const channelIds = new Set<string>();
  for (const token of tokens) {
    if (token.kind === 'user' && token.label === undefined) userIds.add(token.id);
    else if (token.kind === 'channel' && token.label === undefined) channelIds.add(token.id);
  }
  const [userNames, channelNames] = await Promise.all([
    lookupEach(userIds, (id) => directory.userName(id)),
    lookupEach(channelIds, (id) => directory.channelName(id)),
  ]);

  const result: InboundParse = {
    users: {},
    channels: {},
    subteams: {},
    specials: {},
    emojis: {},
    emails: {},
    urls: {},
    parsed_text: '',
    directed: false,
    mentioned: false,
    command_text: '',
  };
  const parts: string[] = [];
  let last = 0;
  for (const token of tokens) {
    scanEmojis(text, last, token.start, result.emojis);
    parts.push(text.slice(last, token.start));
    let plain: string = token.raw;
    switch (token.kind) {
      case 'user': {
        const name = token.label ?? userNames.get(token.id) ?? token.id;
        result.users[token.raw] = name;
        plain = `@${name}`;
        if (name === context.botName || token.id === context.botUserId) result.mentioned = true;
        break;
      }
      case 'channel': {
        const name = token.label ?? channelNames.get(token.id) ?? null;
        if (name !== null) {
          result.channels[token.raw] = name;
          plain = `#${name}`;
        }
        break;
      }
      case 'subteam': {
        const handle = token.label ?? token.id;
        result.subteams[token.raw] = handle;
        plain = `@${handle}`;
        break;
      }
      case 'special':
        plain = `@${token.name}`;
        result.specials[token.raw] = plain;
        break;
      case 'email':
        plain = token.address;
        result.emails[token.raw] = plain;
        break;
      case 'url':
        plain = token.url;
        result.urls[token.raw] = plain;
        break;
    }
    parts.push(plain);
    last = token.end;
  }
  scanEmojis(text, last, text.length, result.emojis);
  parts.push(text.slice(last));

  result.parsed_text = parts.join('');
  result.directed = isDirected(result.parsed_text, context.botName, context.channelIsIm);
  result.command_text = commandText(result.parsed_text, context.botName);
  return result;
}
