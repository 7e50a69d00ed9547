import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteLru, LruCacheBuffer, accessPrefix, type BufferCache } from '../../src/cluster/bufferCache.ts';

const impls: [string, (max: number) => BufferCache][] = [
  ['LruCacheBuffer (lru-cache)', (m) => new LruCacheBuffer(m)],
  ['ByteLru', (m) => new ByteLru(m)],
];

const ops = fc.array(fc.tuple(fc.boolean(), fc.nat(40), fc.integer({ min: 1, max: 700 })), { maxLength: 400, size: 'max' });

describe.each(impls)('BufferCache contract: %s', (_name, make) => {
  it('keeps what fits, evicting the least recently used, and never a list larger than itself', () => {
    const c = make(1000);
    c.set(1, 400);
    c.set(2, 400);
    expect(c.get(1)).toBe(true); // 1 is now more recent than 2
    c.set(3, 400); // evicts 2
    expect(c.get(2)).toBe(false);
    expect(c.get(1)).toBe(true);
    expect(c.get(3)).toBe(true);
    c.set(4, 5000);
    expect(c.get(4)).toBe(false);
    expect(c.sizeBytes).toBe(800);
    // access: a miss caches the list, the next access hits.
    expect(c.access(5, 100)).toBe(false);
    expect(c.access(5, 100)).toBe(true);
  });

  it('serves a prefix read only from a cached prefix at least as long, and then keeps the longer one', () => {
    const c = make(1000);
    expect(accessPrefix(c, 7, 100)).toBe(false);
    expect(c.sizeOf(7)).toBe(100);
    expect(accessPrefix(c, 7, 60)).toBe(true);
    expect(accessPrefix(c, 7, 300)).toBe(false);
    expect(c.sizeOf(7)).toBe(300);
    expect(accessPrefix(c, 7, 300)).toBe(true);
    expect(c.sizeBytes).toBe(300);
    expect(c.sizeOf(8)).toBe(0);
  });
});

describe('ByteLru', () => {
  it('answers every sequence of lookups and inserts exactly as lru-cache does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 3000 }), ops, (max, seq) => {
        const ref = new LruCacheBuffer(max);
        const fast = new ByteLru(max);
        for (const [isGet, key, bytes] of seq) {
          if (isGet && key % 3 === 0) expect(accessPrefix(fast, key, bytes)).toBe(accessPrefix(ref, key, bytes));
          else if (isGet && key % 2 === 0) expect(fast.access(key, bytes)).toBe(ref.access(key, bytes));
          else if (isGet) expect(fast.get(key)).toBe(ref.get(key));
          else {
            fast.set(key, bytes);
            ref.set(key, bytes);
          }
          expect(fast.sizeBytes).toBe(ref.sizeBytes);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with lru-cache over many keys, where the hash table grows, collides and shifts entries back', () => {
    // kind 0: access, 1: set, 2: get. Hot keys (below 64) are used again and again, so the recency log
    // fills with stale pairs and is compacted in place; some lists are larger than the whole cache.
    const key = fc.oneof(fc.nat(63), fc.nat(5000));
    const wide = fc.array(fc.tuple(fc.nat(2), key, fc.integer({ min: 1, max: 1500 })), { minLength: 200, maxLength: 3000 });
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 60000 }), wide, (max, seq) => {
        const ref = new LruCacheBuffer(max);
        const fast = new ByteLru(max);
        for (const [kind, k, bytes] of seq) {
          if (kind === 0) expect(fast.access(k, bytes)).toBe(ref.access(k, bytes));
          else if (kind === 1) {
            fast.set(k, bytes);
            ref.set(k, bytes);
          } else expect(fast.get(k)).toBe(ref.get(k));
        }
        expect(fast.sizeBytes).toBe(ref.sizeBytes);
        for (let k = 0; k <= 5000; k += 7) expect(fast.get(k)).toBe(ref.get(k));
      }),
      { numRuns: 100 },
    );
  });

  it('keeps exact recency when its use counter wraps (restamped every 50 uses here)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 3000 }), ops, (max, seq) => {
        const ref = new LruCacheBuffer(max);
        const fast = new ByteLru(max, 50);
        for (const [isGet, k, bytes] of seq) {
          if (isGet) expect(fast.access(k, bytes)).toBe(ref.access(k, bytes));
          else {
            fast.set(k, bytes);
            ref.set(k, bytes);
          }
        }
        expect(fast.sizeBytes).toBe(ref.sizeBytes);
        for (let k = 0; k <= 40; k++) expect(fast.get(k)).toBe(ref.get(k));
      }),
      { numRuns: 200 },
    );
  });
});
