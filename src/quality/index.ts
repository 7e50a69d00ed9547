export { averagePrecision, evaluateRuns, ndcgAt, precisionAt, recallAt } from './measures.ts';
export type { QualityReport } from './measures.ts';
