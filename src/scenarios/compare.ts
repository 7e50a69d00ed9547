import type { RunReport } from '../report/index.ts';
import { relative } from 'node:path';
import { resolvePath, type LoadedScenario } from './load.ts';
import { RunContext, simulate, type SimulateOptions } from './simulate.ts';
import { expansionStudy, updateRateStudy } from './study.ts';
import type { Slo } from './slo.ts';

/** One metric on both sides; change in percent of the baseline (null when the baseline is 0 or absent). */
export interface MetricDiff {
  baseline: number | null;
  contender: number | null;
  changePct: number | null;
}

export interface Comparison {
  baseline: RunReport;
  contender: RunReport;
  diff: Record<string, MetricDiff>;
}

/** The metrics a comparison lists, as paths into the run JSON, in display order. */
export const COMPARED_METRICS = [
  'machines',
  'expansion.meanTerms',
  'latencyMs.p50',
  'latencyMs.p90',
  'latencyMs.p99',
  'latencyMs.p999',
  'latencyMs.mean',
  'serviceMs.p50',
  'serviceMs.p99',
  'throughputQps',
  'perQuery.seeks',
  'perQuery.bytesRead',
  'perQuery.postingsDecoded',
  'perQuery.energyJ',
  'utilisation.cpu.mean',
  'utilisation.disk.mean',
  'shardImbalance',
  'criticalPath.share.seek',
  'criticalPath.share.rotation',
  'criticalPath.share.transfer',
  'criticalPath.share.cpu',
  'criticalPath.share.network',
  'criticalPath.share.queueing',
  'bufferCache.hitRatio',
  'freshness.p50Ms',
  'freshness.p99Ms',
  'freshness.updateUtilisation',
  'freshness.staleness',
  'expansionStudy.affordableTerms',
  'updateRateStudy.sustainedRatePerS',
] as const;

function at(r: RunReport, path: string): number | null {
  let v: unknown = r;
  for (const k of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function diffRuns(baseline: RunReport, contender: RunReport): Record<string, MetricDiff> {
  const out: Record<string, MetricDiff> = {};
  for (const m of COMPARED_METRICS) {
    const b = at(baseline, m);
    const c = at(contender, m);
    if (b === null && c === null) continue;
    out[m] = { baseline: b, contender: c, changePct: b !== null && c !== null && b !== 0 ? ((c - b) / Math.abs(b)) * 100 : null };
  }
  return out;
}

/**
 * Runs two scenarios on the same seeded workload: the contender takes the baseline's seed and workload
 * (trace, arrivals, query count, warm-up), so both sides see the same queries at the same instants.
 */
export async function compareScenarios(
  baseline: LoadedScenario,
  contender: LoadedScenario,
  options: SimulateOptions & { slo: Slo; termCounts?: readonly number[]; updateRates?: readonly number[] },
  ctx: RunContext,
  onStep?: (what: string) => void,
): Promise<Comparison> {
  // The contender runs the baseline's workload; a trace path in it is the baseline's, so it is
  // re-expressed from the contender's folder (every other path of the contender stays its own).
  const workload = structuredClone(baseline.scenario.workload);
  if (workload.trace !== undefined) workload.trace = relative(contender.baseDir, resolvePath(baseline.baseDir, workload.trace)) || '.';
  const contenderOnSameWorkload: LoadedScenario = {
    ...contender,
    scenario: { ...structuredClone(contender.scenario), seed: baseline.scenario.seed, workload },
  };
  const sides: [string, LoadedScenario][] = [
    ['baseline', baseline],
    ['contender', contenderOnSameWorkload],
  ];
  const reports: RunReport[] = [];
  for (const [name, side] of sides) {
    onStep?.(`${name}: ${side.scenario.name}`);
    const r = await simulate(side, options, ctx);
    if (options.termCounts) r.expansionStudy = await expansionStudy(side, options.termCounts, options.slo, options, ctx, (n) => onStep?.(`${name}: study at ${n} terms`), r);
    if (options.updateRates && side.scenario.updates) {
      r.updateRateStudy = await updateRateStudy(side, options.updateRates, options.slo, options, ctx, (x) => onStep?.(`${name}: ${x} changes/s`));
    }
    reports.push(r);
  }
  return { baseline: reports[0], contender: reports[1], diff: diffRuns(reports[0], reports[1]) };
}
