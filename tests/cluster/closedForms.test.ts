import { describe, expect, it } from 'vitest';
import { md1ResponseMs, mm1ResponseMs, mmcResponseMs } from '../sim/queueingTheory.ts';
import { run } from '../helpers/scenario.ts';

/**
 * The whole replay path (arrivals, router, FIFO stations, warm-up, recorders) against queueing theory,
 * with synthetic service times. Sample sizes keep the standard error of the mean near 0.5 % or below,
 * so 2 % is at least four standard errors.
 */
const SERVICE_MS = 10;
const queriesFor = (rho: number) => (rho < 0.6 ? 400_000 : rho < 0.85 ? 1_500_000 : 4_000_000);

function scenario(rho: number, cores: number, service: object) {
  return {
    name: `rho-${rho}`,
    seed: 11,
    workload: { arrival: { kind: 'poisson' as const, qps: (rho * cores * 1000) / SERVICE_MS }, queries: queriesFor(rho), warmupQueries: 20_000 },
    cluster: { shards: 1, replicas: 1, coresPerMachine: cores },
    service: service as { kind: 'exponential'; meanMs: number },
  };
}

describe('replay against closed forms', () => {
  it.each([0.5, 0.8, 0.9])('M/M/1 mean response within 2 percent at utilisation %f', async (rho) => {
    const r = await run(scenario(rho, 1, { kind: 'exponential', meanMs: SERVICE_MS }));
    expect(r.latencyMs.mean / mm1ResponseMs(SERVICE_MS, rho) - 1).toBeLessThan(0.02);
    expect(r.latencyMs.mean / mm1ResponseMs(SERVICE_MS, rho) - 1).toBeGreaterThan(-0.02);
    expect(r.utilisation.cpu.mean).toBeCloseTo(rho, 1);
  });

  it.each([0.5, 0.8, 0.9])('M/M/4 (Erlang C) mean response within 2 percent at utilisation %f', async (rho) => {
    const r = await run(scenario(rho, 4, { kind: 'exponential', meanMs: SERVICE_MS }));
    expect(Math.abs(r.latencyMs.mean / mmcResponseMs(SERVICE_MS, 4, rho) - 1)).toBeLessThan(0.02);
  });

  it.each([0.5, 0.8, 0.9])('M/D/1 (Pollaczek-Khinchine) mean response within 2 percent at utilisation %f', async (rho) => {
    const r = await run(scenario(rho, 1, { kind: 'deterministic', ms: SERVICE_MS }));
    expect(Math.abs(r.latencyMs.mean / md1ResponseMs(SERVICE_MS, rho) - 1)).toBeLessThan(0.02);
    expect(r.serviceMs.p99).toBeCloseTo(SERVICE_MS, 1);
  });

  it("obeys Little's law: the time-average number in system = arrival rate x mean response", async () => {
    // N(t) sampled at 20,000 evenly spaced instants, independently of how latency is averaged.
    const spans: [number, number][] = [];
    const qps = 140;
    const r = await run(scenario(0.7, 2, { kind: 'exponential', meanMs: SERVICE_MS }), {
      queries: 300_000,
      onOutcome: (o) => {
        if (o.seq >= 20_000) spans.push([o.arrivalMs, o.doneMs]);
      },
    });
    spans.sort((x, y) => x[0] - y[0]);
    const from = spans[0][0] + 1000;
    const to = spans[spans.length - 1][0];
    const samples = 20_000;
    const departures = spans.map((s) => s[1]).sort((a, b) => a - b);
    let inSystem = 0;
    let a = 0;
    let d = 0;
    for (let i = 0; i < samples; i++) {
      const t = from + ((to - from) * (i + 0.5)) / samples;
      while (a < spans.length && spans[a][0] <= t) a++;
      while (d < departures.length && departures[d] <= t) d++;
      inSystem += a - d;
    }
    const meanInSystem = inSystem / samples;
    expect(Math.abs(meanInSystem / ((qps / 1000) * r.latencyMs.mean) - 1)).toBeLessThan(0.02);
  });
});

describe('fork-join fan-out', () => {
  it.each([1, 100, 1200])('with %i leaves of 10 ms (1 s with probability 0.01), 1 - 0.99^N of queries take 1 s', async (leaves) => {
    let slow = 0;
    let n = 0;
    await run(
      {
        name: 'fork-join',
        seed: 5,
        // One query every 2 s: no leaf ever queues, so only the fan-out shapes the tail.
        workload: { arrival: { kind: 'fixed', qps: 0.5 }, queries: leaves === 1 ? 40_000 : 10_000 },
        cluster: { shards: leaves, replicas: 1 },
        service: { kind: 'mixture', parts: [{ p: 0.99, ms: 10 }, { p: 0.01, ms: 1000 }] },
      },
      {
        onOutcome: (o) => {
          n++;
          if (o.doneMs - o.arrivalMs >= 1000) slow++;
        },
      },
    );
    expect(Math.abs(slow / n - (1 - 0.99 ** leaves))).toBeLessThan(0.015);
  });
});
