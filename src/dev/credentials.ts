/**
 * Credentials for the configured bots, so that a configuration works with the
 * emulator and no secrets: what the environment sets is used, what it
 * doesn't is made up (the emulator accepts whatever omnibot-ts is given).
 */
import { credentialVariable, type BotCredentials, type Env } from '../config/credentials.js';
import type { ConfigFile } from '../config/schema.js';

/** The environment variables to add: for every bot, a signing secret, a verification token and a bot token when unset. */
export function inventedCredentials(document: ConfigFile, env: Env): Record<string, string> {
  const invented: Record<string, string> = {};
  for (const bots of Object.values(document.bots ?? {})) {
    for (const appId of Object.values(bots)) {
      const id = appId.toUpperCase();
      const name = (credential: keyof BotCredentials): string => credentialVariable(credential, appId);
      const missing = (credential: keyof BotCredentials): boolean => !env[name(credential)];
      if (missing('signingSecret')) invented[name('signingSecret')] = `emulated-signing-secret-${id}`;
      if (missing('verificationToken')) invented[name('verificationToken')] = `emulated-verification-${id}`;
      if (missing('botToken') && missing('userToken')) invented[name('botToken')] = `xoxb-emulated-${id}`;
    }
  }
  return invented;
}
