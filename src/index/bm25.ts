import { errors } from '../core/index.ts';

/**
 * Okapi BM25 (Robertson et al., TREC-3, 1994) with Lucene's non-negative idf,
 * ln(1 + (N - df + 0.5) / (df + 0.5)). k1 = 1.2 and b = 0.75 are the customary defaults (Manning,
 * Raghavan & Schütze, Introduction to IR, 11.4.3) and those of the reference figures in
 * ../shared/data/README.md.
 */
export interface Bm25Params {
  k1: number;
  b: number;
}
export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.75 };

export function validateBm25(p: Bm25Params): Bm25Params {
  if (!(Number.isFinite(p.k1) && p.k1 >= 0)) throw errors.option('k1', 'a number >= 0', p.k1);
  if (!(Number.isFinite(p.b) && p.b >= 0 && p.b <= 1)) throw errors.option('b', 'a number in [0, 1]', p.b);
  return p;
}

/** Collection-wide statistics: summed over every shard, so every shard scores as one index would. */
export interface CollectionStats {
  docCount: number;
  totalLength: number;
}

export function idf(docCount: number, df: number): number {
  return Math.log(1 + (docCount - df + 0.5) / (df + 0.5));
}

/**
 * The per-document part of a term's score, precomputed per query: `termScore(w, tf, len)` =
 * w * tf (k1 + 1) / (tf + k1 (1 - b + b len / avgLength)) where w = query weight x idf. Every scorer
 * (pruned, exhaustive, reference) goes through this one function so their floating-point results agree
 * to the last bit.
 */
export class Bm25Scorer {
  private readonly c0: number;
  private readonly c1: number;
  private readonly k1p1: number;
  constructor(p: Bm25Params, stats: CollectionStats) {
    const avg = stats.docCount > 0 ? stats.totalLength / stats.docCount : 1;
    this.c0 = p.k1 * (1 - p.b);
    this.c1 = (p.k1 * p.b) / (avg > 0 ? avg : 1);
    this.k1p1 = p.k1 + 1;
  }
  termScore(w: number, tf: number, len: number): number {
    return (w * tf * this.k1p1) / (tf + this.c0 + this.c1 * len);
  }
}
