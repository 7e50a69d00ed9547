import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../src/analysis/index.ts';
import { LocalShards, analyzeQuery } from '../../src/index/index.ts';
import { run } from '../helpers/scenario.ts';

const dir = mkdtempSync(join(tmpdir(), 'searchsim-disk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const QUERIES = ['boundary layer transition', 'supersonic flutter of panels', 'heat transfer', 'boundary layer transition', 'zzzz'];
const trace = join(dir, 'trace.jsonl');
writeFileSync(trace, QUERIES.map((q, i) => JSON.stringify({ t: i * 10, q })).join('\n') + '\n');

const base = {
  name: 'disk',
  seed: 1,
  corpus: 'workloads/cranfield',
  workload: { trace, arrival: { kind: 'trace' as const }, queries: QUERIES.length },
  cluster: { shards: 3, replicas: 2, mode: 'disk' as const, hardware: '2001' },
};

/** Terms with postings on each shard, summed: what a cold disk pays in seeks. */
async function termsOnShards(): Promise<number[]> {
  const set = await LocalShards.open({ corpus: 'workloads/cranfield', shards: 3 });
  const a = new Analyzer();
  const res = await set.search(QUERIES.map((q) => ({ terms: analyzeQuery(a, q), k: 10, mode: 'or' as const })));
  await set.close();
  return res.map((r) => r.receipts.reduce((n, rc) => n + rc.termPostings.filter((p) => p > 0).length, 0));
}

describe('disk mode', () => {
  it('with a cold (absent) buffer cache pays one seek per query term per shard holding it', async () => {
    const expected = await termsOnShards();
    const r = await run({ ...base, cluster: { ...base.cluster, cacheBytes: 0 } });
    expect(r.perQuery.seeks * QUERIES.length).toBeCloseTo(expected.reduce((a, b) => a + b, 0), 6);
    expect(r.bufferCache).toBeNull();
  });

  it('with a buffer cache, a list read once is a memory read on that replica the next time', async () => {
    const expected = await termsOnShards();
    // One replica, so the repeated query lands where its lists are cached.
    const r = await run({ ...base, cluster: { ...base.cluster, replicas: 1 } });
    const cold = expected.reduce((a, b) => a + b, 0);
    expect(r.perQuery.seeks * QUERIES.length).toBeCloseTo(cold - expected[3], 6);
    expect(r.bufferCache!.hitRatio).toBeGreaterThan(0);
  });

  it('charges seek + half a rotation + transfer per read: a 2001 disk query costs over 12.7 ms a term', async () => {
    const r = await run({ ...base, workload: { ...base.workload, queries: 1 }, cluster: { ...base.cluster, cacheBytes: 0 } });
    expect(r.latencyMs.max).toBeGreaterThan(8.5 + 60_000 / 7200 / 2);
  });
});

describe('memory mode', () => {
  it('needs no seek and is far faster than disk on the same queries', async () => {
    const mem = await run({ ...base, cluster: { ...base.cluster, mode: 'memory' } });
    const disk = await run({ ...base, cluster: { ...base.cluster, cacheBytes: 0 } });
    expect(mem.perQuery.seeks).toBe(0);
    expect(mem.latencyMs.p50 * 10).toBeLessThan(disk.latencyMs.p50);
  });

  it('refuses a layout whose shard index does not fit a machine, saying by how much and how many shards would', async () => {
    const big = { ...base, cluster: { ...base.cluster, mode: 'memory' as const, shards: 60, replicas: 1, modelledDocs: 1e9 } };
    await expect(run(big)).rejects.toThrow(
      /^test scenario: cluster\.shards: too few for memory mode: a shard's index of 25\.8 GB does not fit the 1\.7 GB a 2001 machine has for it, by 24\.1 GB; use at least 8\d\d shards, got 60$/,
    );
  });

  it('reports the real and the modelled index beside the aggregate RAM', async () => {
    const r = await run({ ...base, cluster: { ...base.cluster, mode: 'memory', shards: 3, replicas: 1, modelledDocs: 1e6 } });
    expect(r.index!.realDocs).toBe(1400);
    expect(r.index!.modelledDocs).toBe(1e6);
    expect(r.index!.modelledIndexBytes).toBeCloseTo(1e6 * 1550, -3);
    expect(r.index!.aggregateRamBytes).toBe(3 * 2e9);
  });

  it('sizes the modelled index by indexBytesPerDoc over the real documents when modelledDocs is not set', async () => {
    const r = await run({ ...base, cluster: { ...base.cluster, mode: 'memory', shards: 3, replicas: 1, indexBytesPerDoc: 1e5 } });
    expect(r.index!.modelledDocs).toBe(1400);
    expect(r.index!.modelledIndexBytes).toBe(1400 * 1e5);
    expect(r.index!.shardIndexBytes).toBeCloseTo((1400 * 1e5) / 3, 3);
  });
});

describe('determinism', () => {
  const s = {
    name: 'det',
    seed: 42,
    corpus: 'workloads/cacm',
    workload: { arrival: { kind: 'poisson' as const, qps: 40 }, queries: 3000, warmupQueries: 500 },
    cluster: { shards: 4, replicas: 3, mode: 'disk' as const, selection: 'power-of-two' as const, modelledDocs: 5e7 },
  };
  it('gives byte-identical JSON for the same scenario and seed, whatever the thread count', async () => {
    const a = JSON.stringify(await run(s, { threads: 0 }));
    const b = JSON.stringify(await run(s, { threads: 2 }));
    expect(b).toBe(a);
  });
  it('gives different results for another seed', async () => {
    const a = await run(s);
    const b = await run(s, { seed: 43 });
    expect(b.latencyMs).not.toEqual(a.latencyMs);
  });
});
