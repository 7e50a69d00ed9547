export { readCorpus, resolveCorpusPath, stripGcideMarkup, CORPUS_FORMATS, WORDNET_GLOSSES } from './documents.ts';
export type { Doc, LocatedDoc, CorpusFormat, CorpusOptions } from './documents.ts';
export { readQueries, readQrels, collectionPaths, requireCollection } from './judgments.ts';
export type { Query, Qrels, CollectionPaths } from './judgments.ts';
export { TEXT_ENCODINGS, parseJsonObject, readLines, requireFile, shown } from './lines.ts';
export type { LineOptions, TextEncoding } from './lines.ts';
