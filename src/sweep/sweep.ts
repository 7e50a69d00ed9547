import { errors } from '../core/index.ts';
import { SWEEP_FORMAT_VERSION, type Bottleneck, type RunSummary, type SweepPoint, type SweepReport } from '../report/index.ts';
import { memoryFitProblem, type LoadedScenario, type Slo } from '../scenarios/index.ts';
import { axesOf, gridPoints, type GridPoint, type SweepAxes } from './grid.ts';
import type { PointRunner } from './runner.ts';
import { DEFAULT_SEARCH, findMaxQps, probe, type Estimate, type SearchOptions } from './search.ts';

export interface SweepOptions {
  axes: SweepAxes;
  slo: Slo;
  /** Each layout's highest Poisson rate under the SLO, instead of each point at its rates. */
  findMaxQps: boolean;
  /** Seeded runs a point (or a probe) takes: its SLO percentile's confidence interval. Default 3 (5 with findMaxQps). */
  seeds?: number;
  search?: Partial<Omit<SearchOptions, 'seeds'>>;
  /** Points finished of all. */
  onProgress?: (done: number, total: number) => void;
  /** Points run at once (the runner bounds the runs themselves). */
  concurrency?: number;
}

/** Utilisation below which a failing layout is bound by its service time, not by a saturated resource. */
const SATURATED = 0.5;

/**
 * A sweep: every point of the grid on the same seeded workload, judged against the SLO with a
 * confidence interval over seeds; with `findMaxQps`, each layout's highest load under the SLO. Points
 * run concurrently (the runner decides where); the report does not depend on the order they finish in.
 */
export async function sweep(base: LoadedScenario, o: SweepOptions, runner: PointRunner): Promise<SweepReport> {
  if (o.findMaxQps && o.axes.qps !== undefined) throw errors.option('--qps', 'left out with --find-max-qps (the search chooses the rates)', o.axes.qps.join(','));
  const grid = gridPoints(base, o.axes);
  const seeds = o.seeds ?? (o.findMaxQps ? DEFAULT_SEARCH.seeds : 3);
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 100) throw errors.option('--seeds', 'an integer from 1 to 100', seeds);
  const search: SearchOptions = { ...DEFAULT_SEARCH, ...o.search, seeds };
  if (!(search.tolerance > 0 && search.tolerance < 1)) throw errors.option('--tolerance', 'a share of the bracket above 0 and below 1, like 0.01', search.tolerance);
  if (!Number.isInteger(search.maxProbes) || search.maxProbes < 2 || search.maxProbes > 1000) throw errors.option('--max-probes', 'an integer from 2 to 1000 (the light probe and one above it at least)', search.maxProbes);
  let done = 0;
  const points = await inParallel(grid, o.concurrency ?? 2, async (g) => {
    const p = await runPoint(g, o, runner, search);
    o.onProgress?.(++done, grid.length);
    return p;
  });
  return {
    formatVersion: SWEEP_FORMAT_VERSION,
    scenario: base.scenario.name,
    slo: o.slo.text,
    load: o.findMaxQps ? 'find-max-qps' : 'fixed',
    confidence: { seeds, rule: `a point meets the SLO when the 95 % confidence interval of its ${o.slo.metric} over ${seeds} seeded runs (Student's t) lies below ${o.slo.limitMs} ms and its rate is below every run's bottleneck-law capacity (completions over the busiest resource's utilisation)` },
    axes: axesOf(o.axes),
    points,
    frontier: frontiers(points),
  };
}

async function runPoint(g: GridPoint, o: SweepOptions, runner: PointRunner, search: SearchOptions): Promise<SweepPoint> {
  const s = g.loaded.scenario;
  const machines = s.cluster.shards * s.cluster.replicas;
  const misfit = memoryFitProblem(s);
  if (misfit !== null) return emptyPoint(g, machines, misfit);
  if (o.findMaxQps) {
    const m = await findMaxQps(runner, g.loaded, o.slo, search);
    const searched = { bracketQps: m.bracket, probes: m.probes, runs: m.runs };
    if (!m.best) {
      // Nothing meets the SLO: the point's load under it is 0, but the light probe's figures say by how much it fails.
      const l = m.light;
      const note = `no load meets ${o.slo.text}: even ${l.qps} q/s fails it (${o.slo.metric} ${l.slo.mean.toFixed(3)} ms, 95 % interval ${l.slo.low.toFixed(3)}-${l.slo.high.toFixed(3)} ms)`;
      return { ...measured(g, machines, l.qps, l.runs, l.slo, false), qps: 0, note, search: searched };
    }
    return { ...measured(g, machines, m.best.qps, m.best.runs, m.best.slo, true), search: searched };
  }
  const a = s.workload.arrival;
  const qps = 'qps' in a ? a.qps : 0;
  const p = await probe(runner, g.loaded, qps, o.slo, search.seeds);
  return measured(g, machines, qps, p.runs, p.slo, p.meets);
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

function measured(g: GridPoint, machines: number, qps: number, runs: RunSummary[], slo: Estimate, meets: boolean): SweepPoint {
  const m = (f: (r: RunSummary) => number) => mean(runs.map(f));
  const cpu = { mean: m((r) => r.utilisation.cpu.mean), max: m((r) => r.utilisation.cpu.max) };
  const disk = { mean: m((r) => r.utilisation.disk.mean), max: m((r) => r.utilisation.disk.max) };
  const bottleneck: Bottleneck = Math.max(cpu.max, disk.max) < SATURATED ? 'service time' : disk.max >= cpu.max ? 'disk' : 'cpu';
  return {
    params: g.params,
    machines,
    status: 'ok',
    note: null,
    qps,
    meetsSlo: meets,
    latencyMs: { p50: m((r) => r.latencyMs.p50), p99: m((r) => r.latencyMs.p99), p999: m((r) => r.latencyMs.p999) },
    sloMs: slo,
    throughputQps: m((r) => r.throughputQps),
    utilisation: { cpu, disk },
    bottleneck,
    meanTerms: runs[0].meanTerms,
    seeksPerQuery: m((r) => r.seeksPerQuery),
    search: null,
  };
}

/** A memory layout whose shards do not fit a machine: listed, not run. */
function emptyPoint(g: GridPoint, machines: number, note: string): SweepPoint {
  return {
    params: g.params,
    machines,
    status: 'does-not-fit',
    note,
    qps: 0,
    meetsSlo: false,
    latencyMs: { p50: 0, p99: 0, p999: 0 },
    sloMs: null,
    throughputQps: 0,
    utilisation: { cpu: { mean: 0, max: 0 }, disk: { mean: 0, max: 0 } },
    bottleneck: 'service time',
    meanTerms: null,
    seeksPerQuery: 0,
    search: null,
  };
}

/**
 * The Pareto frontiers: a point is on one when no other is at least as good on both counts and better
 * on one (machines against the highest load under the SLO; per rate, machines against p99).
 */
export function frontiers(points: readonly SweepPoint[]): SweepReport['frontier'] {
  const ok = points.map((p, i) => [p, i] as const).filter(([p]) => p.status === 'ok');
  const pareto = (cands: (readonly [SweepPoint, number])[], better: (a: SweepPoint, b: SweepPoint) => [boolean, boolean]) =>
    cands
      .filter(([p]) => !cands.some(([q]) => q !== p && better(q, p)[0] && better(q, p)[1]))
      .map(([, i]) => i)
      .sort((a, b) => points[a].machines - points[b].machines || a - b);
  // q dominates p: [at least as good on both, better on one].
  const byMaxQps = pareto(
    ok.filter(([p]) => p.meetsSlo && p.qps > 0),
    (q, p) => [q.machines <= p.machines && q.qps >= p.qps, q.machines < p.machines || q.qps > p.qps],
  );
  // Fixed loads only: a search's points are each at their own rate.
  const fixed = ok.filter(([p]) => p.search === null);
  const rates = [...new Set(fixed.map(([p]) => p.qps))].sort((a, b) => a - b);
  const byP99 = rates.map((qps) => ({
    qps,
    points: pareto(
      fixed.filter(([p]) => p.qps === qps),
      (q, p) => [q.machines <= p.machines && q.latencyMs.p99 <= p.latencyMs.p99, q.machines < p.machines || q.latencyMs.p99 < p.latencyMs.p99],
    ),
  }));
  return { byMaxQps, byP99 };
}

/** Maps `f` over `items` with at most `limit` in flight, keeping the order of `items`. */
async function inParallel<T, U>(items: readonly T[], limit: number, f: (t: T) => Promise<U>): Promise<U[]> {
  const out = new Array<U>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  });
  await Promise.all(lanes);
  return out;
}
