/**
 * searchsim as a library: `import { simulate, compare, sweep, plan, funnel } from 'searchsim'`.
 *
 * Each function takes a scenario as a file path, a preset name or a scenario object (validated as a
 * file would be, with the same one-line errors), runs it on the real shards and the modelled cluster,
 * and resolves to the same report the CLI prints or writes with `--json`. Times are milliseconds, rates
 * queries a second, energy joules, unless a name says otherwise. The same scenario and seed give the
 * same report, byte for byte once serialised. docs/API.md shows a scripted experiment.
 */
import { SearchsimError } from '../core/index.ts';
import type { RunReport, SweepReport } from '../report/index.ts';
import {
  DEFAULT_SLO,
  RunContext,
  compareScenarios,
  loadScenarioArg,
  parseFunnel,
  parseScenario,
  parseSlo,
  parseStages,
  requireIndexService,
  simulate as simulateLoaded,
  withStages,
  type Comparison,
  type FunnelStage,
  type LoadedScenario,
  type ScenarioInput,
} from '../scenarios/index.ts';
import { LocalRunner, PoolRunner, plan as planLoaded, sweep as sweepLoaded, type PlanReport, type PointRunner, type SweepAxes } from '../sweep/index.ts';

export type { Comparison, FunnelStage, PlanReport, RunReport, ScenarioInput, SweepAxes, SweepReport };
export { SearchsimError };

/**
 * A scenario: a path to a scenario JSON file (relative paths inside it resolve beside it), a preset name
 * (`google-2000-disk`, `google-2001-memory`), or a scenario object (relative paths inside it resolve
 * against `baseDir`, default the working directory).
 */
export type ScenarioRef = string | ScenarioInput;

/** What every run may override. */
export interface RunOptions {
  /** The scenario's seed instead (default: the scenario's). */
  seed?: number;
  /** Queries replayed, warm-up included (default: the scenario's `workload.queries`). */
  queries?: number;
  /** Arrival rate of a fixed, poisson or diurnal workload, queries a second (default: the scenario's). */
  qps?: number;
  /** Shard worker threads; 0 runs the shards in this thread (default: min(cores, shards)). */
  threads?: number;
  /** Where relative paths of a scenario object resolve (default: the working directory). */
  baseDir?: string;
  /** Called as queries complete: done of total. */
  onProgress?: (done: number, total: number) => void;
}

/** Loads a scenario reference as the CLI would; a mistake is a `SearchsimError` naming the field. */
export function loadScenario(scenario: ScenarioRef, baseDir: string = process.cwd()): LoadedScenario {
  return typeof scenario === 'string' ? loadScenarioArg(scenario) : parseScenario(scenario, 'scenario object', baseDir);
}

/**
 * Replays a scenario's workload on its modelled cluster (`searchsim run`): latency percentiles from
 * each query's intended arrival, throughput, utilisation, work and energy a query, and the sections the
 * scenario asks for (freshness, funnel, faults).
 */
export async function simulate(scenario: ScenarioRef, options: RunOptions = {}): Promise<RunReport> {
  return simulateLoaded(loadScenario(scenario, options.baseDir), options);
}

/** Options of `compare`. */
export interface CompareOptions extends RunOptions {
  /** Also run the expansion study on both sides at these term caps (e.g. [1, 5, 50]). */
  expansionTerms?: number[];
  /** The study's latency objective, e.g. "p99<500ms" (default: the baseline's `slo`, else p99<500ms). */
  slo?: string;
}

/**
 * Runs two scenarios on the same seeded workload (`searchsim compare`): the contender takes the
 * baseline's seed and workload; the result has both reports and the change of every metric in percent.
 */
export async function compare(baseline: ScenarioRef, contender: ScenarioRef, options: CompareOptions = {}): Promise<Comparison> {
  const a = loadScenario(baseline, options.baseDir);
  const b = loadScenario(contender, options.baseDir);
  const slo = parseSlo(options.slo ?? a.scenario.slo ?? DEFAULT_SLO);
  const ctx = new RunContext();
  try {
    return await compareScenarios(a, b, { ...options, slo, ...(options.expansionTerms ? { termCounts: options.expansionTerms } : {}) }, ctx);
  } finally {
    await ctx.close();
  }
}

/** Options of `sweep` and `plan`. */
export interface GridOptions {
  /** The latency objective, e.g. "p99<500ms" (default: the scenario's `slo`, else p99<500ms). */
  slo?: string;
  /** Seeded runs a point takes (default 3; 5 with `findMaxQps`). */
  seeds?: number;
  /** Worker threads the points run on (default 1: in this thread). */
  workers?: number;
  baseDir?: string;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Runs every point of a grid of layouts and loads (`searchsim sweep`), judged against the SLO with a
 * confidence interval over seeds; with `findMaxQps`, each layout's highest Poisson rate under the SLO;
 * and the Pareto frontiers.
 */
export async function sweep(scenario: ScenarioRef, axes: SweepAxes, options: GridOptions & { findMaxQps?: boolean } = {}): Promise<SweepReport> {
  const base = loadScenario(scenario, options.baseDir);
  const slo = parseSlo(options.slo ?? base.scenario.slo ?? DEFAULT_SLO);
  return withRunner(options.workers, (runner, concurrency) =>
    sweepLoaded(base, { axes, slo, findMaxQps: options.findMaxQps === true, seeds: options.seeds, concurrency, onProgress: options.onProgress }, runner),
  );
}

/**
 * The cheapest layout (fewest machines) that holds the SLO at `qps` queries a second (`searchsim plan`),
 * with the runners-up and why each loses; `axes` names the layouts to consider (default: a few shards to
 * one a machine, one to twenty replicas).
 */
export async function plan(scenario: ScenarioRef, qps: number, options: GridOptions & { axes?: SweepAxes } = {}): Promise<PlanReport> {
  const base = loadScenario(scenario, options.baseDir);
  const slo = parseSlo(options.slo ?? base.scenario.slo ?? DEFAULT_SLO);
  return withRunner(options.workers, (runner, concurrency) => planLoaded(base, { qps, slo, axes: options.axes ?? {}, seeds: options.seeds, concurrency, onProgress: options.onProgress }, runner));
}

/**
 * Runs a scenario with a ranking funnel (`searchsim funnel`): `stages` as on the command line
 * ("bm25:1000,rm3:100,model:10") or as the scenario's `funnel` section. Model stages run the scenario's
 * own model stage's model and device unless `model` (bert-large, llm-7b) or `device` (era, cpu-2001,
 * cpu-2024, a100) say otherwise. The report's `funnel` has each stage's candidates, time on the critical
 * path, CPU and energy.
 */
export async function funnel(scenario: ScenarioRef, stages: string | FunnelStage[], options: RunOptions & { model?: string; device?: string } = {}): Promise<RunReport> {
  const loaded = loadScenario(scenario, options.baseDir);
  requireIndexService(loaded, 'funnel', typeof stages === 'string' ? stages : JSON.stringify(stages));
  const parsed = typeof stages === 'string' ? parseStages(stages, 'stages') : parseFunnel(stages, 'funnel()');
  return simulateLoaded({ ...loaded, scenario: withStages(loaded.scenario, parsed, options) }, options);
}

async function withRunner<T>(workers: number | undefined, f: (runner: PointRunner, concurrency: number) => Promise<T>): Promise<T> {
  const runner: PointRunner = workers !== undefined && workers > 1 ? new PoolRunner(workers) : new LocalRunner(0);
  try {
    return await f(runner, workers ?? 1);
  } finally {
    await runner.close();
  }
}
