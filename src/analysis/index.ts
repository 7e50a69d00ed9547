export { Analyzer, DEFAULT_ANALYZER, smartStopWords } from './analyzer.ts';
export type { AnalyzerOptions } from './analyzer.ts';
export { sStem, stemmerFor, STEMMER_NAMES } from './stemmers.ts';
export type { StemmerName } from './stemmers.ts';
