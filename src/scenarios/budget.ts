import { errors } from '../core/index.ts';
import type { LoadedScenario } from './load.ts';
import { applyOverrides, type ScenarioOverrides } from './simulate.ts';

/**
 * The work a command may start without `--force`, in leaf requests (one query at one shard). Measured
 * on a 2-core machine: a synthetic leaf costs 0.2-3 us, a real BM25 leaf with expanded queries about
 * 25 us, so 10^8 is minutes to under an hour; a run past it is more likely a slip (an extra zero in
 * --queries, shards x replicas at their maximum) than a plan.
 */
export const WORK_BUDGET = 1e8;
/** A real shard built from a corpus costs about as much as this many leaf requests (about 1 ms each). */
export const SHARD_BUILD_WORK = 1000;

/** What a command will do, estimated before it starts. */
export interface WorkEstimate {
  /** Leaf requests, shard builds counted at SHARD_BUILD_WORK each. */
  work: number;
  /** How the figure was made, for the message. */
  detail: string;
}

/** Queries x shards for one run. */
export interface RunWork {
  queries: number;
  shards: number;
}

/** Sums runs (queries x shards each) and real shards built into one estimate. */
export function estimateWork(runs: readonly RunWork[], shardsBuilt: number): WorkEstimate {
  let work = shardsBuilt * SHARD_BUILD_WORK;
  for (const r of runs) work += r.queries * r.shards;
  const parts: string[] = [];
  const first = runs[0];
  if (first) {
    const same = runs.every((r) => r.queries === first.queries && r.shards === first.shards);
    const one = `${first.queries.toLocaleString('en-US')} quer${first.queries === 1 ? 'y' : 'ies'} x ${first.shards.toLocaleString('en-US')} shard${first.shards === 1 ? '' : 's'}`;
    parts.push(runs.length === 1 ? one : same ? `${runs.length} runs of ${one}` : `${runs.length} runs, the first ${one}`);
  }
  if (shardsBuilt > 0) parts.push(`${shardsBuilt.toLocaleString('en-US')} real shard${shardsBuilt === 1 ? '' : 's'} built`);
  return { work, detail: parts.join(', ') };
}

/**
 * The work of running scenarios, each with the runs its studies add (`extraRuns`): queries x shards of
 * every run, plus the real shards each distinct index needs.
 */
export function scenarioWork(sides: readonly { loaded: LoadedScenario; extraRuns: number }[], options: ScenarioOverrides): WorkEstimate {
  const runs: RunWork[] = [];
  const indexes = new Map<string, number>();
  for (const { loaded, extraRuns } of sides) {
    const s = applyOverrides(loaded.scenario, options);
    for (let i = 0; i <= extraRuns; i++) runs.push({ queries: s.workload.queries, shards: s.cluster.shards });
    if (s.service.kind === 'index') indexes.set(JSON.stringify([loaded.baseDir, s.corpus, s.analyzer, s.cluster.shards, s.updates !== undefined && loaded.source]), s.cluster.shards);
  }
  return estimateWork(runs, [...indexes.values()].reduce((a, b) => a + b, 0));
}

/** Refuses work past WORK_BUDGET unless forced, saying what was estimated and how to go on. */
export function checkWorkBudget(estimate: WorkEstimate, force: boolean | undefined, lower: string): void {
  if (force || estimate.work <= WORK_BUDGET) return;
  throw errors.refused(
    `this would take about ${estimate.work.toPrecision(2)} leaf requests (${estimate.detail}), past the budget of ${WORK_BUDGET.toLocaleString('en-US')} (minutes to an hour on a 2-core machine); ${lower}, or add --force to run it anyway`,
  );
}
