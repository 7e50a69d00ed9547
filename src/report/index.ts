export { RUN_FORMAT_VERSION, formatBytes, runSummaryRows } from './run.ts';
export type { ExpansionStudy, IndexReport, RunReport } from './run.ts';
export { STUDY_HEADER, formatChange, formatMetric, studyRows } from './tables.ts';
