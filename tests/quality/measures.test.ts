import { describe, expect, it } from 'vitest';
import { averagePrecision, evaluateRuns, ndcgAt, precisionAt, recallAt } from '../../src/quality/index.ts';

const rel = new Map([
  ['a', 2],
  ['b', 1],
  ['c', 0],
]);

describe('retrieval measures (trec_eval definitions)', () => {
  it('average precision averages precision at each relevant hit over all relevant documents', () => {
    expect(averagePrecision(['a', 'x', 'b'], rel)).toBeCloseTo((1 / 1 + 2 / 3) / 2, 12);
    expect(averagePrecision(['x', 'a'], rel)).toBeCloseTo(1 / 2 / 2, 12);
  });
  it('P@k divides by k even when fewer are ranked; recall@k by the relevant count', () => {
    expect(precisionAt(['a', 'b'], rel, 10)).toBe(0.2);
    expect(recallAt(['x', 'b'], rel, 100)).toBe(0.5);
  });
  it('nDCG@k uses graded gains and the ideal ordering of judged grades', () => {
    expect(ndcgAt(['a', 'b'], rel, 10)).toBeCloseTo(1, 12);
    const dcg = 1 / Math.log2(2) + 2 / Math.log2(3);
    const idcg = 2 / Math.log2(2) + 1 / Math.log2(3);
    expect(ndcgAt(['b', 'a'], rel, 10)).toBeCloseTo(dcg / idcg, 12);
  });
  it('averages over judged queries only: a query without relevant documents does not count', () => {
    const qrels = new Map([
      ['1', rel],
      ['2', new Map([['z', 0]])],
    ]);
    const r = evaluateRuns(new Map([['1', ['a', 'b']]]), qrels);
    expect(r.queries).toBe(1);
    expect(r.map).toBeCloseTo(1, 12);
  });
  it('scores a judged query with no run as zero', () => {
    const r = evaluateRuns(new Map(), new Map([['1', rel]]));
    expect(r).toEqual({ map: 0, ndcg10: 0, p10: 0, recall100: 0, queries: 1 });
  });
});
