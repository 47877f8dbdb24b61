import t from 'tap';
import { inspect } from 'node:util';
import { Secret } from '../../src/config/secret.js';

t.test('a secret prints as a placeholder every way but reveal()', async (t) => {
  const secret = new Secret('xoxb-very-secret');
  t.equal(secret.reveal(), 'xoxb-very-secret');
  for (const text of [String(secret), `${secret}`, JSON.stringify({ secret }), inspect({ nested: { secret } }), inspect(secret)]) {
    t.notOk(text.includes('very-secret'), text);
    t.match(text, /\[redacted\]/);
  }
  t.same(Object.keys(secret), [], 'no enumerable field holds the value');
});
