import { describe, expect, it } from 'vitest';
import { live, parseScenario, simulate } from '../../src/scenarios/index.ts';

/** A synthetic scenario run both ways: live on worker threads, and simulated. */
async function bothWays(body: object) {
  const loaded = parseScenario({ name: 'live-faults', seed: 9, ...body }, 'test scenario', process.cwd());
  return { sim: await simulate(loaded), run: await live(loaded) };
}

/**
 * The host only ever adds to a live latency (2-4 ms a query on an idle 2-core machine, far more beside
 * other test files: docs/EXPERIMENTS.md, "Live runs"), so the live tail must show at least what the
 * simulated fault puts there; how much more is the host's, and busy time is what must agree.
 */
const showsTail = (live: number, sim: number) => expect(live).toBeGreaterThanOrEqual(0.8 * sim);

describe('faults in a live run', { retry: 2 }, () => {
  it('slows the machines a simulation slows: the same seeded sample, stretched by the same factor', async () => {
    // One replica of four is 5 times slower: a quarter of the leaves take 20 ms instead of 4.
    const { sim, run } = await bothWays({
      workload: { arrival: { kind: 'poisson', qps: 100 }, queries: 400, warmupQueries: 40 },
      cluster: { shards: 1, replicas: 4, coresPerMachine: 1 },
      service: { kind: 'deterministic', ms: 4 },
      faults: { slowMachines: { share: 0.25, factor: 5 } },
    });
    expect(sim.latencyMs.p50).toBeLessThan(8);
    expect(sim.latencyMs.p90).toBeGreaterThanOrEqual(20);
    // Live: well below the slow machines' 20 ms even when other test files load the host's cores.
    expect(run.latencyMs.p50).toBeLessThan(15);
    expect(run.latencyMs.p90).toBeGreaterThanOrEqual(18);
    showsTail(run.latencyMs.p99, sim.latencyMs.p99);
    // The same machine is the slow one: the busiest on both sides.
    const busiest = (xs: number[]) => xs.indexOf(Math.max(...xs));
    expect(busiest(run.utilisation.cpu.perMachine)).toBe(busiest(sim.utilisation.cpu.perMachine));
    run.utilisation.cpu.perMachine.forEach((u, m) => expect(Math.abs(u - sim.utilisation.cpu.perMachine[m])).toBeLessThan(0.03));
  }, 60_000);

  it('stalls every machine at the phases a simulation draws: queries arriving in a stall wait it out', async () => {
    const { sim, run } = await bothWays({
      workload: { arrival: { kind: 'poisson', qps: 200 }, queries: 700, warmupQueries: 100 },
      cluster: { shards: 1, replicas: 1, coresPerMachine: 1 },
      service: { kind: 'deterministic', ms: 1 },
      faults: { stalls: { everyMs: 50, forMs: 10 } },
    });
    // A fifth of the time is stalled: about a fifth of the queries wait, up to 10 ms.
    expect(sim.latencyMs.p90).toBeGreaterThan(3);
    expect(run.latencyMs.p90).toBeGreaterThan(3);
    showsTail(run.latencyMs.p99, sim.latencyMs.p99);
    // Stalls are busy time on both sides: 20 % stalled plus 20 % serving.
    expect(Math.abs(run.utilisation.cpu.max - sim.utilisation.cpu.max)).toBeLessThan(0.05);
  }, 60_000);
});
