/**
 * The HTML report: one self-contained page a run, a comparison, a sweep or a plan, with the charts a
 * reader would rather look at than read (see svg.ts for why plain SVG). Pages are strings; the CLI
 * writes them. Only what the JSON holds is drawn, and a chart whose data is absent is left out.
 */
import type { RunReport } from '../run.ts';
import { runSummaryRows } from '../run.ts';
import type { SweepPoint, SweepReport } from '../sweep.ts';
import { layoutText, sweepPointHeader, sweepPointRows } from '../sweep.ts';
import { RATE_STUDY_HEADER, STUDY_HEADER, diffRows, formatMetric, pathRows, rateStudyRows, studyRows } from '../tables.ts';
import type { Html } from './markup.ts';
import { chartGrid, dataTable, page, section } from './page.ts';
import { freshnessChart, latencyCdfChart, shardLoadCharts, studyCharts, type Side } from './run.ts';
import { MAX_QPS, P99_MS, frontierChart, heatmaps } from './sweep.ts';
import type { Validation } from '../validation.ts';
import { VALIDATION_HEADER, validationRows, validationSummary } from '../validation.ts';
import { validationChart } from './validation.ts';

export { escapeHtml } from './markup.ts';

/** A comparison as the compare verb makes it (the scenarios layer's `Comparison`). */
export interface ComparePageInput {
  baseline: RunReport;
  contender: RunReport;
  diff: Record<string, { baseline: number | null; contender: number | null; changePct: number | null }>;
}

/** A plan as the plan verb makes it (the sweep layer's `PlanReport`). */
export interface PlanPageInput {
  qps: number;
  slo: string;
  chosen: SweepPoint | null;
  alternatives: { point: SweepPoint; why: string }[];
  points: SweepPoint[];
}

const clusterLine = (r: RunReport) => `${r.cluster.shards} shards x ${r.cluster.replicas} replicas = ${r.machines} machines, ${r.cluster.mode} mode, hardware ${r.cluster.hardware}`;

function workloadLine(r: RunReport): string {
  const trace = r.workload.trace === null ? '' : `, trace ${r.workload.trace}`;
  return `${r.queries.measured} measured queries after ${r.queries.warmup} warm-up, ${r.offeredQps.toFixed(1)} queries/s offered, seed ${r.scenario.seed}${trace}`;
}

/** The expansion study's table for each side that ran it, under its charts. */
function studyTables(sides: readonly Side[]): (Html | null)[] {
  return sides.map((s) => (s.report.expansionStudy ? section(`${s.label}: affords ${s.report.expansionStudy.affordableTerms} terms under ${s.report.expansionStudy.slo}`, dataTable(STUDY_HEADER, studyRows(s.report.expansionStudy))) : null));
}

/** The update-rate study's table for each side that ran it (the study has no chart). */
function rateStudyTables(sides: readonly Side[]): (Html | null)[] {
  return sides.map((s) => {
    const study = s.report.updateRateStudy;
    return study ? section(`${s.label}: update-rate study, sustains ${study.sustainedRatePerS} changes/s under ${study.slo}`, dataTable(RATE_STUDY_HEADER, rateStudyRows(study))) : null;
  });
}

/** The chart sections a run page and a comparison share. */
function runSections(sides: readonly Side[]): (Html | null)[] {
  return [
    section('Latency', chartGrid([latencyCdfChart(sides)])),
    section('Latency and capacity against query terms', chartGrid(studyCharts(sides)), ...studyTables(sides)),
    section('Load per shard', chartGrid(shardLoadCharts(sides))),
    section('Freshness', chartGrid([freshnessChart(sides)]), ...rateStudyTables(sides)),
  ];
}

export function runPage(r: RunReport): string {
  const sides = [{ label: r.scenario.name, report: r }];
  return page(`searchsim run: ${r.scenario.name}`, [clusterLine(r), workloadLine(r)], [section('Summary', dataTable(['metric', 'value'], runSummaryRows(r), 'summary')), ...runSections(sides)]);
}

export function comparePage(c: ComparePageInput): string {
  const sides = [
    { label: `baseline ${c.baseline.scenario.name}`, report: c.baseline },
    { label: `contender ${c.contender.scenario.name}`, report: c.contender },
  ];
  const intro = [`baseline: ${c.baseline.scenario.name}, ${clusterLine(c.baseline)}`, `contender: ${c.contender.scenario.name}, ${clusterLine(c.contender)}`, `workload: ${workloadLine(c.baseline)}`];
  const summary = section('Side by side', dataTable(['metric', 'baseline', 'contender', 'change'], diffRows(c.diff), 'summary'));
  const path = section("Where a measured query's time goes (mean along its critical path, and share of its latency)", dataTable(['part', 'baseline', 'contender'], pathRows([c.baseline, c.contender])));
  return page(`searchsim compare: ${c.baseline.scenario.name} vs ${c.contender.scenario.name}`, intro, [summary, path, ...runSections(sides)]);
}

const axesLine = (r: SweepReport) => r.axes.map((a) => `${a.name} ${a.values.join(', ')}`).join('; ');

export function sweepPage(r: SweepReport): string {
  const findMax = r.load === 'find-max-qps';
  const marked = new Set(findMax ? r.frontier.byMaxQps : r.frontier.byP99.flatMap((f) => f.points));
  const intro = [`${r.points.length} points, SLO ${r.slo}, ${findMax ? "each layout's highest load under the SLO" : 'each layout at each load'}`, `axes: ${axesLine(r)}`, r.confidence.rule];
  return page(`searchsim sweep: ${r.scenario}`, intro, [
    section('Layouts', chartGrid(heatmaps(r.points, findMax ? MAX_QPS : P99_MS, marked, 'on the Pareto frontier'))),
    section('Pareto frontier', chartGrid([frontierChart(r)])),
    section('Points', dataTable(sweepPointHeader(r), sweepPointRows(r), 'points')),
  ]);
}

export function planPage(p: PlanPageInput): string {
  const key = (x: SweepPoint) => JSON.stringify(x.params);
  const chosen = p.chosen === null ? -1 : p.points.findIndex((x) => key(x) === key(p.chosen!));
  const verdict = p.chosen
    ? `cheapest layout holding ${p.slo} at ${p.qps} queries/s: ${layoutText(p.chosen)} = ${p.chosen.machines} machines (p99 ${formatMetric('latencyMs', p.chosen.latencyMs.p99)} ms, bottleneck ${p.chosen.bottleneck})`
    : `no layout tried holds ${p.slo} at ${p.qps} queries/s`;
  return page(`searchsim plan: ${p.qps} queries/s under ${p.slo}`, [verdict], [
    section(`Layouts at ${p.qps} queries/s`, chartGrid(heatmaps(p.points, P99_MS, new Set(chosen >= 0 ? [chosen] : []), 'the cheapest layout that holds the SLO'))),
    section('Runners-up and why they lose', dataTable(['layout', 'machines', 'why it loses'], p.alternatives.map((a) => [layoutText(a.point), String(a.point.machines), a.why]), 'alternatives')),
  ]);
}

export function validationPage(v: Validation): string {
  return page(`searchsim validate: ${v.scenario}`, [validationSummary(v)], [
    section('Latency against load', chartGrid([validationChart(v)])),
    section('Predicted against live', dataTable(VALIDATION_HEADER, validationRows(v), 'validation-rows')),
  ]);
}
