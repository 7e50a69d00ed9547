export { RUN_FORMAT_VERSION, formatBytes, runSummaryRows } from './run.ts';
export type { IndexReport, RunReport } from './run.ts';
