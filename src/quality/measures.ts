import type { Qrels } from '../corpus/index.ts';

/**
 * Retrieval quality as trec_eval computes it (Buckley and Voorhees; NIST trec_eval 9.x): averaged over the
 * queries that have at least one relevant document in the judgments.
 */
export interface QualityReport {
  map: number;
  ndcg10: number;
  p10: number;
  recall100: number;
  /** Judged queries averaged over (those with a relevant document). */
  queries: number;
}

/** Average precision of one ranking: mean of precision at each relevant document retrieved, over all relevant. */
export function averagePrecision(ranked: readonly string[], rel: ReadonlyMap<string, number>): number {
  let relevant = 0;
  for (const g of rel.values()) if (g > 0) relevant++;
  if (relevant === 0) return 0;
  let found = 0;
  let sum = 0;
  ranked.forEach((id, i) => {
    if ((rel.get(id) ?? 0) > 0) {
      found++;
      sum += found / (i + 1);
    }
  });
  return sum / relevant;
}

export function precisionAt(ranked: readonly string[], rel: ReadonlyMap<string, number>, k: number): number {
  let n = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if ((rel.get(ranked[i]) ?? 0) > 0) n++;
  return n / k;
}

export function recallAt(ranked: readonly string[], rel: ReadonlyMap<string, number>, k: number): number {
  let relevant = 0;
  for (const g of rel.values()) if (g > 0) relevant++;
  if (relevant === 0) return 0;
  let n = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if ((rel.get(ranked[i]) ?? 0) > 0) n++;
  return n / relevant;
}

/**
 * nDCG@k with graded gains (gain = grade, discount log2(rank + 1)), Järvelin & Kekäläinen 2002, as in
 * trec_eval's ndcg_cut; the ideal ranking sorts the judged grades.
 */
export function ndcgAt(ranked: readonly string[], rel: ReadonlyMap<string, number>, k: number): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    const g = rel.get(ranked[i]) ?? 0;
    if (g > 0) dcg += g / Math.log2(i + 2);
  }
  const ideal = [...rel.values()].filter((g) => g > 0).sort((a, b) => b - a);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, ideal.length); i++) idcg += ideal[i] / Math.log2(i + 2);
  return idcg > 0 ? dcg / idcg : 0;
}

/**
 * Splits judgments into those of the given queries and the ids of judged queries (with a relevant
 * document) that are not among them: trec_eval evaluates only the queries both sides know, so a
 * judgment for a query never run does not count as a zero.
 */
export function matchJudgments(queryIds: Iterable<string>, qrels: Qrels): { judged: Qrels; unmatched: string[] } {
  const ids = new Set(queryIds);
  const judged: Qrels = new Map();
  const unmatched: string[] = [];
  for (const [qid, rel] of qrels) {
    if (ids.has(qid)) judged.set(qid, rel);
    else if ([...rel.values()].some((g) => g > 0)) unmatched.push(qid);
  }
  return { judged, unmatched };
}

/** Judged queries (with at least one relevant document) among the judgments. */
export function judgedCount(qrels: Qrels): number {
  let n = 0;
  for (const rel of qrels.values()) if ([...rel.values()].some((g) => g > 0)) n++;
  return n;
}

/** Averages the measures over judged queries; `runs` maps query id to its ranked document ids. */
export function evaluateRuns(runs: ReadonlyMap<string, readonly string[]>, qrels: Qrels): QualityReport {
  let n = 0;
  const acc = { map: 0, ndcg10: 0, p10: 0, recall100: 0 };
  for (const [qid, rel] of qrels) {
    if (![...rel.values()].some((g) => g > 0)) continue;
    const ranked = runs.get(qid) ?? [];
    n++;
    acc.map += averagePrecision(ranked, rel);
    acc.ndcg10 += ndcgAt(ranked, rel, 10);
    acc.p10 += precisionAt(ranked, rel, 10);
    acc.recall100 += recallAt(ranked, rel, 100);
  }
  const d = Math.max(1, n);
  return { map: acc.map / d, ndcg10: acc.ndcg10 / d, p10: acc.p10 / d, recall100: acc.recall100 / d, queries: n };
}
