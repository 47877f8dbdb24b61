/** Credentials for the bots of test/fixtures/omnibot.yaml (nocredsbot has none on purpose). */
export const TEST_CREDENTIALS: Readonly<Record<string, string>> = {
  CREDENTIALS_SLACK_VERIFICATION_TOKEN_A12345678: 'verify-echobot',
  CREDENTIALS_SLACK_SIGNING_SECRET_A12345678: 'signing-secret-echobot',
  CREDENTIALS_SLACK_OAUTH_TOKEN_A12345678: 'xoxp-echobot-user',
  CREDENTIALS_SLACK_OAUTH_BOT_TOKEN_A12345678: 'xoxb-echobot',
  CREDENTIALS_SLACK_VERIFICATION_TOKEN_AABCDEF12: 'verify-pingbot',
  CREDENTIALS_SLACK_OAUTH_BOT_TOKEN_AABCDEF12: 'xoxb-pingbot',
  CREDENTIALS_SLACK_SIGNING_SECRET_A98765432: 'signing-secret-2nd-echobot',
  CREDENTIALS_SLACK_OAUTH_BOT_TOKEN_A98765432: 'xoxb-2nd-echobot',
};
