import { signSlackRequest } from '../../src/slack/signature.js';

export interface SignedRequest {
  readonly payload: string;
  readonly headers: Record<string, string>;
}

function sign(body: string, secret: string | undefined, contentType: string, timestamp: number): SignedRequest {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (secret) {
    headers['x-slack-request-timestamp'] = String(timestamp);
    headers['x-slack-signature'] = signSlackRequest(secret, String(timestamp), body);
  }
  return { payload: body, headers };
}

const now = (): number => Math.floor(Date.now() / 1000);

/** An Events API request as Slack sends it, signed when given a signing secret. */
export function slackJson(body: unknown, secret?: string, timestamp = now()): SignedRequest {
  return sign(JSON.stringify(body), secret, 'application/json', timestamp);
}

/** A slash command (form fields) as Slack sends it. */
export function slackForm(fields: Record<string, string>, secret?: string, timestamp = now()): SignedRequest {
  return sign(new URLSearchParams(fields).toString(), secret, 'application/x-www-form-urlencoded', timestamp);
}

/** An interactive component: its JSON in the form field `payload`. */
export function slackInteractive(payload: unknown, secret?: string, timestamp = now()): SignedRequest {
  return slackForm({ payload: JSON.stringify(payload) }, secret, timestamp);
}
