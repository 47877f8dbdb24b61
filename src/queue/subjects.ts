import type { WebhookType } from './envelope.js';

export const STREAM_NAME = 'OMNIBOT';
export const STREAM_SUBJECTS = ['omnibot.>'];

/**
 * A subject token from a configured name. NATS tokens can't hold `.`, `*`, `>`
 * or white space, so anything but letters, digits, `-` and `_` is percent-encoded.
 */
export function subjectToken(name: string): string {
  return encodeURIComponent(name).replace(/[.*>!~'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

// Webhook subjects name configured teams and bots only, so this holds one entry per configured name.
const tokensOfNames = new Map<string, string>();

function configuredNameToken(name: string): string {
  let token = tokensOfNames.get(name);
  if (token === undefined) tokensOfNames.set(name, (token = subjectToken(name)));
  return token;
}

export function webhookSubject(type: WebhookType, teamName: string, botName: string): string {
  return `omnibot.${type}.${configuredNameToken(teamName)}.${configuredNameToken(botName)}`;
}
