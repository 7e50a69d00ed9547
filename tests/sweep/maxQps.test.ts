import { describe, expect, it } from 'vitest';
import { parseScenario, parseSlo, type ScenarioInput } from '../../src/scenarios/index.ts';
import { LocalRunner, PoolRunner, findMaxQps, sweep } from '../../src/sweep/index.ts';
import { erlangC } from '../sim/queueingTheory.ts';

const MEAN_MS = 10;
const mmc = (cores: number): ScenarioInput => ({
  name: `M/M/${cores}`,
  seed: 11,
  workload: { arrival: { kind: 'poisson', qps: 1 }, queries: 120_000, warmupQueries: 10_000 },
  cluster: { shards: 1, replicas: 1, coresPerMachine: cores },
  service: { kind: 'exponential', meanMs: MEAN_MS },
});
const load = (s: ScenarioInput) => parseScenario(s, 'test scenario', process.cwd());

/**
 * The p99 of an M/M/c sojourn time: P(T > t) = e^{-mu t} + C mu / (c mu - lambda - mu) (e^{-mu t} -
 * e^{-(c mu - lambda) t}) with C the Erlang C probability of waiting (Gross and Harris, Fundamentals of
 * Queueing Theory, section 2.3); for c = 1 it is ln(100) / (mu - lambda).
 */
function p99Ms(c: number, lambdaPerMs: number): number {
  const mu = 1 / MEAN_MS;
  const C = erlangC(c, lambdaPerMs / mu);
  const tail = (t: number) => {
    const d = c * mu - lambdaPerMs;
    return Math.exp(-mu * t) + ((C * mu) / (d - mu)) * (Math.exp(-mu * t) - Math.exp(-d * t));
  };
  let lo = 0;
  let hi = 1e6;
  for (let i = 0; i < 200; i++) {
    const m = (lo + hi) / 2;
    if (tail(m) > 0.01) lo = m;
    else hi = m;
  }
  return lo;
}
/** The arrival rate (queries/s) at which the p99 sojourn equals `limitMs`. */
function maxQps(c: number, limitMs: number): number {
  let lo = 0;
  let hi = c / MEAN_MS;
  for (let i = 0; i < 200; i++) {
    const m = (lo + hi) / 2;
    if (p99Ms(c, m) < limitMs) lo = m;
    else hi = m;
  }
  return lo * 1000;
}

describe('--find-max-qps on a layout no load breaks', () => {
  it('stops at the highest rate a scenario may name instead of doubling for ever', async () => {
    // A runner whose every run meets the SLO with no resource busy (as a saturated-but-bursty run can look).
    const asked: number[] = [];
    const runner = {
      run: async (job: { qps: number }) => {
        asked.push(job.qps);
        return { latencyMs: { p99: 1 }, utilisation: { cpu: { max: 0 }, disk: { max: 0 } }, throughputQps: job.qps } as never;
      },
      close: async () => {},
    };
    const m = await findMaxQps(runner as never, load(mmc(1)), parseSlo('p99<100ms'), { seeds: 2, tolerance: 0.01, maxProbes: 1000 });
    expect(Math.max(...asked)).toBe(1e7);
    expect(m.best!.qps).toBe(1e7);
    expect(m.bracket).toEqual([1e7, 1e7]);
    expect(m.probes).toBeLessThan(40);
  });
});

describe('--find-max-qps on a short burst above capacity', () => {
  it('never passes a rate above the runs\' bottleneck-law capacity, however good their percentiles look', async () => {
    // A layout that completes at most 100 queries/s: above that its busiest resource is saturated, yet a
    // short run's p99 still meets the limit because the queue a burst leaves behind is finite.
    const runner = {
      run: async (job: { qps: number }) => {
        const throughputQps = Math.min(job.qps, 100);
        return { latencyMs: { p99: 1 }, utilisation: { cpu: { max: throughputQps / 100 }, disk: { max: 0 } }, throughputQps } as never;
      },
      close: async () => {},
    };
    const m = await findMaxQps(runner as never, load(mmc(1)), parseSlo('p99<100ms'), { seeds: 2, tolerance: 0.01, maxProbes: 40 });
    expect(m.best!.qps).toBeLessThan(100);
    expect(m.best!.qps).toBeGreaterThan(99);
    expect(m.bracket[1]).toBeGreaterThanOrEqual(100);
    expect(m.best!.capacityQps).toBeCloseTo(100, 6);
  });
});

describe('--find-max-qps against queueing theory', () => {
  it('finds the M/M/1 rate whose p99 is 100 ms, 53.9 queries/s, within 3 %', async () => {
    expect(maxQps(1, 100)).toBeCloseTo(100 - Math.log(100) * 10, 6);
    const runner = new PoolRunner(2);
    try {
      const m = await findMaxQps(runner, load(mmc(1)), parseSlo('p99<100ms'));
      expect(m.best).not.toBeNull();
      expect(Math.abs(m.best!.qps / 53.95 - 1)).toBeLessThan(0.03);
      // The bracket holds the answer found, and the interval of the best probe is below the limit.
      expect(m.bracket[0]).toBe(m.best!.qps);
      expect(m.bracket[1]).toBeGreaterThan(m.bracket[0]);
      expect(m.best!.slo.high).toBeLessThan(100);
      expect(m.runs).toBe(m.probes * 5);
    } finally {
      await runner.close();
    }
  }, 120_000);

  it('agrees with the Erlang C tail on M/M/4 within 3 %', async () => {
    const expected = maxQps(4, 100);
    expect(expected).toBeGreaterThan(300);
    const runner = new PoolRunner(2);
    try {
      const m = await findMaxQps(runner, load(mmc(4)), parseSlo('p99<100ms'));
      expect(Math.abs(m.best!.qps / expected - 1)).toBeLessThan(0.03);
    } finally {
      await runner.close();
    }
  }, 120_000);

  it('gives the same report on two worker threads as in this thread, whatever finishes first', async () => {
    const base = load({ ...mmc(1), workload: { arrival: { kind: 'poisson', qps: 1 }, queries: 8_000, warmupQueries: 800 } });
    const options = { axes: { set: [{ path: 'service.meanMs', values: [5, 10, 20] }] }, slo: parseSlo('p99<100ms'), findMaxQps: true, seeds: 3 };
    const local = new LocalRunner(0);
    const pool = new PoolRunner(2);
    try {
      const a = await sweep(base, options, local);
      const b = await sweep(base, { ...options, concurrency: 3 }, pool);
      expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      // Faster service, more load: each point's highest rate falls as its service time grows.
      const qps = a.points.map((p) => p.qps);
      expect(qps[0]).toBeGreaterThan(qps[1]);
      expect(qps[1]).toBeGreaterThan(qps[2]);
      expect(a.frontier.byMaxQps).toEqual([0]);
    } finally {
      await local.close();
      await pool.close();
    }
  }, 180_000);
});

describe('--find-max-qps on a layout not even a trickle of load meets', () => {
  it('reports no load under the SLO, with the light probe\'s measured p99 beside it', async () => {
    // M/M/1 at 1 query/s with a 10 ms mean: p99 = ln(100) x 10 / (1 - 0.01) = 46.5 ms, over a 20 ms limit.
    const base = load({ ...mmc(1), workload: { arrival: { kind: 'poisson', qps: 1 }, queries: 20_000, warmupQueries: 1_000 } });
    const local = new LocalRunner(0);
    try {
      const r = await sweep(base, { axes: {}, slo: parseSlo('p99<20ms'), findMaxQps: true, seeds: 3 }, local);
      const [p] = r.points;
      expect(p.qps).toBe(0);
      expect(p.meetsSlo).toBe(false);
      expect(p.search!.bracketQps).toEqual([0, 1]);
      expect(Math.abs(p.latencyMs.p99 / p99Ms(1, 0.001) - 1)).toBeLessThan(0.1);
      expect(p.sloMs!.low).toBeGreaterThan(20);
      expect(p.note).toMatch(/^no load meets p99<20ms: even 1 q\/s fails it \(p99 4\d\.\d{3} ms/);
      expect(r.frontier.byMaxQps).toEqual([]);
    } finally {
      await local.close();
    }
  }, 60_000);

  it('rejects a tolerance or probe cap the search cannot use, naming the option', async () => {
    const base = load(mmc(1));
    const local = new LocalRunner(0);
    try {
      const run = (search: { tolerance?: number; maxProbes?: number }) => sweep(base, { axes: {}, slo: parseSlo('p99<20ms'), findMaxQps: true, search }, local);
      await expect(run({ tolerance: 1 })).rejects.toThrow(/--tolerance.*above 0 and below 1/);
      await expect(run({ maxProbes: 1 })).rejects.toThrow(/--max-probes.*from 2 to 1000/);
    } finally {
      await local.close();
    }
  });
});
