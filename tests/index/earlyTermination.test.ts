import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shardOf, staticRankKey } from '../../src/core/index.ts';
import { Bm25Scorer, DEFAULT_BM25, LocalShards, compareHits, idf, type Hit, type MatchMode, type SearchRequest, type ShardSetSpec, type WeightedTerm, tripleAt } from '../../src/index/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'searchsim-et-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const VOCAB = ['alpha', 'beta', 'gamma', 'delta', 'eps', 'zeta', 'eta', 'theta'];
const ANALYZER = { stopWords: 'none' as const, stemmer: 'none' as const };
const corpusArb = fc.uniqueArray(fc.record({ id: fc.integer({ min: 0, max: 500 }).map((i) => `d${i}`), words: fc.array(fc.constantFrom(...VOCAB), { minLength: 1, maxLength: 12 }) }), {
  minLength: 1,
  maxLength: 80,
  selector: (d) => d.id,
});
const queryArb = fc.uniqueArray(fc.constantFrom(...VOCAB), { minLength: 1, maxLength: 4 }).map((ts) => ts.map((term): WeightedTerm => ({ term, weight: 1 })));

function corpusFile(docs: { id: string; words: string[] }[]): string {
  const p = join(dir, `c${files++}.jsonl`);
  writeFileSync(p, docs.map((d) => JSON.stringify({ id: d.id, text: d.words.join(' ') })).join('\n') + '\n');
  return p;
}

/**
 * The reference: each shard takes its documents best first (the seeded static order), keeps the first
 * `budget` that match, scores them with collection-wide BM25; the router merges the shards' top k.
 */
function reference(docs: { id: string; words: string[] }[], shards: number, seed: number, terms: WeightedTerm[], k: number, mode: MatchMode, budget: number): Hit[] {
  const n = docs.length;
  const total = docs.reduce((a, d) => a + d.words.length, 0);
  const df = (t: string) => docs.filter((d) => d.words.includes(t)).length;
  const w = terms.map((t) => (df(t.term) > 0 ? t.weight * idf(n, df(t.term)) : 0));
  const scorer = new Bm25Scorer(DEFAULT_BM25, { docCount: n, totalLength: total });
  const all: Hit[] = [];
  for (let s = 0; s < shards; s++) {
    const mine = docs.filter((d) => shardOf(d.id, shards) === s).sort((a, b) => staticRankKey(b.id, seed) - staticRankKey(a.id, seed) || (a.id < b.id ? -1 : 1));
    const hits: Hit[] = [];
    let found = 0;
    for (const d of mine) {
      if (found >= budget) break;
      const present = terms.map((t) => d.words.includes(t.term));
      if (mode === 'and' ? !present.every(Boolean) : !present.some(Boolean)) continue;
      found++;
      let score = 0;
      terms.forEach((t, i) => {
        const tf = d.words.filter((x) => x === t.term).length;
        if (tf > 0) score += scorer.termScore(w[i], tf, d.words.length);
      });
      hits.push({ id: d.id, score });
    }
    all.push(...hits.sort(compareHits).slice(0, k));
  }
  return all.sort(compareHits).slice(0, k);
}

const spec = (corpus: string, shards: number, seed: number, firstShare?: number): ShardSetSpec => ({
  corpus,
  shards,
  analyzer: ANALYZER,
  order: { kind: 'static-rank', seed },
  tiers: firstShare === undefined ? undefined : { firstShare },
});

describe('early termination (a match budget per shard)', () => {
  it('returns the best of the first `budget` matches of each shard in its static order, exactly as the reference', async () => {
    await fc.assert(
      fc.asyncProperty(corpusArb, fc.integer({ min: 1, max: 4 }), fc.nat(1000), queryArb, fc.integer({ min: 1, max: 8 }), fc.constantFrom<MatchMode>('or', 'and'), fc.integer({ min: 1, max: 20 }), async (docs, shards, seed, terms, k, mode, budget) => {
        const set = await LocalShards.open(spec(corpusFile(docs), shards, seed));
        try {
          const [r] = await set.search([{ terms, k, mode, budget }]);
          expect(r.hits).toEqual(reference(docs, shards, seed, terms, k, mode, budget));
        } finally {
          await set.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('with a budget no shard reaches, answers exactly as the exhaustive search', async () => {
    await fc.assert(
      fc.asyncProperty(corpusArb, fc.integer({ min: 1, max: 3 }), queryArb, fc.integer({ min: 1, max: 8 }), async (docs, shards, terms, k) => {
        const set = await LocalShards.open(spec(corpusFile(docs), shards, 7));
        try {
          const [exhaustive] = await set.search([{ terms, k, mode: 'or' }]);
          const [cut] = await set.search([{ terms, k, mode: 'or', budget: 10_000 }]);
          expect(cut.hits).toEqual(exhaustive.hits);
        } finally {
          await set.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('reads each list as a prefix: a small budget books fewer postings and bytes than the lists hold, never more', async () => {
    // 2,000 documents that all hold "alpha": a budget of 5 reads one block of its list, not sixteen.
    const docs = Array.from({ length: 2000 }, (_, i) => ({ id: `d${i}`, words: ['alpha', i % 2 ? 'beta' : 'gamma'] }));
    const set = await LocalShards.open(spec(corpusFile(docs), 1, 3));
    try {
      const req: SearchRequest = { terms: [{ term: 'alpha', weight: 1 }], k: 5, mode: 'or' };
      const [whole] = await set.search([req]);
      const [cut] = await set.search([{ ...req, budget: 5 }]);
      expect(whole.receipts[0].termPostings[0]).toBe(2000);
      expect(cut.receipts[0].termPostings[0]).toBe(128);
      expect(cut.receipts[0].decoded).toBe(128);
      expect(cut.receipts[0].termBytes[0]).toBeLessThan(whole.receipts[0].termBytes[0] / 10);
      expect(cut.hits).toHaveLength(5);
      // Packed for the simulator, the same prefix.
      const [work] = await set.work([{ ...req, budget: 5 }]);
      expect(work.work[tripleAt(work.offsets[0], 0) + 1]).toBe(128);
    } finally {
      await set.close();
    }
  });
});

describe('two tiers per shard', () => {
  it('change what is read, never what is found: the same hits as one tier in the same order', async () => {
    await fc.assert(
      fc.asyncProperty(corpusArb, fc.integer({ min: 1, max: 3 }), fc.double({ min: 0.05, max: 1, noNaN: true }), queryArb, fc.integer({ min: 1, max: 20 }), async (docs, shards, share, terms, budget) => {
        const c = corpusFile(docs);
        const one = await LocalShards.open(spec(c, shards, 11));
        const two = await LocalShards.open(spec(c, shards, 11, share));
        try {
          const req: SearchRequest = { terms, k: 5, mode: 'or', budget };
          expect((await two.search([{ ...req, tiered: true }]))[0].hits).toEqual((await one.search([req]))[0].hits);
        } finally {
          await one.close();
          await two.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('read the second tier only when the first held too few matches, booked as other reads', async () => {
    // 1,000 documents holding "alpha"; a first tier of 10 %: 100 of them.
    const docs = Array.from({ length: 1000 }, (_, i) => ({ id: `d${i}`, words: ['alpha'] }));
    const set = await LocalShards.open(spec(corpusFile(docs), 1, 5, 0.1));
    try {
      const req = (budget: number): SearchRequest => ({ terms: [{ term: 'alpha', weight: 1 }], k: 10, mode: 'or', budget, tiered: true });
      const [enough] = await set.work([req(50)]);
      const [more] = await set.work([req(300)]);
      // Term triples: (0, postings, bytes) for the first tier, (1, postings, bytes) for the second.
      const triples = (w: typeof enough) => Array.from(w.work.subarray(tripleAt(w.offsets[0], 0))).filter((_, i) => i % 3 === 0);
      expect(triples(enough)).toEqual([0]);
      expect(triples(more)).toEqual([0, 1]);
    } finally {
      await set.close();
    }
  });

  it('refuse a first-tier share outside (0, 1], naming the field', async () => {
    for (const firstShare of [0, 1.5, -1]) {
      await expect(LocalShards.open(spec(corpusFile([{ id: 'a', words: ['alpha'] }]), 1, 1, firstShare))).rejects.toThrow(/tiers\.firstShare must be a share in \(0, 1\]/);
    }
  });
});
