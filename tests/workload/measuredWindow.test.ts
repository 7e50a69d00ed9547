import { describe, expect, it } from 'vitest';
import { run } from '../helpers/scenario.ts';

/** One FIFO server, exponential service of 10 ms (capacity 100 queries/s), offered 150 queries/s. */
const overloaded = (warmupQueries: number) =>
  run({
    seed: 3,
    workload: { arrival: { kind: 'poisson', qps: 150 }, queries: 20_000, warmupQueries },
    cluster: { shards: 1, replicas: 1, coresPerMachine: 1 },
    service: { kind: 'exponential', meanMs: 10 },
  });

describe('the measured window', () => {
  it('reports an overloaded server as fully busy, completing at its capacity, whatever the warm-up', async () => {
    for (const warmup of [0, 2_000, 10_000]) {
      const r = await overloaded(warmup);
      // The warm-up's backlog is served inside the window: it counts as busy time and as completions.
      expect(r.utilisation.cpu.max).toBeGreaterThan(0.99);
      expect(r.utilisation.cpu.max).toBeLessThanOrEqual(1);
      expect(r.throughputQps).toBeGreaterThan(97);
      expect(r.throughputQps).toBeLessThan(103);
    }
  });

  it('never counts completions after the window ends, even on a replica no measured query used', async () => {
    // Two replicas with a backlog each, one measured query: the window closes with its answer while the
    // other replica may still be working off the warm-up. Deterministic 20 ms service on two servers
    // completes at most 2 * window / 20 ms + 2 queries in any window.
    for (let seed = 1; seed <= 8; seed++) {
      const r = await run({
        seed,
        workload: { arrival: { kind: 'poisson', qps: 150 }, queries: 10_001, warmupQueries: 10_000 },
        cluster: { shards: 1, replicas: 2, coresPerMachine: 1, selection: 'random' },
        service: { kind: 'deterministic', ms: 20 },
      });
      const windowMs = r.measuredWindowMs;
      expect(r.throughputQps * (windowMs / 1000)).toBeLessThanOrEqual((2 * windowMs) / 20 + 2);
      for (const u of r.utilisation.cpu.perMachine) expect(u).toBeLessThanOrEqual(1);
    }
  });

  it('reports a server at utilisation 0.5 as half busy, completing what is offered', async () => {
    const r = await run({
      seed: 4,
      workload: { arrival: { kind: 'poisson', qps: 50 }, queries: 40_000, warmupQueries: 4_000 },
      cluster: { shards: 1, replicas: 1, coresPerMachine: 1 },
      service: { kind: 'exponential', meanMs: 10 },
    });
    expect(Math.abs(r.utilisation.cpu.mean - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(r.throughputQps / r.offeredQps - 1)).toBeLessThan(0.02);
  });
});

describe('per-machine utilisation', () => {
  it('lists every machine, shard by shard, beside the mean and the busiest', async () => {
    // Shard 0's replicas serve every query; shard 1's too. Round-robin splits each shard's load over its
    // two replicas, so every machine is about a quarter busy: 50 queries/s x 10 ms / 2 replicas.
    const r = await run({
      seed: 5,
      workload: { arrival: { kind: 'poisson', qps: 50 }, queries: 20_000, warmupQueries: 1_000 },
      cluster: { shards: 2, replicas: 2, coresPerMachine: 1, selection: 'round-robin' },
      service: { kind: 'deterministic', ms: 10 },
    });
    const { perMachine, mean, max } = r.utilisation.cpu;
    expect(perMachine).toHaveLength(4);
    for (const u of perMachine) expect(Math.abs(u - 0.25)).toBeLessThan(0.02);
    expect(mean).toBeCloseTo(perMachine.reduce((a, b) => a + b, 0) / 4, 12);
    expect(max).toBe(Math.max(...perMachine));
    expect(r.utilisation.disk.perMachine).toEqual([0, 0, 0, 0]);
  });
});
