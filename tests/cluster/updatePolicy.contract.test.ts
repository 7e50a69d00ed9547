import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchPolicy, IncrementalPolicy, SimulatedCluster, SyntheticServiceModel, type UpdateCostInputs, type UpdatePolicy } from '../../src/cluster/index.ts';
import { Rng } from '../../src/core/index.ts';
import { HARDWARE_PRESETS } from '../../src/hardware/index.ts';
import { Simulation } from '../../src/sim/index.ts';

const cost = (mode: 'disk' | 'memory'): UpdateCostInputs => ({ shards: 4, replicas: 3, mode, shardIndexBytes: 2e9, meanListBytes: 1e6, weight: 10 });
const cluster = (mode: 'disk' | 'memory') =>
  new SimulatedCluster(
    new Simulation(),
    { shards: 4, replicas: 3, mode, hardware: HARDWARE_PRESETS['2001'], cores: 2, disks: 1, selection: 'round-robin', cacheBytes: 1e9, hops: true },
    new SyntheticServiceModel({ kind: 'deterministic', ms: 1 }, new Rng(1), 10),
    new Rng(1),
  );

/** Visibility of a change under a policy, committing (in time order) where the policy asks to. */
function visibility(p: UpdatePolicy, changesMs: number[], mode: 'disk' | 'memory'): number[] {
  const c = cluster(mode);
  const sched = changesMs.map((t) => p.schedule(t));
  const order = changesMs.map((_, i) => i).sort((a, b) => ('commitMs' in sched[a] ? sched[a].commitMs : 0) - ('commitMs' in sched[b] ? sched[b].commitMs : 0));
  const out = new Array<number>(changesMs.length);
  for (const i of order) {
    const s = sched[i];
    out[i] = 'visibleMs' in s ? s.visibleMs : p.commit(c, i % 4, 5, s.commitMs);
  }
  return out;
}

/** The update-policy seam's contract, for both policies and both index modes. */
describe.each([
  ['batch', (m: 'disk' | 'memory') => new BatchPolicy({ kind: 'batch', periodDays: 30, buildHours: 72 }, cost(m), 35_000)],
  ['incremental', (m: 'disk' | 'memory') => new IncrementalPolicy({ kind: 'incremental', delayS: 30 }, cost(m))],
] as const)('UpdatePolicy contract: %s', (_name, make) => {
  it.each(['memory', 'disk'] as const)('a change is never visible before it is made, and a later change never earlier than an earlier one on its shard (%s)', (mode) => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 600_000 }), { minLength: 1, maxLength: 40 }), (ts) => {
        const changes = [...ts].sort((a, b) => a - b);
        const v = visibility(make(mode), changes, mode);
        changes.forEach((t, i) => expect(v[i]).toBeGreaterThanOrEqual(t));
        for (let i = 0; i < changes.length; i++) for (let j = i + 1; j < changes.length; j++) if (i % 4 === j % 4) expect(v[j]).toBeGreaterThanOrEqual(v[i]);
      }),
      { numRuns: 40 },
    );
  });
  it('keeps at least one replica of every shard in rotation', () => {
    const p = make('disk');
    for (let t = 0; t < 60 * 86_400_000; t += 3_600_000) expect([0, 1, 2].some((r) => !p.outOfRotation(r, t))).toBe(true);
  });
});

describe('when a new index goes live (what flushes a result cache)', () => {
  it('a batch index goes live exactly when the changes of its cycle become visible, and never again before the next cycle', () => {
    fc.assert(
      fc.property(fc.integer({ min: -40 * 86_400_000, max: 90 * 86_400_000 }), (t) => {
        const p = new BatchPolicy({ kind: 'batch', periodDays: 30, buildHours: 72 }, cost('disk'), 35_000);
        const live = p.nextLiveMs(t);
        expect(live).toBeGreaterThan(t);
        const v = p.schedule(t).visibleMs;
        // The change made at t is visible at a go-live instant, the first one after its rebuild started.
        expect(p.nextLiveMs(v - 1e-3)).toBeCloseTo(v, 6);
        expect(p.nextLiveMs(live)).toBeGreaterThan(live + 29 * 86_400_000);
      }),
      { numRuns: 200 },
    );
  });
  it('a rollout longer than its period still names the first go-live after an instant', () => {
    const p = new BatchPolicy({ kind: 'batch', periodDays: 1, buildHours: 60 }, cost('disk'), 35_000);
    const t = 5 * 86_400_000;
    const live = p.nextLiveMs(t);
    for (let u = t; u < live; u += 600_000) expect(p.nextLiveMs(u)).toBeCloseTo(live, 6);
    expect(live - t).toBeLessThanOrEqual(86_400_000 + 1);
  });
  it('incremental updates never take a whole new index live', () => {
    expect(new IncrementalPolicy({ kind: 'incremental', delayS: 30 }, cost('memory')).nextLiveMs()).toBe(Infinity);
  });
});
