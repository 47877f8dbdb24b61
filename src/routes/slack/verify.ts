import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Bot } from '../../config/registry.js';
import { verifySlackSignature } from '../../slack/signature.js';

export const INVALID_SIGNATURE = 'Invalid request signature.';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function signatureValid(request: FastifyRequest, signingSecret: string): ReturnType<typeof verifySlackSignature> {
  return verifySlackSignature(
    {
      timestamp: header(request, 'x-slack-request-timestamp'),
      signature: header(request, 'x-slack-signature'),
      rawBody: request.rawBody ?? Buffer.alloc(0),
    },
    signingSecret,
  );
}

/**
 * True when the request carries a valid Slack signature for this bot's app,
 * or when the app has no signing secret (then the verification token is the check).
 */
export function signatureAccepted(request: FastifyRequest, bot: Bot): boolean {
  const secret = bot.credentials.signingSecret;
  if (!secret) return true;
  const verdict = signatureValid(request, secret.reveal());
  if (verdict !== 'valid') request.log.warn({ ...bot.logContext, verdict }, 'Slack request signature rejected');
  return verdict === 'valid';
}

/** The payload's token matches the bot's configured one; an app configured with a signing secret only has none to compare. */
export function tokenAccepted(token: unknown, bot: Bot): boolean {
  const expected = bot.credentials.verificationToken;
  if (!expected) return bot.credentials.signingSecret !== undefined;
  return typeof token === 'string' && sameSecret(token, expected.reveal());
}

/** Equality that takes as long whatever the first differing character (hashing first evens the lengths). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** url_verification has no app id: besides a known token, a signature by any app's signing secret admits it. */
export function anySigningSecretAccepts(request: FastifyRequest, bots: readonly Bot[]): boolean {
  return bots.some(
    ({ credentials }) =>
      credentials.signingSecret !== undefined && signatureValid(request, credentials.signingSecret.reveal()) === 'valid',
  );
}

// Slack's retry headers are a small count and a snake_case reason (http_timeout, http_error…);
// anything else is not Slack's, and is not copied into the stored message's headers.
const RETRY_NUM = /^\d{1,4}$/;
const RETRY_REASON = /^[a-z0-9_]{1,64}$/;

/** Slack's retry headers, recorded with the message. */
export function slackRetry(request: FastifyRequest): { retryNum?: string; retryReason?: string } {
  const retryNum = header(request, 'x-slack-retry-num');
  const retryReason = header(request, 'x-slack-retry-reason');
  return {
    ...(retryNum !== undefined && RETRY_NUM.test(retryNum) ? { retryNum } : {}),
    ...(retryReason !== undefined && RETRY_REASON.test(retryReason) ? { retryReason } : {}),
  };
}
