import t from 'tap';
import { createHmac } from 'node:crypto';
import { signSlackRequest, verifySlackSignature } from '../../src/slack/signature.js';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NOW = 1_700_000_000;
const BODY = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fweather&text=94070';

t.test('Slack\'s own construction: v0= + hex HMAC-SHA256 of v0:<ts>:<body>', async (t) => {
  const independent = `v0=${createHmac('sha256', SECRET).update(`v0:${NOW}:${BODY}`).digest('hex')}`;
  t.equal(signSlackRequest(SECRET, String(NOW), BODY), independent);
});

t.test('verdicts', async (t) => {
  const good = signSlackRequest(SECRET, String(NOW), BODY);
  const cases: Array<[string, { timestamp?: string; signature?: string; rawBody: string | Buffer }, string, number?]> = [
    ['good', { timestamp: String(NOW), signature: good, rawBody: BODY }, 'valid'],
    ['good, as bytes', { timestamp: String(NOW), signature: good, rawBody: Buffer.from(BODY) }, 'valid'],
    ['no signature', { timestamp: String(NOW), rawBody: BODY }, 'missing'],
    ['no timestamp', { signature: good, rawBody: BODY }, 'missing'],
    ['forged', { timestamp: String(NOW), signature: signSlackRequest('other-secret', String(NOW), BODY), rawBody: BODY }, 'mismatch'],
    ['one body byte changed', { timestamp: String(NOW), signature: good, rawBody: BODY.replace('94070', '94071') }, 'mismatch'],
    ['a trailing newline added', { timestamp: String(NOW), signature: good, rawBody: `${BODY}\n` }, 'mismatch'],
    ['the timestamp changed', { timestamp: String(NOW + 1), signature: good, rawBody: BODY }, 'mismatch', NOW],
    ['stale: six minutes old', { timestamp: String(NOW - 360), signature: signSlackRequest(SECRET, String(NOW - 360), BODY), rawBody: BODY }, 'stale'],
    ['future: six minutes ahead', { timestamp: String(NOW + 360), signature: signSlackRequest(SECRET, String(NOW + 360), BODY), rawBody: BODY }, 'stale'],
    ['just inside five minutes', { timestamp: String(NOW - 300), signature: signSlackRequest(SECRET, String(NOW - 300), BODY), rawBody: BODY }, 'valid'],
    ['upper-case hex', { timestamp: String(NOW), signature: good.toUpperCase().replace('V0=', 'v0='), rawBody: BODY }, 'malformed'],
    ['v1 scheme', { timestamp: String(NOW), signature: good.replace('v0=', 'v1='), rawBody: BODY }, 'malformed'],
    ['truncated', { timestamp: String(NOW), signature: good.slice(0, -2), rawBody: BODY }, 'malformed'],
    ['timestamp not a number', { timestamp: 'yesterday', signature: good, rawBody: BODY }, 'malformed'],
  ];
  for (const [name, request, verdict, now] of cases) {
    t.equal(verifySlackSignature({ timestamp: undefined, signature: undefined, ...request }, SECRET, now ?? NOW), verdict, name);
  }
});
