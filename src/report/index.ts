export { RUN_FORMAT_VERSION, formatBytes, liveRows, runSummaryRows } from './run.ts';
export type { ExpansionStudy, IndexReport, LiveReport, RunReport, UpdateRateStudy } from './run.ts';
export { PATH_PARTS, RATE_STUDY_HEADER, STUDY_HEADER, diffRows, formatChange, formatMetric, pathRows, rateStudyRows, studyRows } from './tables.ts';
export { SWEEP_FORMAT_VERSION, layoutText, sweepPointHeader, sweepPointRows } from './sweep.ts';
export type { Bottleneck, RunSummary, SweepPoint, SweepReport } from './sweep.ts';
export { traceLoadLine } from './trace.ts';
export { comparePage, escapeHtml, planPage, runPage, sweepPage } from './html/index.ts';
export type { ComparePageInput, PlanPageInput } from './html/index.ts';
