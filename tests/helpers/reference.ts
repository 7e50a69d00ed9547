import { Bm25Scorer, DEFAULT_BM25, idf, compareHits, type Hit, type MatchMode, type WeightedTerm } from '../../src/index/index.ts';

/**
 * The naive reference engine the real one must agree with (MiniSearch's habit): documents in a Map,
 * every query scored against every document, no pruning, no shards. Scores go through the same
 * Bm25Scorer and are summed in query-term order, so agreement is exact.
 */
export class ReferenceIndex {
  readonly docs = new Map<string, string[]>();
  upsert(id: string, terms: string[]): void {
    this.docs.set(id, terms);
  }
  delete(id: string): boolean {
    return this.docs.delete(id);
  }
  search(terms: WeightedTerm[], k: number, mode: MatchMode): Hit[] {
    const n = this.docs.size;
    let total = 0;
    const df = new Map<string, number>();
    for (const ts of this.docs.values()) {
      total += ts.length;
      for (const t of new Set(ts)) df.set(t, (df.get(t) ?? 0) + 1);
    }
    const scorer = new Bm25Scorer(DEFAULT_BM25, { docCount: n, totalLength: total });
    const w = terms.map((t) => ((df.get(t.term) ?? 0) > 0 ? t.weight * idf(n, df.get(t.term)!) : 0));
    const hits: Hit[] = [];
    for (const [id, ts] of this.docs) {
      const tf = new Map<string, number>();
      for (const t of ts) tf.set(t, (tf.get(t) ?? 0) + 1);
      let score = 0;
      let matched = 0;
      terms.forEach((t, i) => {
        const f = tf.get(t.term) ?? 0;
        if (f > 0 && w[i] > 0) {
          score += scorer.termScore(w[i], f, ts.length);
          matched++;
        }
      });
      if (mode === 'and' ? matched === terms.length && matched > 0 : matched > 0) hits.push({ id, score });
    }
    return hits.sort(compareHits).slice(0, k);
  }
}
