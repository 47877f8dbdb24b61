import { isSpace, pyStrip } from './chars.js';

function hasSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isSpace(text.charCodeAt(i))) return true;
  return false;
}

/**
 * omnibot's `directed`: the channel is an IM, or the first white-space
 * delimited word of the parsed text is exactly `@<bot name>` (so
 * `@omnibot\u00a0do` is directed, `@omnibot: do` and `@omnibotdo` are not).
 */
export function isDirected(parsedText: string, botName: string, channelIsIm: boolean): boolean {
  if (channelIsIm) return true;
  const atMe = `@${botName}`;
  if (hasSpace(atMe) || !parsedText.startsWith(atMe)) return false;
  return parsedText.length === atMe.length || isSpace(parsedText.charCodeAt(atMe.length));
}

/**
 * omnibot's `command_text`, from the parsed text:
 * - starts with `@<bot name>`: the rest, stripped (`@omnibotdo x` gives `do x`, as in omnibot);
 * - else holds `@<bot name>`: omnibot's `re.sub(".*@<bot name>", "", text).strip()`.
 *   `.` stops at a newline, so on each line everything up to and including the
 *   line's last `@<bot name>` goes. Done with lastIndexOf per line (linear)
 *   and with the name taken literally (omnibot put it into the regex unescaped);
 * - else the parsed text unchanged (not stripped, as in omnibot).
 */
export function commandText(parsedText: string, botName: string): string {
  const atMe = `@${botName}`;
  if (parsedText.startsWith(atMe)) return pyStrip(parsedText.slice(atMe.length));
  if (!parsedText.includes(atMe)) return parsedText;
  const lines = parsedText.split('\n').map((line) => {
    const last = line.lastIndexOf(atMe);
    return last < 0 ? line : line.slice(last + atMe.length);
  });
  return pyStrip(lines.join('\n'));
}
