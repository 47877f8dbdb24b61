import t from 'tap';
import { LruCache } from '../../src/directory/lru.js';
import { SingleFlight } from '../../src/directory/single-flight.js';

t.test('the least recently used entry goes first', async (t) => {
  const cache = new LruCache<number>({ max: 2, ttlMs: 1000 });
  cache.set('a', 1);
  cache.set('b', 2);
  t.equal(cache.get('a'), 1, 'reading a makes b the oldest');
  cache.set('c', 3);
  t.equal(cache.get('b'), undefined);
  t.equal(cache.get('a'), 1);
  t.equal(cache.get('c'), 3);
  t.equal(cache.size, 2);
});

t.test('entries expire, and null is a value (a remembered miss)', async (t) => {
  let now = 0;
  const cache = new LruCache<string | null>({ max: 10, ttlMs: 100, now: () => now });
  cache.set('miss', null);
  t.equal(cache.get('miss'), null);
  now = 100;
  t.equal(cache.get('miss'), undefined, 'expired at the TTL');
  t.equal(cache.size, 0, 'and dropped');
  const off = new LruCache<string>({ max: 10, ttlMs: 0 });
  off.set('x', 'y');
  t.equal(off.get('x'), undefined, 'a TTL of 0 turns the cache off');
});

t.test('single flight shares one call per key while it runs', async (t) => {
  const flights = new SingleFlight();
  let calls = 0;
  const slow = () => new Promise<number>((resolve) => setTimeout(() => resolve(++calls), 20));
  const results = await Promise.all([flights.run('k', slow), flights.run('k', slow), flights.run('other', slow)]);
  t.equal(calls, 2);
  t.equal(results[0], results[1], 'the same result for the same key');
  t.equal(await flights.run('k', slow), 3, 'a later call runs again');
  await t.rejects(flights.run('k', () => Promise.reject(new Error('boom'))), { message: 'boom' });
  t.equal(await flights.run('k', slow), 4, 'a failure does not stick');
});
