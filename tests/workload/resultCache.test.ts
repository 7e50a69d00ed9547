import { describe, expect, it } from 'vitest';
import { run } from '../helpers/scenario.ts';
import { tempFiles } from '../helpers/files.ts';

const { file } = tempFiles('rcache');

/** Queries of one text at the given seconds, on Cranfield's real shards. */
const trace = (name: string, times: number[], q = 'zyzzyva boundary layer flow') => file(name, times.map((t) => JSON.stringify({ t, q })).join('\n') + '\n');
// Document 184 is about boundary layers; it changes at 0 s.
const updates = file('u.jsonl', '{"t":0,"op":"upsert","id":"184","text":"zyzzyva boundary layer"}\n');
const base = (times: number[], name: string) => ({
  corpus: 'workloads/cranfield',
  workload: { trace: trace(name, times), arrival: { kind: 'trace' as const }, queries: times.length, warmupQueries: 0, k: 1000 },
  cluster: { shards: 3, replicas: 2 },
  router: { resultCache: { entries: 100 } },
});

describe('a result cache on a replayed workload', () => {
  it('answers repeats from the cache, never more of them than repeat an earlier query', async () => {
    const r = await run({ ...base([0, 1, 3, 4], 'a.jsonl'), updates: undefined });
    expect(r.resultCache!.hitRatio).toBeCloseTo(3 / 4, 9);
    expect(r.resultCache!.infiniteCacheBound).toBeCloseTo(3 / 4, 9);
    // A hit reads nothing from the shards: the mean postings decoded is the first query's over four.
    const solo = await run({ ...base([0], 'solo.jsonl'), updates: undefined });
    expect(r.perQuery.postingsDecoded).toBeCloseTo(solo.perQuery.postingsDecoded / 4, 6);
  });

  it('counts a cached answer as stale as the index it was computed on', async () => {
    const incremental = { trace: updates, policy: { kind: 'incremental' as const, delayS: 2 } };
    // Without the cache the queries at 3 s and 4 s see the change (visible just after 2 s) ...
    const fresh = await run({ ...base([0, 1, 3, 4], 'b.jsonl'), router: undefined, updates: incremental });
    expect(fresh.freshness!.staleness * fresh.freshness!.returnedDocs).toBe(2);
    // ... with it, all four are answered from the index as it was at 0 s.
    const r = await run({ ...base([0, 1, 3, 4], 'b.jsonl'), updates: incremental });
    expect(r.freshness!.staleness * r.freshness!.returnedDocs).toBe(4);
  });

  it('is flushed when a batch index goes live, so the next repeat asks the shards again', async () => {
    // A daily rebuild started 1 s before the run's 2nd second, built at once: live once both replicas reloaded.
    const batch = { trace: updates, policy: { kind: 'batch' as const, periodDays: 1, buildHours: 0, phaseDays: 1 - 2 / 86_400 } };
    const hits: boolean[] = [];
    const r = await run({ ...base([0, 1, 3, 4], 'c.jsonl'), updates: batch }, { onOutcome: (o) => (hits[o.seq] = o.cachedAnswer !== null) });
    expect(hits).toEqual([false, true, false, true]);
    expect(r.resultCache!.flushesAtS).toHaveLength(1);
    expect(r.resultCache!.flushesAtS[0]).toBeGreaterThan(2);
    expect(r.resultCache!.flushesAtS[0]).toBeLessThan(3);
    expect(r.resultCache!.hitRatio).toBeCloseTo(1 / 2, 9);
    expect(r.resultCache!.infiniteCacheBound).toBeCloseTo(3 / 4, 9);
  });

  it('gives the same figures for the same seed', async () => {
    const s = { ...base([0, 0.5, 1, 1.5, 2, 2.5], 'd.jsonl'), updates: undefined };
    expect(JSON.stringify(await run(s))).toBe(JSON.stringify(await run(s)));
  });
});
