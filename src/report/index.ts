export { RUN_FORMAT_VERSION, formatBytes, runSummaryRows } from './run.ts';
export type { ExpansionStudy, IndexReport, RunReport, UpdateRateStudy } from './run.ts';
export { PATH_PARTS, RATE_STUDY_HEADER, STUDY_HEADER, formatChange, formatMetric, pathRows, rateStudyRows, studyRows } from './tables.ts';
export { SWEEP_FORMAT_VERSION } from './sweep.ts';
export type { Bottleneck, RunSummary, SweepPoint, SweepReport } from './sweep.ts';
export { traceLoadLine } from './trace.ts';
