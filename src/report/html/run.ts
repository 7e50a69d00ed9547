import type { RunReport } from '../run.ts';
import { formatMetric } from '../tables.ts';
import { barChart, lineChart, type Series } from './charts.ts';
import type { Html } from './markup.ts';
import { Frame, PALETTE, axisFor, spreadsWide } from './svg.ts';

/** One run on a page: a run page has one side, a comparison two. */
export interface Side {
  label: string;
  report: RunReport;
}

const ms = (x: number) => `${formatMetric('latencyMs', x)} ms`;
const colourOf = (i: number) => PALETTE[i % PALETTE.length];

/** The latency distribution of each side, on a log latency axis so both the body and the tail show. */
export function latencyCdfChart(sides: readonly Side[]): Html | null {
  const drawn = sides.filter((s) => s.report.latencyCdf.length > 0);
  if (drawn.length === 0) return null;
  const series: Series[] = drawn.map((s, i) => ({
    name: s.label,
    colour: colourOf(i),
    points: s.report.latencyCdf.map((c) => ({ x: c.ms, y: c.percentile, title: `${s.label}: p${c.percentile} = ${ms(c.ms)}` })),
  }));
  const latenciesMs = series.flatMap((s) => s.points.map((p) => p.x));
  const f = new Frame(axisFor('latency (ms)', latenciesMs, { log: true }), { title: 'percentile of measured queries', min: 0, max: 100, log: false });
  return lineChart('latency-cdf', 'Latency distribution (CDF)', f, series, 'From each query\'s intended arrival to its answer, queueing included.');
}

type StudyPoint = NonNullable<RunReport['expansionStudy']>['points'][number];

const studied = (sides: readonly Side[]) => sides.flatMap((s, i) => (s.report.expansionStudy ? [{ side: s, colour: colourOf(i), points: s.report.expansionStudy.points }] : []));

const termsAxis = (points: readonly StudyPoint[]) => {
  const terms = points.map((p) => p.terms);
  return axisFor('query terms at most', terms, { log: spreadsWide(terms) });
};

/** Latency p50 and p99 against the term cap, for each side that ran the expansion study. */
function studyLatencyChart(sides: readonly Side[]): Html | null {
  const runs = studied(sides);
  if (runs.length === 0) return null;
  const series: Series[] = runs.flatMap(({ side, colour, points }) =>
    (['p50', 'p99'] as const).map((q) => ({
      name: `${side.label} ${q}`,
      colour,
      dashed: q === 'p50',
      points: points.map((p) => ({ x: p.terms, y: p.latencyMs[q], open: !p.meetsSlo, title: `${side.label}, at most ${p.terms} terms (mean ${p.meanTerms.toFixed(1)}): ${q} ${ms(p.latencyMs[q])}${p.meetsSlo ? '' : ', misses the SLO'}` })),
    })),
  );
  const all = runs.flatMap((r) => r.points);
  const f = new Frame(termsAxis(all), axisFor('latency (ms)', all.flatMap((p) => [p.latencyMs.p50, p.latencyMs.p99]), { log: true }));
  const slo = runs[0].side.report.expansionStudy?.slo ?? '';
  return lineChart('study-latency', 'Latency against query terms', f, series, `Open dots miss the SLO (${slo}).`);
}

/** Bottleneck-law capacity against the term cap, for each side that ran the expansion study. */
function studyCapacityChart(sides: readonly Side[]): Html | null {
  const runs = studied(sides);
  if (runs.length === 0) return null;
  const series: Series[] = runs.map(({ side, colour, points }) => ({
    name: side.label,
    colour,
    points: points.flatMap((p) => (p.maxQps === null ? [] : [{ x: p.terms, y: p.maxQps, open: !p.meetsSlo, title: `${side.label}, at most ${p.terms} terms: ${p.maxQps.toFixed(1)} queries/s` }])),
  }));
  const all = runs.flatMap((r) => r.points);
  const f = new Frame(termsAxis(all), axisFor('capacity (queries/s)', series.flatMap((s) => s.points.map((p) => p.y)), { zero: true }));
  return lineChart('study-capacity', 'Capacity against query terms', f, series, 'Completed queries/s over the busiest machine\'s utilisation (the bottleneck law); open dots miss the SLO.');
}

export function studyCharts(sides: readonly Side[]): (Html | null)[] {
  return [studyLatencyChart(sides), studyCapacityChart(sides)];
}

/** Each shard's work, one chart a side: an uneven index or a hot shard shows as a tall bar. */
export function shardLoadCharts(sides: readonly Side[]): (Html | null)[] {
  return sides.map((s, i) => {
    const loads = s.report.shardLoad;
    if (loads.length === 0) return null;
    const meanLoad = loads.reduce((a, b) => a + b, 0) / loads.length;
    const f = new Frame({ title: 'shard', min: 0, max: loads.length, log: false }, axisFor('machines kept busy', loads, { zero: true }));
    const bars = loads.map((load, shard) => ({ x0: shard, x1: shard + 1, y: load, title: `${s.label}: shard ${shard} keeps ${load.toFixed(3)} machines busy` }));
    const note = 'CPU and disk time of all its replicas over the measured window.';
    return barChart(`shard-load-${i}`, `Load per shard: ${s.label}`, f, bars, colourOf(i), { y: meanLoad, name: `mean ${meanLoad.toFixed(3)}` }, note);
  });
}

/** Freshness (change to visibility on every replica) by when the change was made, p50 and p99 a side. */
export function freshnessChart(sides: readonly Side[]): Html | null {
  const series: Series[] = sides.flatMap((s, i) => {
    const stretches = (s.report.freshness?.overTime ?? []).filter((t) => t.changes > 0);
    if (stretches.length === 0) return [];
    return (['p50', 'p99'] as const).map((q) => ({
      name: `${s.label} ${q}`,
      colour: colourOf(i),
      dashed: q === 'p50',
      points: stretches.map((t) => ({ x: (t.fromS + t.toS) / 2, y: t[`${q}Ms`] / 1000, title: `${s.label}, changes made ${t.fromS.toFixed(1)}-${t.toS.toFixed(1)} s (${t.changes}): ${q} ${(t[`${q}Ms`] / 1000).toFixed(1)} s` })),
    }));
  });
  if (series.length === 0) return null;
  const points = series.flatMap((s) => s.points);
  const f = new Frame(axisFor('when the change was made (s into the run)', points.map((p) => p.x), { zero: true }), axisFor('freshness (s)', points.map((p) => p.y), { log: true }));
  return lineChart('freshness', 'Freshness over the run', f, series, 'From a change to its visibility on every replica, for the changes made in each stretch of the run.');
}
