export { expectedAgeS, expectedFreshness } from './freshness.ts';
export { simulateCrawl } from './crawler.ts';
export type { CrawlFigures, CrawlObserver, CrawlSpan } from './crawler.ts';
export {
  REFRESH_POLICIES,
  checkCrawlInputs,
  hintsPolicy,
  importanceOptimalPolicy,
  optimalPolicy,
  optimalRates,
  proportionalPolicy,
  refreshPolicy,
  uniformPolicy,
} from './policies.ts';
export type { CrawlPlan, RefreshPolicy, RefreshPolicyName } from './policies.ts';
export {
  STATIC_RANK_ZIPF_EXPONENT,
  checkDistribution,
  classImportance,
  demandImportance,
  normalised,
  pagePopulation,
  staticRankImportance,
  zipfChangeRates,
  zipfLaw,
} from './population.ts';
export type { ImportanceClass, PagePopulation, ZipfLaw } from './population.ts';
