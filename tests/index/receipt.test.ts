import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GroupWorkWriter,
  denseWork,
  packWork,
  WORK_HEAD,
  recordCandidates,
  recordDecoded,
  recordForward,
  recordHits,
  recordTerms,
  tripleAt,
  unpackWork,
  workStride,
  type Receipt,
  type SearchRequest,
} from '../../src/index/index.ts';

/** A request of `terms` terms (only the count matters to the layouts). */
const request = (terms: number): SearchRequest => ({ terms: Array.from({ length: terms }, (_, i) => ({ term: `t${i}`, weight: 1 })), k: 10, mode: 'or' });

/** Small integers, as receipts hold: exact in single precision. */
const count = fc.integer({ min: 0, max: 1 << 20 });

/** Per request: its term count and, per shard, a receipt or null (the shard holds none of its terms). */
const workload = fc.integer({ min: 1, max: 7 }).chain((shards) =>
  fc.array(
    fc.integer({ min: 1, max: 6 }).chain((terms) =>
      fc.tuple(
        fc.constant(terms),
        fc.array(
          fc.option(fc.record({ decoded: count, hits: fc.integer({ min: 0, max: 10 }), candidates: count, forwardEntries: count, termPostings: fc.array(count, { minLength: terms, maxLength: terms }), termBytes: fc.array(count, { minLength: terms, maxLength: terms }) })),
          { minLength: shards, maxLength: shards },
        ),
      ),
    ),
    { minLength: 1, maxLength: 5 },
  ),
);

describe('receipt formats', () => {
  it('round-trip: dense receipts written by shard groups read back as the same dense receipts, whatever the grouping', () => {
    fc.assert(
      fc.property(workload, fc.integer({ min: 1, max: 3 }), (reqs, groups) => {
        const shards = reqs[0][1].length;
        const requests = reqs.map(([terms]) => request(terms));
        // Shard s lives in group s % groups, as worker threads own them.
        const writers = Array.from({ length: groups }, () => new GroupWorkWriter());
        for (const [terms, perShard] of reqs) {
          for (let g = 0; g < groups; g++) {
            const mine = perShard.map((r, s) => [r, s] as const).filter(([r, s]) => r !== null && s % groups === g);
            writers[g].request(mine.length);
            for (const [r, s] of mine) {
              const dense = new Float64Array(workStride(terms));
              packWork({ ...r!, terms, postings: 0, bytes: 0, scored: 0 } as Receipt, dense, 0);
              writers[g].shard(s, dense, Array.from({ length: terms }, (_, t) => t));
            }
          }
        }
        const works = unpackWork(
          requests,
          writers.map((w) => w.finish()),
        );
        reqs.forEach(([terms, perShard], q) => {
          const back = denseWork(works[q], shards, terms);
          const stride = workStride(terms);
          perShard.forEach((r, s) => {
            const expected = new Float32Array(stride);
            if (r) {
              const d = new Float64Array(stride);
              packWork({ ...r, terms, postings: 0, bytes: 0, scored: 0 } as Receipt, d, 0);
              // Terms without postings are left out of the sparse record, and read back as zero.
              for (let t = 0; t < terms; t++) if (d[WORK_HEAD + 2 * t] === 0) d[WORK_HEAD + 2 * t + 1] = 0;
              expected.set(d);
            }
            expect(Array.from(back.subarray(s * stride, (s + 1) * stride))).toEqual(Array.from(expected));
          });
          // Shards listed ascending, each once: the simulator's cursor relies on it.
          const listed = Array.from(works[q].shards);
          expect(listed).toEqual([...new Set(listed)].sort((a, b) => a - b));
          expect(listed).toEqual(perShard.flatMap((r, s) => (r ? [s] : [])));
        });
      }),
      { numRuns: 200 },
    );
  });

  it('reads one shard record field by field', () => {
    const dense = new Float64Array(workStride(3));
    packWork({ terms: 3, hits: 4, candidates: 40, forwardEntries: 900, postings: 0, bytes: 0, decoded: 256, scored: 0, termPostings: [10, 0, 30], termBytes: [100, 0, 300] }, dense, 0);
    const w = new GroupWorkWriter();
    w.request(1);
    w.shard(5, dense, [0, 1, 2]);
    const [work] = unpackWork([request(3)], [w.finish()]);
    expect(Array.from(work.shards)).toEqual([5]);
    expect(recordDecoded(work, 0)).toBe(256);
    expect(recordHits(work, 0)).toBe(4);
    expect(recordCandidates(work, 0)).toBe(40);
    expect(recordForward(work, 0)).toBe(900);
    expect(recordTerms(work, 0)).toBe(2);
    const r = work.offsets[0];
    expect(Array.from(work.work.subarray(tripleAt(r, 0), tripleAt(r, 2)))).toEqual([0, 10, 100, 2, 30, 300]);
  });
});
