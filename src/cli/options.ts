import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { STEMMER_NAMES, type AnalyzerOptions, type StemmerName } from '../analysis/index.ts';
import { CORPUS_FORMATS, TEXT_ENCODINGS, type CorpusFormat, type CorpusOptions, type TextEncoding } from '../corpus/index.ts';
import { makeStorageDir, type ShardSetSpec, type StorageSpec } from '../index/index.ts';
import { removeOnExit } from './cleanup.ts';
import { WORK_BUDGET } from '../scenarios/index.ts';

/** Commander parsers that reject bad values with a message naming what was expected. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected an integer >= 0.');
  return n;
}
export function finiteNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number.');
  return n;
}
/** A number in (0, 1]: an added expansion term's weight, a first tier's share of documents. */
export function unitWeight(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n <= 1)) throw new InvalidArgumentError('expected a number in (0, 1].');
  return n;
}
/** A share strictly between 0 and 1 (a bisection's tolerance: 1 would stop before the first probe). */
export function openShare(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n < 1)) throw new InvalidArgumentError('expected a number above 0 and below 1, like 0.01.');
  return n;
}
/** A duration in seconds, written as 30s, 2m, 500ms or a plain number of seconds; positive. */
export function durationS(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(value);
  const n = m ? Number(m[1]) * (m[2] === 'ms' ? 0.001 : m[2] === 'm' ? 60 : 1) : NaN;
  if (!(n > 0)) throw new InvalidArgumentError('expected a positive duration such as 30s, 2m or 500ms.');
  return n;
}
export function oneOf<T extends string>(names: readonly T[]): (value: string) => T {
  return (value) => {
    if (!names.includes(value as T)) throw new InvalidArgumentError(`expected one of: ${names.join(', ')}.`);
    return value as T;
  };
}

/** Options every command that builds an index shares. */
export interface IndexCliOptions {
  shards: number;
  threads?: number;
  stemmer: StemmerName;
  stopWords: string;
  storage: 'memory' | 'disk';
  format?: CorpusFormat;
  markup: 'none' | 'gcide';
  encoding: TextEncoding;
  k1: number;
  b: number;
  force?: boolean;
}

export function addIndexOptions(cmd: Command, defaultShards = 1): Command {
  return cmd
    .option('--shards <n>', 'number of shards (documents partitioned by a hash of their id)', positiveInt, defaultShards)
    .option('--threads <n>', 'shard worker threads (0 = run shards in this thread; default: min(cores, shards))', nonNegativeInt)
    .option('--stemmer <name>', `stemmer: ${STEMMER_NAMES.join(', ')}`, oneOf(STEMMER_NAMES), 's')
    .option('--stop-words <list>', 'stop words: smart (the SMART list), none, or a comma-separated list', 'smart')
    .option('--storage <kind>', 'where shard workers keep posting lists: memory or disk (a file per segment)', oneOf(['memory', 'disk'] as const), 'memory')
    .option('--format <format>', `corpus format: ${CORPUS_FORMATS.join(', ')} (default: guessed)`, oneOf(CORPUS_FORMATS))
    .option('--markup <kind>', 'markup to strip from document text: none, or gcide (dictionary tags)', oneOf(['none', 'gcide'] as const), 'none')
    .option('--encoding <name>', `corpus encoding: ${TEXT_ENCODINGS.join(', ')} (utf8 refuses bytes that are not UTF-8; utf8-lossy reads them as U+FFFD)`, oneOf(TEXT_ENCODINGS), 'utf8')
    .option('--k1 <x>', 'BM25 k1', finiteNumber, 1.2)
    .option('--b <x>', 'BM25 b', finiteNumber, 0.75)
    .option('--force', `run even past the work budget (${WORK_BUDGET.toExponential(0)} leaf requests, see README)`);
}

export function analyzerFrom(o: IndexCliOptions): Partial<AnalyzerOptions> {
  const stopWords = o.stopWords === 'smart' || o.stopWords === 'none' ? o.stopWords : o.stopWords.split(',').map((w) => w.trim()).filter(Boolean);
  return { stemmer: o.stemmer, stopWords };
}

export function specFrom(corpus: string, o: IndexCliOptions): ShardSetSpec {
  const corpusOptions: CorpusOptions = { markup: o.markup };
  if (o.encoding !== 'utf8') corpusOptions.encoding = o.encoding;
  if (o.format) corpusOptions.format = o.format;
  const storage: StorageSpec = o.storage === 'disk' ? { kind: 'disk', dir: runStorageDir() } : { kind: 'memory' };
  return { corpus, corpusOptions, analyzer: analyzerFrom(o), shards: o.shards, storage, bm25: { k1: o.k1, b: o.b } };
}

/** The one folder a command's disk-stored shards write to, removed when the process ends (signals too). */
function runStorageDir(): string {
  const dir = makeStorageDir();
  removeOnExit(dir);
  return dir;
}
