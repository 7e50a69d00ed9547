import { describe, expect, it } from 'vitest';
import { SimulatedCluster, SyntheticServiceModel, type QueryOutcome, type SelectionPolicy } from '../../src/cluster/index.ts';
import { Rng } from '../../src/core/index.ts';
import { HARDWARE_PRESETS, MESSAGE_OVERHEAD_BYTES, HIT_BYTES, mergeCpuMs, networkMs } from '../../src/hardware/index.ts';
import { Simulation } from '../../src/sim/index.ts';

const HW = HARDWARE_PRESETS['2001'];
const cluster = (o: { shards: number; replicas: number; hops: boolean; selection?: SelectionPolicy; ms: number }) => {
  const sim = new Simulation();
  const c = new SimulatedCluster(
    sim,
    { shards: o.shards, replicas: o.replicas, mode: 'memory', hardware: HW, cores: 1, disks: 1, selection: o.selection ?? 'round-robin', cacheBytes: 0, hops: o.hops },
    new SyntheticServiceModel({ kind: 'deterministic', ms: o.ms }, new Rng(1), 10),
    new Rng(1),
  );
  return { sim, c };
};
const q = (seq: number, termCount = 0) => ({ seq, termCount, termKeys: new Int32Array(0), work: null });

describe('Router', () => {
  it('fans a query out to every shard after one hop, and merges all shards\' hits after the replies come back', () => {
    const { sim, c } = cluster({ shards: 5, replicas: 1, hops: true, ms: 3 });
    let o: QueryOutcome | null = null;
    c.submit(q(0, 2), (x) => (o = x));
    sim.run();
    const out = networkMs(HW.network, MESSAGE_OVERHEAD_BYTES + 2 * 16);
    const back = networkMs(HW.network, MESSAGE_OVERHEAD_BYTES + 10 * HIT_BYTES);
    const merge = mergeCpuMs(HW.cpu, 5 * 10);
    expect(o!.doneMs).toBeCloseTo(out + 3 + back + merge, 9);
    expect(o!.serviceMs).toBeCloseTo(out + 3 + back + merge, 9);
    // Every shard's machine served one leaf.
    c.startMeasuring();
    expect(c.figures(0, 1).shardBusyMs).toHaveLength(5);
  });

  it('sends each shard\'s leaf to one replica only, spreading queries over replicas', () => {
    const { sim, c } = cluster({ shards: 2, replicas: 3, hops: false, ms: 1 });
    c.startMeasuring();
    for (let i = 0; i < 30; i++) sim.at(i * 10, () => c.submit(q(i), () => {}));
    sim.run();
    const f = c.figures(0, 300);
    // 30 queries x 1 ms a shard, split evenly over 3 replicas: 10 ms on each machine.
    for (const u of f.cpu) expect(u * 300).toBeCloseTo(10, 9);
  });

  it('with least-outstanding, a burst goes to the replicas with nothing outstanding first', () => {
    const { sim, c } = cluster({ shards: 1, replicas: 4, hops: false, selection: 'least-outstanding', ms: 10 });
    const done: number[] = [];
    // Four at once: one each on the four replicas, so none waits.
    for (let i = 0; i < 4; i++) c.submit(q(i), (o) => done.push(o.doneMs - o.arrivalMs));
    sim.run();
    expect(done).toEqual([10, 10, 10, 10]);
  });
});
