import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LocalShards, type MatchMode, type UpdateOp, type WeightedTerm } from '../../src/index/index.ts';
import { ReferenceIndex } from '../helpers/reference.ts';

/** A small vocabulary makes overlaps, ties and long lists likely. */
const VOCAB = ['alpha', 'beta', 'gamma', 'delta', 'eps', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lam', 'mu'];
const word = fc.constantFrom(...VOCAB);
const text = fc.array(word, { minLength: 1, maxLength: 30 }).map((ws) => ws.join(' '));
const docId = fc.integer({ min: 0, max: 60 }).map((i) => `d${i}`);
const op: fc.Arbitrary<UpdateOp> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('upsert' as const), id: docId, text }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), id: docId }) },
);
const query = fc.uniqueArray(word, { minLength: 1, maxLength: 6 }).chain((ts) =>
  fc.tuple(...ts.map((t) => fc.constantFrom(1, 0.5, 0.3, 2).map((weight): WeightedTerm => ({ term: t, weight })))),
);
const mode = fc.constantFrom<MatchMode>('or', 'and');

const ANALYZER = { stopWords: 'none' as const, stemmer: 'none' as const };

describe('sharded search against a naive reference', () => {
  it('gives exactly the reference top k for any corpus, updates, shard count, query, k and mode', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { minLength: 1, maxLength: 25 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.tuple(query, fc.integer({ min: 1, max: 15 }), mode), { minLength: 1, maxLength: 6 }),
        fc.constantFrom<'memory' | 'disk'>('memory', 'disk'),
        async (batches, shards, queries, storage) => {
          const set = await LocalShards.open({ shards, analyzer: ANALYZER, storage: { kind: storage, cacheBytes: 256 } });
          const ref = new ReferenceIndex();
          try {
            for (const batch of batches) {
              const r = await set.update(batch);
              let unknown = 0;
              for (const o of batch) {
                if (o.op === 'upsert') ref.upsert(o.id, o.text.split(' '));
                else if (!ref.delete(o.id)) unknown++;
              }
              expect(r.unknownDeletes.length).toBe(unknown);
              const got = await set.search(queries.map(([terms, k, m]) => ({ terms, k, mode: m })));
              queries.forEach(([terms, k, m], i) => {
                expect(got[i].hits).toEqual(ref.search(terms, k, m));
              });
            }
          } finally {
            await set.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('never returns a deleted document', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 80 }), fc.integer({ min: 1, max: 5 }), async (ops, shards) => {
        const set = await LocalShards.open({ shards, analyzer: ANALYZER });
        try {
          await set.update(ops);
          const live = new Set<string>();
          for (const o of ops) o.op === 'upsert' ? live.add(o.id) : live.delete(o.id);
          const [r] = await set.search([{ terms: VOCAB.map((term) => ({ term, weight: 1 })), k: 1000, mode: 'or' }]);
          expect(new Set(r.hits.map((h) => h.id))).toEqual(live);
        } finally {
          await set.close();
        }
      }),
      { numRuns: 100 },
    );
  });
});
