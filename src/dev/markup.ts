/**
 * What Slack's clients do to what a person types before sending it: `&`, `<`
 * and `>` escaped, then `@name`, `#channel` and `@here` turned into Slack's
 * markup (`<@U…>`, `<#C…|name>`, `<!here>`).
 */
import type { Workspace } from './workspace.js';

const SPECIALS = new Set(['here', 'channel', 'everyone']);

export function toSlackMarkup(workspace: Workspace, typed: string): string {
  const escaped = typed.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  return escaped
    .replace(/(^|[\s(])@([a-z0-9][a-z0-9._-]*)/gi, (whole, before: string, name: string) => {
      const trimmed = name.replace(/[.]+$/, '');
      const rest = name.slice(trimmed.length);
      if (SPECIALS.has(trimmed.toLowerCase())) return `${before}<!${trimmed.toLowerCase()}>${rest}`;
      const person = workspace.personByName(trimmed.toLowerCase());
      return person ? `${before}<@${person.id}>${rest}` : whole;
    })
    .replace(/(^|[\s(])#([a-z0-9][a-z0-9._-]*)/gi, (whole, before: string, name: string) => {
      const trimmed = name.replace(/[.]+$/, '');
      const channel = workspace.channelByName(trimmed.toLowerCase());
      return channel ? `${before}<#${channel.id}|${channel.name}>${name.slice(trimmed.length)}` : whole;
    });
}
