export { averagePrecision, evaluateRuns, judgedCount, matchJudgments, ndcgAt, precisionAt, recallAt } from './measures.ts';
export type { QualityReport } from './measures.ts';
