import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../src/analysis/index.ts';
import { readCorpus, readQueries } from '../../src/corpus/index.ts';
import { shardOf } from '../../src/core/index.ts';
import {
  Bm25Scorer,
  DEFAULT_BM25,
  LocalShards,
  analyzeQuery,
  compareHits,
  idf,
  loadShards,
  sumStats,
  type GlobalStats,
  type Hit,
  type SearchRequest,
  type ShardIndex,
} from '../../src/index/index.ts';

const CRANFIELD = 'workloads/cranfield';
const SHARDS = 3;
const analyzer = new Analyzer({});

/** Each document's index terms, as the shard loader analyses them. */
const docTerms = new Map<string, string[]>();
let shards: Map<number, ShardIndex>;
let requests: SearchRequest[];

beforeAll(async () => {
  for await (const { doc } of readCorpus(CRANFIELD)) docTerms.set(doc.id, analyzer.terms(doc.title ? `${doc.title}\n${doc.text}` : doc.text));
  shards = await loadShards({ corpus: CRANFIELD, shards: SHARDS });
  const queries = await readQueries(`${CRANFIELD}/queries.jsonl`);
  requests = queries.slice(0, 40).map((q) => ({ terms: analyzeQuery(analyzer, q.text), k: 100, mode: 'or' as const }));
});
afterAll(() => {
  for (const s of shards.values()) s.close();
});

function globalsOf(req: SearchRequest): GlobalStats {
  const parts = [...shards.values()].map((s) => s.stats(req.terms.map((t) => t.term)));
  return sumStats(parts);
}

const tfOf = (terms: readonly string[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const t of terms) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
};

/**
 * RM3 re-ranking written the obvious way, from the documents' own term lists: what the shard must
 * compute from its forward index.
 */
function naiveRm3(shard: number, req: SearchRequest, g: GlobalStats, candidates: readonly Hit[], keep: number, fbDocs: number, fbTerms: number, ow: number): Hit[] {
  const onShard = [...docTerms].filter(([id]) => shardOf(id, SHARDS) === shard);
  const model = new Map<string, number>();
  for (const h of candidates.slice(0, fbDocs)) {
    const terms = docTerms.get(h.id)!;
    for (const [t, tf] of tfOf(terms)) model.set(t, (model.get(t) ?? 0) + (tf / terms.length) * h.score);
  }
  const top = [...model].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, fbTerms);
  const mass = top.reduce((s, [, w]) => s + w, 0);
  const qWeight = req.terms.reduce((s, t) => s + t.weight, 0);
  const mixed = new Map<string, number>();
  req.terms.forEach((t, i) => mixed.set(t.term, t.weight * idf(g.docCount, g.df[i]) * ow));
  for (const [t, w] of top) {
    const share = ((1 - ow) * qWeight * w) / mass;
    const i = req.terms.findIndex((q) => q.term === t);
    const localDf = onShard.filter(([, terms]) => terms.includes(t)).length;
    const termIdf = i >= 0 ? idf(g.docCount, g.df[i]) : idf(g.docCount, (localDf * g.docCount) / onShard.length);
    mixed.set(t, (mixed.get(t) ?? 0) + share * termIdf);
  }
  const scorer = new Bm25Scorer(DEFAULT_BM25, g);
  const rescored = candidates.map((h) => {
    const terms = docTerms.get(h.id)!;
    const tf = tfOf(terms);
    let score = 0;
    for (const [t, w] of mixed) if (tf.has(t) && w > 0) score += scorer.termScore(w, tf.get(t)!, terms.length);
    return { id: h.id, score };
  });
  return rescored.sort(compareHits).slice(0, keep);
}

describe('RM3 re-ranking on the shards (the funnel\'s second stage)', () => {
  it('rescores each shard\'s own candidates as a naive re-ranking of the same candidates does', () => {
    let reordered = 0;
    for (const req of requests) {
      const g = globalsOf(req);
      for (const [s, idx] of shards) {
        const stage1 = idx.search(req, g).hits;
        const funnel = idx.search({ ...req, rerank: { kind: 'rm3', keep: 20, fbDocs: 10, fbTerms: 10, originalWeight: 0.5 } }, g);
        const want = naiveRm3(s, req, g, stage1, 20, 10, 10, 0.5);
        expect(funnel.hits.map((h) => h.id)).toEqual(want.map((h) => h.id));
        funnel.hits.forEach((h, i) => expect(h.score).toBeCloseTo(want[i].score, 9));
        // The receipt books the candidates it rescored and the forward entries it read.
        expect(funnel.receipt.candidates).toBe(stage1.length);
        expect(funnel.receipt.forwardEntries).toBeGreaterThan(0);
        if (funnel.hits.map((h) => h.id).join() !== stage1.slice(0, 20).map((h) => h.id).join()) reordered++;
      }
    }
    // It really reorders: most shards' top 20 change.
    expect(reordered).toBeGreaterThan(requests.length);
  });

  it('adds no signal at original weight 1: every shard keeps the first stage\'s hits and scores', () => {
    for (const req of requests) {
      const g = globalsOf(req);
      for (const idx of shards.values()) {
        const stage1 = idx.search(req, g).hits;
        const same = idx.search({ ...req, rerank: { kind: 'rm3', keep: req.k, fbDocs: 10, fbTerms: 10, originalWeight: 1 } }, g).hits;
        expect(same).toEqual(stage1);
      }
    }
  });

  it('keeps `keep` hits a shard and the router merges the shards\' re-ranked lists into the best `keep`', async () => {
    const set = await LocalShards.open({ corpus: CRANFIELD, shards: SHARDS });
    try {
      const rerank = { kind: 'rm3' as const, keep: 15, fbDocs: 10, fbTerms: 10, originalWeight: 0.5 };
      const merged = await set.search(requests.map((r) => ({ ...r, rerank })));
      const works = await set.work(requests.map((r) => ({ ...r, rerank })), { hits: true });
      requests.forEach((req, q) => {
        const g = globalsOf(req);
        const perShard = [...shards.values()].flatMap((idx) => idx.search({ ...req, rerank }, g).hits);
        expect(merged[q].hits).toEqual(perShard.sort(compareHits).slice(0, 15));
        expect(works[q].hitIds).toEqual(merged[q].hits.map((h) => h.id));
      });
    } finally {
      await set.close();
    }
  });
});
