import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack signs a request at most this long before we see it (either side, for clock skew). */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export interface SignedRequest {
  /** X-Slack-Request-Timestamp, as sent. */
  readonly timestamp: string | undefined;
  /** X-Slack-Signature, as sent. */
  readonly signature: string | undefined;
  /** The body exactly as received: Slack signs bytes, not a re-serialised object. */
  readonly rawBody: Buffer | string;
}

export type SignatureVerdict = 'valid' | 'missing' | 'malformed' | 'stale' | 'mismatch';

const SIGNATURE_SHAPE = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP_SHAPE = /^\d{1,12}$/;

/**
 * Slack's request signing (v0): `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<body>`
 * keyed with the app's signing secret, compared in constant time.
 */
export function verifySlackSignature(
  request: SignedRequest,
  signingSecret: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): SignatureVerdict {
  const { timestamp, signature } = request;
  if (!timestamp || !signature) return 'missing';
  if (!TIMESTAMP_SHAPE.test(timestamp) || !SIGNATURE_SHAPE.test(signature)) return 'malformed';
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) return 'stale';
  // The shape check above makes this exactly 32 bytes, as long as the digest.
  const given = Buffer.from(signature.slice(3), 'hex');
  return timingSafeEqual(digest(signingSecret, timestamp, request.rawBody), given) ? 'valid' : 'mismatch';
}

function digest(signingSecret: string, timestamp: string, rawBody: Buffer | string): Buffer {
  return createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(rawBody).digest();
}

/** The signature Slack would send; tests and benchmarks sign with it too. */
export function signSlackRequest(signingSecret: string, timestamp: string, rawBody: Buffer | string): string {
  return `v0=${digest(signingSecret, timestamp, rawBody).toString('hex')}`;
}
