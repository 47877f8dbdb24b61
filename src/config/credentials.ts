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

const VARIABLE_KINDS: Readonly<Record<keyof BotCredentials, string>> = {
  verificationToken: 'VERIFICATION_TOKEN',
  signingSecret: 'SIGNING_SECRET',
  userToken: 'OAUTH_TOKEN',
  botToken: 'OAUTH_BOT_TOKEN',
};

/** omnibot's variable name for one of a Slack app's credentials: `CREDENTIALS_SLACK_<KIND>_<APP_ID>`, the id upper-cased as omnibot does. */
export function credentialVariable(credential: keyof BotCredentials, appId: string): string {
  return `CREDENTIALS_SLACK_${VARIABLE_KINDS[credential]}_${appId.toUpperCase()}`;
}

/** A Slack app's credentials from omnibot's variables. */
export function readCredentials(env: Env, appId: string): BotCredentials {
  const credentials: {
    -readonly [K in keyof BotCredentials]: BotCredentials[K];
  } = {};
  const verificationToken = secretFrom(env, credentialVariable('verificationToken', appId));
  const signingSecret = secretFrom(env, credentialVariable('signingSecret', appId));
  const userToken = secretFrom(env, credentialVariable('userToken', appId));
  const botToken = secretFrom(env, credentialVariable('botToken', appId));
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
