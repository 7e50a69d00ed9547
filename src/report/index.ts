export { RUN_FORMAT_VERSION, formatBytes, runSummaryRows } from './run.ts';
export type { ExpansionStudy, IndexReport, RunReport, UpdateRateStudy } from './run.ts';
export { RATE_STUDY_HEADER, STUDY_HEADER, formatChange, formatMetric, rateStudyRows, studyRows } from './tables.ts';
export { traceLoadLine } from './trace.ts';
