import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../src/analysis/index.ts';
import { readQueries } from '../../src/corpus/index.ts';
import { LocalShards, analyzeQuery, denseWork, packWork, workStride, type SearchRequest, type ShardSet, type ShardSetSpec } from '../../src/index/index.ts';
import { WorkerShards } from '../../src/shard/index.ts';

const CRANFIELD = 'workloads/cranfield';
const spec = (shards: number, storage: 'memory' | 'disk' = 'memory'): ShardSetSpec => ({ corpus: CRANFIELD, shards, storage: { kind: storage } });

/**
 * The ShardSet seam's contract: every implementation and storage mode returns the same hits and the same
 * receipts as LocalShards over memory storage, for the same queries and updates.
 */
const impls: [string, (s: ShardSetSpec) => Promise<ShardSet>][] = [
  ['LocalShards', (s) => LocalShards.open(s)],
  ['WorkerShards (2 threads)', (s) => WorkerShards.open(s, { threads: 2 })],
];

let requests: SearchRequest[];
let reference: ShardSet;
beforeAll(async () => {
  const a = new Analyzer();
  requests = (await readQueries(`${CRANFIELD}/queries.jsonl`)).slice(0, 40).flatMap((q, i) => [
    { terms: analyzeQuery(a, q.text), k: 10 + i, mode: 'or' as const },
    { terms: analyzeQuery(a, q.text).slice(0, 2), k: 5, mode: 'and' as const },
  ]);
  reference = await LocalShards.open(spec(5));
});
afterAll(() => reference.close());

describe.each(impls)('ShardSet contract: %s', (_name, open) => {
  it.each(['memory', 'disk'] as const)('answers like the reference with %s storage, before and after updates', async (storage) => {
    const set = await open(spec(5, storage));
    const ref = await LocalShards.open(spec(5));
    try {
      expect(set.shardCount).toBe(5);
      expect((await set.info()).map((i) => i.docs)).toEqual((await ref.info()).map((i) => i.docs));
      expect(await set.search(requests)).toEqual(await ref.search(requests));
      const ops = [
        { op: 'upsert' as const, id: 'new-1', text: 'supersonic boundary layer transition on a heated wing' },
        { op: 'upsert' as const, id: '184', text: 'replaced text about flutter of panels' },
        { op: 'delete' as const, id: '29' },
        { op: 'delete' as const, id: 'no-such-doc' },
      ];
      const u = await set.update(ops);
      expect(u).toEqual(await ref.update(ops));
      expect(u.unknownDeletes).toEqual(['no-such-doc']);
      expect(await set.search(requests)).toEqual(await ref.search(requests));
    } finally {
      await set.close();
      await ref.close();
    }
  });

  it('after updates, scores with the collection statistics of the changed collection, not remembered ones', async () => {
    // Documents holding the queries' own terms, so their frequencies move.
    const ops = [
      ...requests.slice(0, 6).map((r, i) => ({ op: 'upsert' as const, id: `extra-${i}`, text: r.terms.map((t) => t.term).join(' ') })),
      { op: 'delete' as const, id: '1' },
      { op: 'upsert' as const, id: '2', text: 'flutter' },
    ];
    const warm = await open(spec(4));
    const cold = await open(spec(4));
    try {
      await warm.search(requests); // the statistics of every request term are now remembered
      await warm.update(ops);
      await cold.update(ops);
      expect(await warm.search(requests)).toEqual(await cold.search(requests));
      expect(await warm.work(requests)).toEqual(await cold.work(requests));
    } finally {
      await warm.close();
      await cold.close();
    }
  });

  it('merges shard results into exactly the single-shard ranking', async () => {
    const set = await open(spec(13));
    try {
      const got = await set.search(requests);
      const want = await reference.search(requests);
      expect(got.map((r) => r.hits)).toEqual(want.map((r) => r.hits));
      expect(got[0].receipts).toHaveLength(13);
    } finally {
      await set.close();
    }
  });

  it('packs each query\'s per-shard receipts into one array: work() agrees with search()', async () => {
    const set = await open(spec(7));
    try {
      const [works, results] = [await set.work(requests), await set.search(requests)];
      requests.forEach((r, q) => {
        const stride = workStride(r.terms.length);
        const want = new Float64Array(7 * stride);
        results[q].receipts.forEach((rc, s) => packWork(rc, want, s * stride));
        expect(denseWork(works[q], 7, r.terms.length)).toEqual(Float32Array.from(want));
        // Listed shards are exactly those with postings for some term.
        const withPostings = results[q].receipts.flatMap((rc, s) => (rc.postings > 0 ? [s] : []));
        expect([...works[q].shards]).toEqual(withPostings);
      });
    } finally {
      await set.close();
    }
  });

  it('with hits asked for, work() returns each request\'s top k ids, in search()\'s order', async () => {
    const set = await open(spec(9));
    try {
      const [works, results] = [await set.work(requests, { hits: true }), await set.search(requests)];
      requests.forEach((_, q) => expect(works[q].hitIds).toEqual(results[q].hits.map((h) => h.id)));
    } finally {
      await set.close();
    }
  });

  it('forks into a set that changes apart: updates to one leave the other as it was', async () => {
    const set = await open(spec(4));
    const ref = await LocalShards.open(spec(4));
    try {
      const before = await ref.search(requests);
      const fork = await set.fork();
      const ops = [
        { op: 'upsert' as const, id: 'new-1', text: 'supersonic boundary layer transition on a heated wing' },
        { op: 'delete' as const, id: '29' },
        { op: 'upsert' as const, id: '184', text: 'replaced text about flutter of panels' },
      ];
      await fork.update(ops);
      await ref.update(ops);
      expect(await fork.search(requests)).toEqual(await ref.search(requests));
      expect(await set.search(requests)).toEqual(before);
      // The original changes too, and the fork keeps its own state; closing one leaves the other working.
      await set.update([{ op: 'delete', id: '184' }]);
      expect(await fork.search(requests)).toEqual(await ref.search(requests));
      await set.close();
      expect(await fork.work(requests)).toEqual(await ref.work(requests));
      await fork.close();
    } finally {
      await ref.close();
    }
  });

  it('reports a user error in the corpus with its code, from whichever thread read it', async () => {
    await expect(open({ corpus: 'workloads/no-such-dir', shards: 2 })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });
});
