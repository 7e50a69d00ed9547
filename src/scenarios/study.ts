import { errors } from '../core/index.ts';
import type { ExpansionStudy, RunReport, UpdateRateStudy } from '../report/index.ts';
import { requireIndexService } from './checks.ts';
import type { LoadedScenario } from './load.ts';
import { RunContext, simulate, type SimulateOptions } from './simulate.ts';
import { capacityQps, meetsSlo, type Slo } from './slo.ts';

/** Parses "1,2,5,10,20,50". */
export function parseTermCounts(text: string): number[] {
  const xs = text.split(',').map((x) => x.trim());
  const ns = xs.map(Number);
  if (xs.length === 0 || ns.some((n, i) => !/^\d+$/.test(xs[i]) || n < 1)) throw errors.option('--expansion-terms', 'a comma-separated list of positive integers, like 1,2,5,10,20,50', text);
  return [...new Set(ns)].sort((a, b) => a - b);
}

/** The scenario with queries grown to at most `terms` terms (typed terms are never cut). */
export function withTermCount(loaded: LoadedScenario, terms: number): LoadedScenario {
  const s = structuredClone(loaded.scenario);
  s.expansion = { ...s.expansion, policy: s.expansion.policy === 'none' ? 'both' : s.expansion.policy, maxTerms: terms };
  // The study isolates the cost of terms: no change stream (its own cost is the freshness study's).
  s.updates = undefined;
  return { ...loaded, scenario: s };
}

/**
 * The expansion study: the same workload with queries of at most 1, 2, 5, ... terms (typed terms first,
 * then variants and synonyms), measuring latency, disk seeks and capacity at each, and the most terms
 * the SLO affords. A scenario without expansion is studied with policy `both`.
 */
export async function expansionStudy(
  loaded: LoadedScenario,
  termCounts: readonly number[],
  slo: Slo,
  options: SimulateOptions,
  ctx: RunContext,
  onPoint?: (terms: number, r: RunReport) => void,
  /** The scenario's own run, reused for a point that would repeat it exactly. */
  base?: RunReport,
): Promise<ExpansionStudy> {
  requireIndexService(loaded, '--expansion-terms', termCounts.join(','));
  const points: ExpansionStudy['points'] = [];
  for (const n of termCounts) {
    const point = withTermCount(loaded, n);
    const same = base && !loaded.scenario.updates && JSON.stringify(point.scenario.expansion) === JSON.stringify(loaded.scenario.expansion);
    const r = same ? base : await simulate(point, { ...options, onOutcome: undefined }, ctx);
    onPoint?.(n, r);
    points.push({
      terms: n,
      meanTerms: r.expansion?.meanTerms ?? 0,
      latencyMs: { p50: r.latencyMs.p50, p99: r.latencyMs.p99 },
      seeksPerQuery: r.perQuery.seeks,
      maxQps: capacityQps(r),
      meetsSlo: meetsSlo(slo, r),
    });
  }
  const ok = points.filter((p) => p.meetsSlo).map((p) => p.terms);
  return { slo: slo.text, points, affordableTerms: ok.length > 0 ? Math.max(...ok) : 0 };
}

/** Parses "100,1000,3125". */
export function parseRates(text: string): number[] {
  const xs = text.split(',').map((x) => Number(x.trim()));
  if (xs.length === 0 || xs.some((x) => !(x > 0 && Number.isFinite(x)))) throw errors.option('--update-rates', 'a comma-separated list of positive numbers, like 100,1000,3125', text);
  return [...new Set(xs)].sort((a, b) => a - b);
}

/**
 * The update-rate study: the scenario's change stream at each modelled rate (the real stream stays the
 * same; each real change costs the machines rate / real rate changes), measuring query latency, freshness
 * and update load, and the largest rate whose run still meets the SLO.
 */
export async function updateRateStudy(
  loaded: LoadedScenario,
  rates: readonly number[],
  slo: Slo,
  options: SimulateOptions,
  ctx: RunContext,
  onPoint?: (rate: number) => void,
): Promise<UpdateRateStudy> {
  requireIndexService(loaded, '--update-rates', rates.join(','));
  if (!loaded.scenario.updates) throw errors.option('--update-rates', 'used with a scenario that has an updates section', loaded.scenario.name);
  const points: UpdateRateStudy['points'] = [];
  for (const rate of rates) {
    const s = structuredClone(loaded.scenario);
    s.updates = { ...s.updates!, modelledRatePerS: rate };
    const r = await simulate({ ...loaded, scenario: s }, { ...options, onOutcome: undefined }, ctx);
    onPoint?.(rate);
    points.push({
      ratePerS: rate,
      latencyMs: { p50: r.latencyMs.p50, p99: r.latencyMs.p99 },
      freshness: { p50Ms: r.freshness!.p50Ms, p99Ms: r.freshness!.p99Ms },
      updateUtilisation: r.freshness!.updateUtilisation,
      meetsSlo: meetsSlo(slo, r),
    });
  }
  const ok = points.filter((p) => p.meetsSlo).map((p) => p.ratePerS);
  return { slo: slo.text, points, sustainedRatePerS: ok.length > 0 ? Math.max(...ok) : 0 };
}
