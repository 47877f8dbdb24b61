import t from 'tap';
import { eventJsonWithoutToken, payloadWithoutToken } from '../../src/queue/without-token.js';

const joined = (parts: Buffer[] | undefined): unknown => (parts ? JSON.parse(Buffer.concat(parts).toString('utf8')) : undefined);

t.test('Slack\'s usual shape: the token is cut out of the bytes, the rest kept as sent', async (t) => {
  const sent = '{"token":"abc123XYZ","team_id":"T1","event":{"type":"message","text":"a \\"token\\" here"},"event_id":"Ev1"}';
  const parts = eventJsonWithoutToken(Buffer.from(sent));
  t.same(joined(parts), { team_id: 'T1', event: { type: 'message', text: 'a "token" here' }, event_id: 'Ev1' });
  t.equal(Buffer.concat(parts ?? []).toString(), sent.replace('"token":"abc123XYZ",', ''), 'byte for byte the rest of what Slack sent');
});

t.test('any other shape is left to the caller (undefined): it serialises the parsed payload instead', async (t) => {
  const shapes = [
    '{"team_id":"T1","token":"abc"}', // not first
    '{ "token": "abc", "team_id": "T1" }', // not compact
    '{"token":"a\\"b","team_id":"T1"}', // an escape in the token
    '{"token":"abc"}', // nothing after it
    '{"token":"abc","team_id":"T1","token":"def"}', // a duplicate key
    '{"token":"abc","event":{"token":"nested"}}', // "token" elsewhere
  ];
  for (const shape of shapes) t.equal(eventJsonWithoutToken(Buffer.from(shape)), undefined, shape);
});

t.test('a parsed payload loses its top-level token only', async (t) => {
  t.same(payloadWithoutToken({ token: 'x', team_id: 'T1', nested: { token: 'kept' } }), { team_id: 'T1', nested: { token: 'kept' } });
  const none = { team_id: 'T1' };
  t.equal(payloadWithoutToken(none), none, 'no copy when there is nothing to remove');
});
