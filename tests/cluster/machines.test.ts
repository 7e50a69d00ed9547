import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LeafCharge, MachineBank, newLeafDemand, type LeafDemand, type LeafListener, type MachineOptions } from '../../src/cluster/index.ts';
import { HARDWARE_PRESETS } from '../../src/hardware/index.ts';
import { Simulation } from '../../src/sim/index.ts';

const HW = HARDWARE_PRESETS['2001'];
const options = (o: Partial<MachineOptions> = {}): MachineOptions => ({ machines: 3, cores: 2, disks: 2, mode: 'disk', hardware: HW, cacheBytes: 3e6, ...o });

/** A bank on a fresh simulation whose listener keeps every end and failure by token. */
function bank(o: Partial<MachineOptions> = {}) {
  const sim = new Simulation();
  const done = new Map<number, number>();
  const failed = new Map<number, number>();
  const listener: LeafListener<number> = {
    leafDone: (t, ms) => void done.set(t, ms),
    leafFailed: (t, ms) => void failed.set(t, ms),
  };
  return { sim, done, failed, bank: new MachineBank<number>(sim, options(o), listener) };
}

/** A leaf demand: `cpuMs` of CPU and posting lists (key, modelled bytes) to read. */
function demand(cpuMs: number, reads: [number, number][] = []): LeafDemand {
  const d = newLeafDemand(Math.max(1, reads.length));
  d.cpuMs = cpuMs;
  d.reads = reads.length;
  reads.forEach(([k, b], i) => {
    d.readKeys[i] = k;
    d.readBytes[i] = b;
  });
  return d;
}

/** Sends each request at its time and runs to the end; returns every request's end on its machine. */
function play(b: ReturnType<typeof bank>, requests: { atMs: number; machine: number; d: LeafDemand }[]): number[] {
  const charge = new LeafCharge();
  requests.forEach((r, token) =>
    b.sim.at(r.atMs, () => {
      const end = b.bank.request(r.machine, r.d, b.sim.nowMs, charge, token);
      if (!Number.isNaN(end)) b.done.set(token, end);
    }),
  );
  b.sim.run();
  return requests.map((_, t) => b.done.get(t)!);
}

const requestArb = fc.record({
  gapMs: fc.double({ min: 0, max: 20, noNaN: true }),
  machine: fc.integer({ min: 0, max: 2 }),
  cpuMs: fc.double({ min: 0.01, max: 10, noNaN: true }),
  reads: fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 2e6 })), { maxLength: 4 }),
});

describe('MachineBank', () => {
  it.each(['disk', 'memory'] as const)('tracked or plain, every leaf ends at the same time when nothing is cancelled (%s mode)', (mode) => {
    fc.assert(
      fc.property(fc.array(requestArb, { minLength: 1, maxLength: 60 }), (rs) => {
        let t = 0;
        const requests = rs.map((r) => ({ atMs: (t += r.gapMs), machine: r.machine, d: demand(r.cpuMs, r.reads) }));
        const plain = play(bank({ mode }), requests);
        const tracked = play(bank({ mode, tracked: true }), requests);
        expect(tracked).toEqual(plain);
      }),
      { numRuns: 60 },
    );
  });

  it('books a leaf\'s cost at once: seeks and bytes of cold lists, then hits on the same machine', () => {
    const b = bank({ disks: 1 });
    const c = new LeafCharge();
    b.bank.request(0, demand(1, [[5, 1e6]]), 0, c, 0);
    expect([c.seeks, c.diskBytes, c.cacheLookups, c.cacheHits]).toEqual([1, 1e6, 1, 0]);
    b.bank.request(0, demand(1, [[5, 1e6]]), 0, c, 1);
    expect([c.seeks, c.diskBytes, c.cacheLookups, c.cacheHits]).toEqual([0, 0, 1, 1]);
    b.bank.request(1, demand(1, [[5, 1e6]]), 0, c, 2);
    expect(c.seeks).toBe(1);
  });

  it('a slow machine takes `slowdown` times as long, CPU and disk', () => {
    const b = bank({ mode: 'memory' });
    b.bank.setSlowdown(1, 3);
    const c = new LeafCharge();
    expect(b.bank.request(0, demand(2), 0, c, 0)).toBe(2);
    expect(b.bank.request(1, demand(2), 0, c, 1)).toBe(6);
    const d = bank({ cacheBytes: 0, disks: 1 });
    d.bank.setSlowdown(0, 2);
    d.bank.request(0, demand(0, [[1, 0]]), 0, c, 0);
    expect(c.diskServiceMs).toBeCloseTo(2 * (HW.disk.seekMs + HW.disk.rotationMs / 2), 9);
  });

  it('a cancelled leaf leaves its core at once and the next request starts then (tracked)', () => {
    // One core. Leaf 0 runs 0..10, leaf 1 waits until 10. Leaf 0 is cancelled at 4: leaf 1 runs 4..14.
    const b = bank({ mode: 'memory', cores: 1, tracked: true });
    const c = new LeafCharge();
    b.sim.at(0, () => b.bank.request(0, demand(10), 0, c, 0));
    let first = -1;
    b.sim.at(0, () => {
      first = b.bank.lastLeaf;
      b.bank.request(0, demand(10), 0, c, 1);
    });
    b.sim.at(4, () => expect(b.bank.cancel(first, 4)).toBe(true));
    b.sim.run();
    expect(b.done.has(0)).toBe(false);
    expect(b.done.get(1)).toBe(14);
  });

  it('a cancelled leaf waiting for its disk never takes a core, and the reads behind it move up (tracked)', () => {
    const b = bank({ cacheBytes: 0, disks: 1, cores: 1, tracked: true });
    const read = HW.disk.seekMs + HW.disk.rotationMs / 2;
    const c = new LeafCharge();
    const leaves: number[] = [];
    b.sim.at(0, () => {
      for (const t of [0, 1]) {
        b.bank.request(0, demand(1, [[t, 0]]), 0, c, t);
        leaves.push(b.bank.lastLeaf);
      }
    });
    // Leaf 0 reads 0..read; leaf 1 reads read..2 read. Cancel leaf 0 half-way: leaf 1 reads from then.
    b.sim.at(read / 2, () => b.bank.cancel(leaves[0], read / 2));
    b.sim.run();
    expect(b.done.has(0)).toBe(false);
    expect(b.done.get(1)).toBeCloseTo(read / 2 + read + 1, 9);
  });

  it('a machine that goes down fails its requests, loses its cache, and serves again after up (tracked)', () => {
    const b = bank({ disks: 1, tracked: true });
    const c = new LeafCharge();
    b.sim.at(0, () => b.bank.request(0, demand(5, [[9, 1e5]]), 0, c, 0));
    b.sim.at(1, () => b.bank.down(0, 1));
    b.sim.at(2, () => {
      expect(b.bank.isUp(0)).toBe(false);
      b.bank.up(0, 2);
      b.bank.request(0, demand(5, [[9, 1e5]]), 2, c, 1);
      // The list read before the crash is gone with the cache.
      expect(c.cacheHits).toBe(0);
    });
    b.sim.run();
    expect(b.failed.get(0)).toBe(1);
    expect(b.done.has(0)).toBe(false);
    expect(b.done.get(1)).toBeGreaterThan(2);
  });

  it('a plain bank cannot cancel or fail: it says which option it needs', () => {
    const b = bank();
    expect(() => b.bank.down(0, 0)).toThrow(/MachineOptions\.tracked/);
  });
});
