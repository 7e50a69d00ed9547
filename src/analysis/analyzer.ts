import { readFileSync } from 'node:fs';
import { errors } from '../core/index.ts';
import { STEMMER_NAMES, stemmerFor, type StemmerName } from './stemmers.ts';

/** How text becomes index terms. Plain data: it crosses threads and is stored beside a segment. */
export interface AnalyzerOptions {
  /** Stop words: `smart` (the 429-word SMART list), `none`, or an explicit list. Default `smart`. */
  stopWords: 'smart' | 'none' | string[];
  /** Default `s` (plural stripping), which gives the reference BM25 figures on Cranfield and CACM. */
  stemmer: StemmerName;
  /** Tokens shorter than this (in UTF-16 code units) are dropped. Default 1 (keep everything). */
  minLength: number;
}

export const DEFAULT_ANALYZER: AnalyzerOptions = { stopWords: 'smart', stemmer: 's', minLength: 1 };

let smartList: string[] | undefined;
/** The SMART stop words, read once from the copy shipped beside this file. */
export function smartStopWords(): string[] {
  if (!smartList) {
    const text = readFileSync(new URL('./smart-stopwords.txt', import.meta.url), 'utf8');
    smartList = text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0 && !l.startsWith('#'));
  }
  return smartList;
}

/**
 * Unicode-aware tokens: maximal runs of letters, marks and digits (so "café", "naïve" and "1913" are
 * one token each), lower-cased. Apostrophes split ("o'brien" -> "o", "brien"), as in most web engines.
 */
const TOKEN = /[\p{L}\p{M}\p{N}]+/gu;

export class Analyzer {
  readonly options: AnalyzerOptions;
  private readonly stop: Set<string>;
  private readonly stem: (w: string) => string;
  /** token -> index term ('' for a stop word); bounded so a huge vocabulary cannot grow it forever. */
  private cache = new Map<string, string>();

  constructor(options: Partial<AnalyzerOptions> = {}) {
    const o: AnalyzerOptions = { ...DEFAULT_ANALYZER, ...options };
    if (!STEMMER_NAMES.includes(o.stemmer)) {
      throw errors.option('stemmer', `one of ${STEMMER_NAMES.join(', ')}`, o.stemmer);
    }
    if (!Number.isInteger(o.minLength) || o.minLength < 1) {
      throw errors.option('minLength', 'a positive integer', o.minLength);
    }
    if (o.stopWords !== 'smart' && o.stopWords !== 'none' && !Array.isArray(o.stopWords)) {
      throw errors.option('stopWords', '"smart", "none" or a list of words', o.stopWords);
    }
    this.options = o;
    const list = o.stopWords === 'smart' ? smartStopWords() : o.stopWords === 'none' ? [] : o.stopWords;
    this.stop = new Set(list.map((w) => w.toLowerCase()));
    this.stem = stemmerFor(o.stemmer);
  }

  /** The index form of one token ('' when it is dropped). */
  term(token: string): string {
    let t = this.cache.get(token);
    if (t === undefined) {
      const lower = token.toLowerCase();
      t = lower.length < this.options.minLength || this.stop.has(lower) ? '' : this.stem(lower);
      if (this.cache.size >= 1 << 20) this.cache = new Map();
      this.cache.set(token, t);
    }
    return t;
  }

  /** Calls `emit` for each index term of `text`, in order (repeats included). */
  forEachTerm(text: string, emit: (term: string) => void): void {
    TOKEN.lastIndex = 0;
    for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
      const t = this.term(m[0]);
      if (t !== '') emit(t);
    }
  }

  /** The index terms of `text`, in order (repeats included). */
  terms(text: string): string[] {
    const out: string[] = [];
    this.forEachTerm(text, (t) => out.push(t));
    return out;
  }
}
