import type { RunSummary } from '../report/index.ts';
import { QPS_RANGE, type LoadedScenario, type Slo } from '../scenarios/index.ts';
import type { PointRunner } from './runner.ts';

/** Two-sided 95 % quantiles of Student's t by degrees of freedom (1-30); beyond, the normal 1.96. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
function t975(df: number): number {
  return df >= 1 && df <= T975.length ? T975[df - 1] : 1.96;
}

/** The SLO percentile over seeded runs: mean and 95 % confidence interval. */
export interface Estimate {
  mean: number;
  low: number;
  high: number;
}

/**
 * One run's SLO percentile is a noisy estimate, so a probe runs the scenario with `seeds` seeds and takes
 * the t interval of their values (independent replications, Law, "Simulation Modeling and Analysis",
 * 5th ed., 2015, section 9.4.1). With one seed the interval is the point.
 */
export function estimate(values: readonly number[]): Estimate {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, low: mean, high: mean };
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const half = t975(n - 1) * (sd / Math.sqrt(n));
  return { mean, low: mean - half, high: mean + half };
}

export interface Probe {
  qps: number;
  runs: RunSummary[];
  slo: Estimate;
  /** The lowest bottleneck-law capacity of its runs (queries/s; infinite when nothing was busy). */
  capacityQps: number;
  /**
   * The interval's upper end is below the limit and the rate below the capacity: the load meets the SLO
   * with 95 % confidence, and can be sustained. A run of N queries at a rate above capacity still ends
   * with its queue a finite length, so its percentiles alone can pass a load that would grow without
   * bound (docs/EXPERIMENTS.md, "a burst, not a sustained load").
   */
  meets: boolean;
}

export interface SearchOptions {
  seeds: number;
  /** Stop once the bracket's width is below this share of its upper end. */
  tolerance: number;
  /** Probes at most (bracketing included). */
  maxProbes: number;
}

export const DEFAULT_SEARCH: SearchOptions = { seeds: 5, tolerance: 0.01, maxProbes: 24 };

/** Runs a scenario at `qps` with each seed (base seed, base + 1, ...), in parallel as the runner allows. */
export async function probe(runner: PointRunner, loaded: LoadedScenario, qps: number, slo: Slo, seeds: number): Promise<Probe> {
  const base = loaded.scenario.seed;
  const runs = await Promise.all(Array.from({ length: seeds }, (_, i) => runner.run({ loaded, seed: base + i, qps })));
  const e = estimate(runs.map((r) => r.latencyMs[slo.metric]));
  const capacityQps = Math.min(...runs.map(capacityOf));
  return { qps, runs, slo: e, capacityQps, meets: e.high < slo.limitMs && qps < capacityQps };
}

/**
 * A run's bottleneck-law capacity: completions a second over its busiest resource's utilisation, the
 * rate at which that resource would be busy all the time (U = X D; Denning and Buzen, "The operational
 * analysis of queueing network models", 1978). Infinite when nothing was busy.
 */
function capacityOf(r: RunSummary): number {
  const u = Math.max(r.utilisation.cpu.max, r.utilisation.disk.max);
  return u > 0 ? r.throughputQps / u : Number.POSITIVE_INFINITY;
}

/** The outcome of a load search: the highest rate found to meet the SLO (null: not even a trickle does). */
export interface MaxQps {
  best: Probe | null;
  /** The first, light probe: where the search found that not even a trickle meets the SLO, its figures. */
  light: Probe;
  bracket: [number, number];
  probes: number;
  runs: number;
}

/**
 * The highest Poisson arrival rate whose SLO percentile meets the objective, by bisection. A light load
 * (1 query/s, or the scenario's rate if lighter) opens the bracket from below; if even it fails, no load
 * meets the SLO (service time alone is over it). The upper end starts at the light run's bottleneck-law
 * capacity (completions over the busiest resource's utilisation; Denning and Buzen 1978), doubled while
 * it still meets, up to the highest rate a scenario may name (QPS_RANGE.max: a layout that meets the SLO
 * there is reported there, its bracket [max, max], not searched for ever). Bisection then stops when
 * the bracket is narrower than `tolerance` of its upper end.
 */
export async function findMaxQps(runner: PointRunner, loaded: LoadedScenario, slo: Slo, o: SearchOptions = DEFAULT_SEARCH): Promise<MaxQps> {
  let probes = 0;
  const at = async (qps: number) => {
    probes++;
    return probe(runner, loaded, qps, slo, o.seeds);
  };
  const a = loaded.scenario.workload.arrival;
  let low = await at(Math.min(1, 'qps' in a ? a.qps : 1));
  const light = low;
  const done = (best: Probe | null, hiQps: number): MaxQps => ({ best, light, bracket: [best?.qps ?? 0, hiQps], probes, runs: probes * o.seeds });
  if (!low.meets) return done(null, low.qps);
  let high = await at(Number.isFinite(low.capacityQps) ? low.capacityQps : low.qps * 100);
  while (high.meets && probes < o.maxProbes) {
    low = high;
    if (high.qps >= QPS_RANGE.max) return done(high, high.qps);
    high = await at(Math.min(QPS_RANGE.max, high.qps * 2));
  }
  while (probes < o.maxProbes && (high.qps - low.qps) / high.qps > o.tolerance) {
    const p = await at((low.qps + high.qps) / 2);
    if (p.meets) low = p;
    else high = p;
  }
  return done(low, high.qps);
}
