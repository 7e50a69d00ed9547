import type { ExpansionStudy, RunReport, UpdateRateStudy } from './run.ts';

/** Numbers for tables: ms with sensible precision, shares as percentages, large counts grouped. */
export function formatMetric(path: string, v: number | null): string {
  if (v === null) return '-';
  if (path.startsWith('freshness.p')) return v >= 86_400_000 ? `${(v / 86_400_000).toFixed(1)} d` : `${(v / 1000).toFixed(1)} s`;
  if (path.endsWith('Ms') || path.includes('Ms.')) return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  if (path.startsWith('criticalPath.share')) return `${(v * 100).toFixed(1)} %`;
  if (path.startsWith('utilisation') || path.endsWith('hitRatio') || path.endsWith('Utilisation') || path.endsWith('staleness')) return `${(v * 100).toFixed(1)} %`;
  if (path.endsWith('bytesRead')) return `${(v / 1e6).toFixed(1)} MB`;
  if (path.endsWith('energyJ')) return v.toFixed(3);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

export function formatChange(pct: number | null): string {
  if (pct === null) return '-';
  const s = pct >= 0 ? '+' : '';
  return `${s}${Math.abs(pct) >= 100 ? pct.toFixed(0) : pct.toFixed(1)} %`;
}

/** Rows of an expansion study: terms, mean terms, p50, p99, seeks per query, capacity, SLO. */
export function studyRows(s: ExpansionStudy): (string | number)[][] {
  return s.points.map((p) => [
    p.terms,
    p.meanTerms.toFixed(1),
    formatMetric('latencyMs', p.latencyMs.p50),
    formatMetric('latencyMs', p.latencyMs.p99),
    p.seeksPerQuery.toFixed(1),
    p.maxQps === null ? '-' : p.maxQps.toFixed(1),
    p.meetsSlo ? 'yes' : 'no',
  ]);
}
export const STUDY_HEADER = ['max terms', 'mean terms', 'p50 ms', 'p99 ms', 'seeks/query', 'capacity q/s', 'meets SLO'];

export const RATE_STUDY_HEADER = ['changes/s', 'p50 ms', 'p99 ms', 'freshness p50', 'freshness p99', 'update time', 'meets SLO'];
export function rateStudyRows(s: UpdateRateStudy): (string | number)[][] {
  return s.points.map((p) => [
    p.ratePerS,
    formatMetric('latencyMs', p.latencyMs.p50),
    formatMetric('latencyMs', p.latencyMs.p99),
    formatMetric('freshness.p50Ms', p.freshness.p50Ms),
    formatMetric('freshness.p99Ms', p.freshness.p99Ms),
    formatMetric('freshness.updateUtilisation', p.updateUtilisation),
    p.meetsSlo ? 'yes' : 'no',
  ]);
}

/** The parts of a query's time, in display order, with their labels. */
export const PATH_PARTS = [
  ['seek', 'disk seek'],
  ['rotation', 'disk rotation'],
  ['transfer', 'disk transfer'],
  ['cpu', 'CPU (leaf)'],
  ['merge', 'merge (router)'],
  ['rank', 'ranking (root)'],
  ['network', 'network'],
  ['queueing', 'queueing'],
] as const;

/** Rows of where the time goes, one column per run: mean ms and share of the latency. */
export function pathRows(runs: readonly Pick<RunReport, 'criticalPath'>[]): string[][] {
  // The root's ranking stages exist only with a funnel: shown when some run has them.
  const parts = PATH_PARTS.filter(([k]) => k !== 'rank' || runs.some((r) => r.criticalPath.meanMs.rank > 0));
  return parts.map(([k, label]) => [label, ...runs.map((r) => `${formatMetric('ms', r.criticalPath.meanMs[k]).padStart(7)} ms  ${(r.criticalPath.share[k] * 100).toFixed(1).padStart(5)} %`)]);
}

/** Rows of a comparison: metric, baseline, contender and the change in percent. */
export function diffRows(diff: Record<string, { baseline: number | null; contender: number | null; changePct: number | null }>): string[][] {
  return Object.entries(diff).map(([m, d]) => [m, formatMetric(m, d.baseline), formatMetric(m, d.contender), formatChange(d.changePct)]);
}
