import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Analyzer } from '../../src/analysis/index.ts';
import { SyntheticServiceModel, type PreparedQuery, type QueryOutcome } from '../../src/cluster/index.ts';
import { Rng } from '../../src/core/index.ts';
import { HARDWARE_PRESETS } from '../../src/hardware/index.ts';
import { LocalShards, type Hit, type ShardSetSpec } from '../../src/index/index.ts';
import { LiveCluster, LivePreparer, WallClock, type LiveClusterOptions } from '../../src/live/index.ts';
import { LiveMachines, type LiveMachinesSpec } from '../../src/shard/index.ts';
import { blankPreparer, blankQueries, replay, type Preparer, type SourcedQuery } from '../../src/workload/index.ts';

const CRANFIELD: ShardSetSpec = { corpus: 'workloads/cranfield', shards: 2 };
const QUERIES = readFileSync('workloads/trec-2005-efficiency/queries.jsonl', 'utf8')
  .split('\n')
  .slice(0, 60)
  .filter((l) => l.trim() !== '')
  .map((l) => (JSON.parse(l) as { text: string }).text);

/** `n` copies of one typed query. */
async function* typed(n: number, text: string): AsyncGenerator<SourcedQuery> {
  for (let i = 0; i < n; i++) yield { q: text, where: 'test' };
}

const open: LiveMachines[] = [];
afterEach(async () => {
  for (const m of open.splice(0)) await m.close();
});

async function liveCluster(spec: LiveMachinesSpec, o: Partial<LiveClusterOptions> = {}) {
  const machines = await LiveMachines.open(spec);
  open.push(machines);
  const clock = new WallClock();
  const serving = new LiveCluster(clock, machines, { k: 10, selection: 'round-robin', service: null, hardware: HARDWARE_PRESETS['2001'], watchdogMs: 30_000, seed: 1, ...o });
  return { machines, clock, serving };
}

/** `n` queries at a fixed rate, replayed by the open-loop driver on the live cluster; every outcome kept. */
async function replayFixed(target: { clock: WallClock; serving: LiveCluster }, n: number, qps: number, preparer: Preparer = blankPreparer): Promise<QueryOutcome[]> {
  const out: QueryOutcome[] = [];
  await replay({ seed: 1, queries: n, warmupQueries: 0, arrival: { kind: 'fixed', qps }, onOutcome: (o) => out.push(o) }, blankQueries(n), preparer, target);
  return out.sort((a, b) => a.seq - b.seq);
}

describe('live cluster', { retry: 2 }, () => {
  it('returns the same hits for the same queries as the shards searched in one thread', async () => {
    const hits = new Map<number, readonly Hit[]>();
    const { machines, clock, serving } = await liveCluster({ shards: 2, replicas: 2, index: CRANFIELD, disk: null }, { onHits: (seq, h) => hits.set(seq, h) });
    const preparer = new LivePreparer(machines, new Analyzer(), { k: 10, mode: 'or' });
    const prepared = await preparer.prepare(QUERIES, 0);
    prepared.forEach((q, i) => clock.at(i * 2, () => serving.submit(q, () => {})));
    await clock.advance();

    const local = await LocalShards.open(CRANFIELD);
    try {
      const expected = await local.search(prepared.map((q) => q.search!.request));
      expect(hits.size).toBe(QUERIES.length);
      expected.forEach((r, i) => expect(hits.get(i)).toEqual(r.hits));
      expect(expected.some((r) => r.hits.length > 0)).toBe(true);
    } finally {
      await local.close();
    }
  });

  it('in disk mode reads a cold list with a seek, then serves it from the buffer cache', async () => {
    const disk = { disk: { seekMs: 8, rotationMs: 4, transferBytesPerMs: 10_000 }, cacheBytes: 10_000_000 };
    const { machines, clock, serving } = await liveCluster({ shards: 1, replicas: 1, index: { ...CRANFIELD, shards: 1 }, disk });
    const [q] = await new LivePreparer(machines, new Analyzer(), { k: 10, mode: 'or' }).prepare(['boundary layer'], 0);
    const out: QueryOutcome[] = [];
    clock.at(0, () => serving.submit(q, (o) => out.push(o)));
    clock.at(100, () => serving.submit({ ...q, seq: 1 }, (o) => out.push(o)));
    await clock.advance();
    const [cold, warm] = out;
    expect(cold.seeks).toBe(2);
    expect(cold.path.seekMs).toBe(16);
    expect(cold.doneMs - cold.arrivalMs).toBeGreaterThanOrEqual(16 + 4 + cold.bytesRead / 10_000);
    expect(warm.seeks).toBe(0);
    expect(warm.cacheHits).toBe(2);
    expect(warm.doneMs - warm.arrivalMs).toBeLessThan(cold.doneMs - cold.arrivalMs);
  });

  it('keeps issuing queries on time while a shard is stalled, and the stalled queries wait it out', async () => {
    // Machine 1 (shard 1) is held for 300 ms from the start; 2 ms leaves, a query every 5 ms for 600 ms.
    const service = new SyntheticServiceModel({ kind: 'deterministic', ms: 2 }, new Rng(1), 10);
    const target = await liveCluster({ shards: 2, replicas: 1, index: null, disk: null }, { service });
    target.serving.chargeCpu(1, 0, 300);
    const out = await replayFixed(target, 120, 200);
    expect(out).toHaveLength(120);
    // Open loop: each query arrived at its intended instant, stall or not...
    out.forEach((o, i) => expect(o.arrivalMs).toBeCloseTo(i * 5, 6));
    // ... and the generator issued them on time (its lateness is host noise, not the stall's 300 ms).
    expect(target.serving.issueLateness().max).toBeLessThan(60);
    // A query that arrived during the stall waited for its end: latency counts from the intended arrival.
    for (const o of out.filter((x) => x.arrivalMs < 250)) expect(o.doneMs).toBeGreaterThanOrEqual(300);
    const after = out.filter((x) => x.arrivalMs >= 450);
    expect(after.length).toBeGreaterThan(20);
    const median = after.map((o) => o.doneMs - o.arrivalMs).sort((a, b) => a - b)[after.length >> 1];
    expect(median).toBeLessThan(20);
  });

  it('ends the run with the error of a leaf that throws, without hanging or leaving threads', async () => {
    const target = await liveCluster({ shards: 2, replicas: 1, index: CRANFIELD, disk: null });
    const good = new LivePreparer(target.machines, new Analyzer(), { k: 10, mode: 'or' });
    // Query 5 carries statistics for the wrong number of terms: the shard's search rejects it.
    const broken: Preparer = {
      async prepare(texts, firstSeq) {
        const qs = await good.prepare(texts, firstSeq);
        return qs.map((q): PreparedQuery => (q.seq === 5 ? { ...q, search: { ...q.search!, globals: { ...q.search!.globals, df: [] } } } : q));
      },
    };
    const t0 = performance.now();
    await expect(replay({ seed: 1, queries: 40, warmupQueries: 0, arrival: { kind: 'fixed', qps: 200 } }, typed(40, 'wing flow'), broken, target)).rejects.toThrow(
      /live machine \d \(shard \d, replica 0\).*one df per request term/,
    );
    expect(performance.now() - t0).toBeLessThan(10_000);
    await target.machines.close();
    expect(target.machines.threads).toBe(0);
  });

  it('ends the run with a clear error when a machine thread exits under it', async () => {
    const service = new SyntheticServiceModel({ kind: 'deterministic', ms: 20 }, new Rng(1), 10);
    const target = await liveCluster({ shards: 2, replicas: 1, index: null, disk: null }, { service });
    const run = replayFixed(target, 50, 100);
    await new Promise((r) => setTimeout(r, 60));
    target.machines.fail(1, 'exit').catch(() => {});
    await expect(run).rejects.toThrow(/live machine 1 \(shard 1, replica 0\): its worker thread failed/);
    await target.machines.close();
    expect(target.machines.threads).toBe(0);
  });
});
