/**
 * Credentials for the configured bots, so that a configuration works with the
 * emulator and no secrets: what the environment sets is used, what it
 * doesn't is made up (the emulator accepts whatever omnibot-ts is given).
 */
import type { Env } from '../config/credentials.js';
import type { ConfigFile } from '../config/schema.js';

/** The environment variables to add: for every bot, a signing secret, a verification token and a bot token when unset. */
export function inventedCredentials(document: ConfigFile, env: Env): Record<string, string> {
  const invented: Record<string, string> = {};
  for (const bots of Object.values(document.bots ?? {})) {
    for (const appId of Object.values(bots)) {
      const id = appId.toUpperCase();
      const missing = (name: string): boolean => !env[name];
      if (missing(`CREDENTIALS_SLACK_SIGNING_SECRET_${id}`)) invented[`CREDENTIALS_SLACK_SIGNING_SECRET_${id}`] = `emulated-signing-secret-${id}`;
      if (missing(`CREDENTIALS_SLACK_VERIFICATION_TOKEN_${id}`)) invented[`CREDENTIALS_SLACK_VERIFICATION_TOKEN_${id}`] = `emulated-verification-${id}`;
      if (missing(`CREDENTIALS_SLACK_OAUTH_BOT_TOKEN_${id}`) && missing(`CREDENTIALS_SLACK_OAUTH_TOKEN_${id}`)) {
        invented[`CREDENTIALS_SLACK_OAUTH_BOT_TOKEN_${id}`] = `xoxb-emulated-${id}`;
      }
    }
  }
  return invented;
}
