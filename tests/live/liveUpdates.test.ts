import { describe, expect, it } from 'vitest';
import { live, parseScenario, simulate } from '../../src/scenarios/index.ts';

/** Cranfield on 2 shards x 2 replicas with a generated change stream made visible within half a second. */
const scenario = {
  name: 'live-updates',
  seed: 4,
  corpus: 'workloads/cranfield',
  workload: { arrival: { kind: 'poisson', qps: 100 }, queries: 400, warmupQueries: 50 },
  cluster: { shards: 2, replicas: 2, mode: 'memory', hardware: '2001' },
  updates: { generate: { ratePerS: 50, skew: 1, deleteShare: 0.1 }, applyEveryS: 0.2, policy: { kind: 'incremental', delayS: 0.5 } },
};
const loaded = () => parseScenario(scenario, 'test scenario', process.cwd());

describe('updates in a live run', { retry: 1 }, () => {
  it('applies the change stream to every replica as it becomes visible, with the freshness and staleness a simulation measures', async () => {
    // The simulation first: a change committed within a network hop of a query's arrival used to fail
    // its station's order check; it now queues behind the leaf already booked.
    const sim = await simulate(loaded(), { threads: 0 });
    const run = await live(loaded());
    for (const r of [sim, run]) {
      expect(r.freshness!.applied).toBeGreaterThan(100);
      expect(r.freshness!.p50Ms).toBeCloseTo(500, 0);
      expect(r.freshness!.returnedDocs).toBeGreaterThan(200);
    }
    expect(run.freshness!.applied).toBe(sim.freshness!.applied);
    // The same queries on the same changing index return the same documents, but for a query in flight
    // on a thread while a change lands there.
    expect(Math.abs(run.freshness!.staleness - sim.freshness!.staleness)).toBeLessThan(0.01);
    expect(Math.abs(run.freshness!.returnedDocs - sim.freshness!.returnedDocs) / sim.freshness!.returnedDocs).toBeLessThan(0.02);
  }, 60_000);
});
