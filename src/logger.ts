import type { LoggerOptions } from 'pino';

/**
 * Where a secret could appear in a logged object. Secrets are also wrapped in
 * `Secret`, which prints as a placeholder; this is the second line of defence.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-slack-signature"]',
  'headers.authorization',
  'token',
  'signing_secret',
  '*.token',
  '*.signing_secret',
  '*.headers.authorization',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
}
