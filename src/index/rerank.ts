import { invariant } from '../core/index.ts';
import { idf, type Bm25Scorer, type CollectionStats } from './bm25.ts';
import type { SearchRequest } from './query.ts';
import type { Segment } from './segment.ts';
import type { Hit, TopK } from './topk.ts';

/** Where a shard's re-ranker finds a candidate's forward vector and the shard's own statistics. */
export interface ForwardSource {
  /** The segment holding a live document and its position there. */
  locate(id: string): { seg: Segment; local: number };
  /** Live documents holding `term` on this shard. */
  liveDf(term: string): number;
  /** Live documents on this shard. */
  liveDocs(): number;
}

/** One term of the mixed query: its BM25 weight (query weight x idf). */
interface MixedTerm {
  term: string;
  weight: number;
}

/**
 * RM3 as a re-ranker over one shard's first-stage candidates (best first): the relevance model from the
 * top `fbDocs` of them, P(w|R) proportional to the sum over feedback documents of tf(w, d) / |d| times
 * the document's first-stage score (Anserini weighs by the retrieval score the same way), cut to its
 * `fbTerms` heaviest terms (ties by term) and mixed with the query: a request term keeps
 * originalWeight x its BM25 weight, a feedback term gets (1 - originalWeight) x the query's total weight
 * x its share of the model, times its idf. Every candidate is then rescored by BM25 of the mixed query
 * from its forward vector (the same scorer and the same in-order sum as the first stage, so
 * originalWeight 1 gives the first stage's scores to the last bit) and offered to `into`.
 *
 * Unlike Anserini's RM3, which runs the mixed query over the whole index, this reorders only the
 * candidates: the funnel's shape. A request term's idf is the collection's (`weights`, from the
 * statistics round); a feedback term's is estimated from this shard's own document frequency scaled to
 * the collection (documents are hashed to shards, so a shard is a uniform sample).
 *
 * Returns the forward-index entries read (the work the cost model charges).
 */
export function rm3Rerank(
  src: ForwardSource,
  req: SearchRequest,
  weights: Float64Array,
  scorer: Bm25Scorer,
  collection: CollectionStats,
  candidates: readonly Hit[],
  into: TopK,
): number {
  const spec = req.rerank;
  invariant(spec !== undefined && spec.kind === 'rm3', 'an RM3 re-ranking request');
  let entries = 0;
  const model = new Map<string, number>();
  for (const h of candidates.slice(0, spec.fbDocs)) {
    const { seg, local } = src.locate(h.id);
    const len = seg.docLens[local];
    if (len === 0) continue;
    seg.forEachTermOf(local, (o, tf) => {
      entries++;
      const t = seg.terms[o];
      model.set(t, (model.get(t) ?? 0) + (tf / len) * h.score);
    });
  }
  const mixed = mixQuery(req, weights, model, spec.fbTerms, spec.originalWeight, src, collection);
  entries += rescore(src, mixed, scorer, candidates, into);
  return entries;
}

/** The mixed query: request terms first, in request order, then feedback terms heaviest first. */
function mixQuery(
  req: SearchRequest,
  weights: Float64Array,
  model: Map<string, number>,
  fbTerms: number,
  originalWeight: number,
  src: ForwardSource,
  collection: CollectionStats,
): MixedTerm[] {
  const mixed: MixedTerm[] = req.terms.map((t, i) => ({ term: t.term, weight: weights[i] * originalWeight }));
  if (originalWeight >= 1 || model.size === 0 || src.liveDocs() === 0) return mixed;
  const top = [...model].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, fbTerms);
  let mass = 0;
  for (const [, w] of top) mass += w;
  if (!(mass > 0)) return mixed;
  let queryWeight = 0;
  for (const t of req.terms) queryWeight += t.weight;
  const at = new Map(req.terms.map((t, i) => [t.term, i] as const));
  for (const [term, w] of top) {
    const share = ((1 - originalWeight) * queryWeight * w) / mass;
    const i = at.get(term);
    if (i !== undefined) {
      // A request term the model also favours: its collection idf, a larger share.
      const termIdf = weights[i] > 0 ? weights[i] / req.terms[i].weight : 0;
      mixed[i].weight += share * termIdf;
      continue;
    }
    const dfEstimate = (src.liveDf(term) * collection.docCount) / src.liveDocs();
    mixed.push({ term, weight: share * idf(collection.docCount, dfEstimate) });
  }
  return mixed;
}

/** BM25 of the mixed query for each candidate, from its forward vector; returns the entries read. */
function rescore(src: ForwardSource, mixed: readonly MixedTerm[], scorer: Bm25Scorer, candidates: readonly Hit[], into: TopK): number {
  let entries = 0;
  const contrib = new Float64Array(mixed.length);
  const slotsOf = new Map<Segment, Map<number, number>>();
  for (const h of candidates) {
    const { seg, local } = src.locate(h.id);
    let slots = slotsOf.get(seg);
    if (!slots) {
      slots = new Map();
      mixed.forEach((m, i) => {
        const o = seg.termOrdinal.get(m.term);
        if (o !== undefined && m.weight > 0) slots!.set(o, i);
      });
      slotsOf.set(seg, slots);
    }
    contrib.fill(0);
    const len = seg.docLens[local];
    const s = slots;
    seg.forEachTermOf(local, (o, tf) => {
      entries++;
      const i = s.get(o);
      if (i !== undefined) contrib[i] = scorer.termScore(mixed[i].weight, tf, len);
    });
    let score = 0;
    for (let i = 0; i < contrib.length; i++) if (contrib[i] !== 0) score += contrib[i];
    into.offer(score, h.id);
  }
  return entries;
}
