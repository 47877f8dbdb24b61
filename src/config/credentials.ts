import { Secret } from './secret.js';

export interface BotCredentials {
  readonly verificationToken?: Secret;
  readonly signingSecret?: Secret;
  /** The user (xoxp) token: `CREDENTIALS_SLACK_OAUTH_TOKEN_<APP_ID>`. */
  readonly userToken?: Secret;
  readonly botToken?: Secret;
}

export type Env = Readonly<Record<string, string | undefined>>;

function secretFrom(env: Env, name: string): Secret | undefined {
  const value = env[name];
  return value ? new Secret(value) : undefined;
}

/** omnibot's variable names, per Slack app id (upper-cased, as omnibot does). */
export function readCredentials(env: Env, appId: string): BotCredentials {
  const id = appId.toUpperCase();
  const credentials: {
    -readonly [K in keyof BotCredentials]: BotCredentials[K];
  } = {};
  const verificationToken = secretFrom(env, `CREDENTIALS_SLACK_VERIFICATION_TOKEN_${id}`);
  const signingSecret = secretFrom(env, `CREDENTIALS_SLACK_SIGNING_SECRET_${id}`);
  const userToken = secretFrom(env, `CREDENTIALS_SLACK_OAUTH_TOKEN_${id}`);
  const botToken = secretFrom(env, `CREDENTIALS_SLACK_OAUTH_BOT_TOKEN_${id}`);
  if (verificationToken) credentials.verificationToken = verificationToken;
  if (signingSecret) credentials.signingSecret = signingSecret;
  if (userToken) credentials.userToken = userToken;
  if (botToken) credentials.botToken = botToken;
  return credentials;
}

/**
 * Why a bot can't be enabled, or undefined when it can: Slack's requests must be
 * verifiable (a verification token or a signing secret) and the bot must be
 * able to call Slack (a bot or a user OAuth token).
 */
export function missingCredentials(credentials: BotCredentials): string | undefined {
  if (!credentials.verificationToken && !credentials.signingSecret) {
    return 'no verification token or signing secret';
  }
  if (!credentials.botToken && !credentials.userToken) {
    return 'no bot or user OAuth token';
  }
  return undefined;
}
