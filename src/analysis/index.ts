export { Analyzer, DEFAULT_ANALYZER, smartStopWords } from './analyzer.ts';
export type { AnalyzerOptions } from './analyzer.ts';
export { sStem, stemmerFor, STEMMER_NAMES } from './stemmers.ts';
export type { StemmerName } from './stemmers.ts';
export { DEFAULT_EXPANSION, EXPANSION_POLICIES, Expander, validateExpansion } from './expansion.ts';
export type { ExpandedTerm, ExpansionOptions, ExpansionPolicy, WeightedTerm } from './expansion.ts';
export { WORDNET_POS, WordNet, parseDataLine, wordnetDictDir } from './wordnet.ts';
export type { Synset, WordNetPos } from './wordnet.ts';
