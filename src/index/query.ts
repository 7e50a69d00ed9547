import type { Analyzer, WeightedTerm } from '../analysis/index.ts';
import { errors } from '../core/index.ts';

export type { WeightedTerm };

export type MatchMode = 'or' | 'and';
export const MATCH_MODES: readonly MatchMode[] = ['or', 'and'];

/** What a shard is asked to evaluate. `terms` are distinct; their order fixes the order scores are summed in. */
export interface SearchRequest {
  terms: WeightedTerm[];
  k: number;
  mode: MatchMode;
  /**
   * Early termination (Brin and Page 1998, section 4.5): each shard stops once it has found this many
   * matching documents, taking documents in its index order, so a list is read as a prefix; hits come
   * from what was read, and the receipt books the postings and bytes read. Absent: exhaustive, rank-safe.
   */
  budget?: number;
  /**
   * Book reads of a shard's second tier apart: the receipt then has 2 x terms entries, entry
   * terms + q for term q's second-tier list (another list, so another read).
   */
  tiered?: boolean;
  /**
   * A re-ranking stage on the shard (the ranking funnel's second stage): the shard's top `k` by BM25 are
   * its candidates, rescored from its forward index; it returns its best `rerank.keep` by the new score.
   */
  rerank?: RerankRequest;
}

/**
 * RM3 pseudo-relevance feedback as a re-ranker (Lavrenko and Croft, "Relevance-based language models",
 * SIGIR 2001; RM3 as Abdul-Jaleel et al., "UMass at TREC 2004"): a relevance model from the shard's top
 * `fbDocs` candidates, its `fbTerms` heaviest terms mixed with the query at `originalWeight`, and every
 * candidate rescored by BM25 with the mixed query.
 */
export interface RerankRequest {
  kind: 'rm3';
  /** Candidates the shard keeps and returns (<= the request's k). */
  keep: number;
  fbDocs: number;
  fbTerms: number;
  /** The original query's share of the mixed query, in [0, 1]; 1 adds no signal (BM25's own order). */
  originalWeight: number;
}

/**
 * Anserini's RM3 defaults (SearchCollection's -rm3.fbDocs 10, -rm3.fbTerms 10,
 * -rm3.originalQueryWeight 0.5; Lin et al., "Toward reproducible baselines", ECIR 2016).
 */
export const RM3_DEFAULTS = { fbDocs: 10, fbTerms: 10, originalWeight: 0.5 } as const;

/** How many hits a shard returns for a request, and the router keeps: the re-ranker's keep, else k. */
export function resultCount(r: SearchRequest): number {
  return r.rerank ? Math.min(r.k, r.rerank.keep) : r.k;
}

/**
 * Analyzes a typed query into distinct weighted terms, in first-occurrence order; a repeated word adds
 * its weight (BM25's query term frequency).
 */
export function analyzeQuery(analyzer: Analyzer, text: string, weight = 1): WeightedTerm[] {
  return mergeTerms(analyzer.terms(text).map((term) => ({ term, weight })));
}

/** Merges repeated terms by summing weights; keeps first-occurrence order. */
export function mergeTerms(terms: readonly WeightedTerm[]): WeightedTerm[] {
  const at = new Map<string, number>();
  const out: WeightedTerm[] = [];
  for (const t of terms) {
    if (!(Number.isFinite(t.weight) && t.weight > 0)) throw errors.option(`weight of "${t.term}"`, 'a positive number', t.weight);
    const i = at.get(t.term);
    if (i === undefined) {
      at.set(t.term, out.length);
      out.push({ term: t.term, weight: t.weight });
    } else out[i].weight += t.weight;
  }
  return out;
}
