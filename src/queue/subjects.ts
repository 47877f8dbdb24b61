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

export function webhookSubject(type: WebhookType, teamName: string, botName: string): string {
  return `omnibot.${type}.${subjectToken(teamName)}.${subjectToken(botName)}`;
}
