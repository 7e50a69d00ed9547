import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SELECTION_POLICIES, replicaSelector, type SelectionPolicy } from '../../src/cluster/index.ts';
import { Rng } from '../../src/core/index.ts';

/** The replica-selection seam's contract, for every policy. */
describe.each(SELECTION_POLICIES)('ReplicaSelector contract: %s', (policy) => {
  it('always answers a replica of the shard, deterministically for a seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.array(fc.tuple(fc.nat(9), fc.array(fc.nat(20), { minLength: 30, maxLength: 30 })), { maxLength: 60 }), (replicas, steps) => {
        const a = replicaSelector(policy, 10, new Rng(3));
        const b = replicaSelector(policy, 10, new Rng(3));
        for (const [shard, loads] of steps) {
          const ra = a.choose(shard, replicas, (r) => loads[r]);
          expect(ra).toBeGreaterThanOrEqual(0);
          expect(ra).toBeLessThan(replicas);
          expect(b.choose(shard, replicas, (r) => loads[r])).toBe(ra);
        }
      }),
    );
  });

  it('spreads an idle cluster\'s requests over every replica', () => {
    const s = replicaSelector(policy, 1, new Rng(1));
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(s.choose(0, 5, () => 0));
    expect(seen.size).toBe(5);
  });
});

describe('load-aware policies', () => {
  const pick = (policy: SelectionPolicy, loads: number[]) => replicaSelector(policy, 1, new Rng(9)).choose(0, loads.length, (r) => loads[r]);
  it('least-outstanding picks a least-loaded replica', () => {
    expect(pick('least-outstanding', [3, 5, 0, 2])).toBe(2);
  });
  it('power-of-two takes the less loaded of two distinct random replicas', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(50), { minLength: 2, maxLength: 12 }), fc.integer({ min: 0, max: 10_000 }), (loads, seed) => {
        const r = replicaSelector('power-of-two', 1, new Rng(seed)).choose(0, loads.length, (x) => loads[x]);
        // The same stream replayed: the two replicas it sampled.
        const twin = new Rng(seed);
        const a = twin.int(loads.length);
        let b = twin.int(loads.length - 1);
        if (b >= a) b++;
        expect(r).toBe(loads[b] < loads[a] ? b : a);
      }),
    );
  });
});
