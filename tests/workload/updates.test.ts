import { describe, expect, it } from 'vitest';
import { BatchPolicy, IncrementalPolicy, type UpdateCostInputs } from '../../src/cluster/index.ts';
import { Rng } from '../../src/core/index.ts';
import { HARDWARE_PRESETS } from '../../src/hardware/index.ts';
import { generateUpdates, readUpdateTrace } from '../../src/workload/index.ts';
import { run } from '../helpers/scenario.ts';
import { tempFiles } from '../helpers/files.ts';

const { file } = tempFiles('upd');

describe('update traces', () => {
  it('read {"t","op","id","text"} lines, times relative to the first', async () => {
    const ev = await readUpdateTrace(file('u.jsonl', '{"t":100,"op":"upsert","id":"7","text":"new text"}\n{"t":"100.5","op":"delete","id":7}\n'));
    expect(ev.map((e) => [e.tS, e.op, e.id, e.text])).toEqual([
      [0, 'upsert', '7', 'new text'],
      [0.5, 'delete', '7', undefined],
    ]);
  });
  it.each([
    ['{"t":1,"op":"upsert","id":"a"}\n', /bad\.jsonl:1 field "text": expected the new text of an upserted document/],
    ['{"t":1,"op":"insert","id":"a"}\n', /bad\.jsonl:1 field "op": expected "upsert" or "delete", got "insert"/],
    ['{"t":1,"op":"delete","id":"a"}\nnope\n', /bad\.jsonl:2: expected a JSON object per line/],
    ['{"t":5,"op":"delete","id":"a"}\n{"t":1,"op":"delete","id":"b"}\n', /bad\.jsonl:2 field "t": expected times in nondecreasing order/],
  ])('name the file, line and field of a malformed line (%#)', async (text, msg) => {
    await expect(readUpdateTrace(file('bad.jsonl', text))).rejects.toThrow(msg);
  });
  it('generated streams are seeded, skewed towards a few volatile documents, and edit the previous version', () => {
    const docs = Array.from({ length: 200 }, (_, i) => ({ id: `d${i}`, text: `word${i} common text` }));
    const a = generateUpdates({ ratePerS: 50, skew: 1, deleteShare: 0 }, docs, 100, new Rng(3));
    expect(generateUpdates({ ratePerS: 50, skew: 1, deleteShare: 0 }, docs, 100, new Rng(3))).toEqual(a);
    expect(a.length).toBeGreaterThan(4500);
    const counts = new Map<string, number>();
    for (const e of a) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
    const sorted = [...counts.values()].sort((x, y) => y - x);
    expect(sorted[0]).toBeGreaterThan(20 * sorted[sorted.length - 1]);
    // Edited hundreds of times, a document keeps about its size: a change inserts at most 3 words.
    const last = new Map(a.map((e) => [e.id, e.text!]));
    for (const text of last.values()) expect(text.split(' ').length).toBeLessThanOrEqual(3 + 3);
  });
});

const cost: UpdateCostInputs = { shards: 4, replicas: 3, mode: 'memory', shardIndexBytes: 35e6 * 1000, meanListBytes: 1e6, weight: 1 };
describe('update policies', () => {
  it('batch: a change waits for the next rebuild, the build and a rollout of every replica', () => {
    const p = new BatchPolicy({ kind: 'batch', periodDays: 30, buildHours: 72, phaseDays: 0 }, cost, 35_000);
    const { visibleMs } = p.schedule(1000);
    const reloadMs = 35e9 / 35_000;
    expect(visibleMs).toBeCloseTo(30 * 86_400_000 + 72 * 3_600_000 + 3 * reloadMs, 0);
    // During the rollout, replica 1 is out of rotation while it reloads, and the others are not.
    const r1 = 30 * 86_400_000 + 72 * 3_600_000 + reloadMs + 1;
    expect(p.outOfRotation(1, r1)).toBe(true);
    expect(p.outOfRotation(0, r1)).toBe(false);
  });
  it('batch: the served snapshot is as old as the last rebuild whose rollout has finished', () => {
    const day = 86_400_000;
    expect(new BatchPolicy({ kind: 'batch', periodDays: 30, buildHours: 72, phaseDays: 10 }, cost, 35_000).snapshotAgeMs()).toBe(10 * day);
    // One day into the cycle the new build is not rolled out yet: the index is the previous cycle's.
    expect(new BatchPolicy({ kind: 'batch', periodDays: 30, buildHours: 72, phaseDays: 1 }, cost, 35_000).snapshotAgeMs()).toBe(31 * day);
    expect(new IncrementalPolicy({ kind: 'incremental', delayS: 45 }, cost).snapshotAgeMs()).toBe(0);
  });

  it('incremental: a real change standing for many modelled ones loads every shard evenly, not the shard of its document', () => {
    // 100 real changes, all to one volatile document on shard 0, each standing for 40 modelled changes
    // of documents the partition spreads over the 4 shards.
    const p = new IncrementalPolicy({ kind: 'incremental', delayS: 1 }, { ...cost, weight: 40 });
    const busyMs = new Float64Array(4 * 3);
    const machines = {
      hardware: HARDWARE_PRESETS['2001'],
      chargeCpu: (m: number, nowMs: number, cpuMs: number) => nowMs + (busyMs[m] += cpuMs),
      chargeDisk: () => expect.unreachable('memory mode charges no disk'),
    };
    for (let i = 0; i < 100; i++) p.commit(machines, 0, 10, i * 1000);
    const unitMs = (10 * 2 * HARDWARE_PRESETS['2001'].cpu.nsPerTerm + HARDWARE_PRESETS['2001'].cpu.nsPerRequest) / 1e6;
    const total = busyMs.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(100 * 40 * 3 * unitMs, 9);
    // Shard 0 takes its document's own change beyond an even share: 1 + 39/4 against 39/4 a change.
    expect(busyMs[0] / busyMs[3]).toBeCloseTo((1 + 39 / 4) / (39 / 4), 9);
    for (let m = 3; m < 12; m++) expect(busyMs[m]).toBeCloseTo(busyMs[3], 9);
  });
  it('incremental: with one modelled change a real one, only the document\'s own shard does any work', () => {
    const p = new IncrementalPolicy({ kind: 'incremental', delayS: 1 }, cost);
    const charged: number[] = [];
    const visible = p.commit({ hardware: HARDWARE_PRESETS['2001'], chargeCpu: (m, nowMs, cpuMs) => (charged.push(m), nowMs + cpuMs * (m + 1)), chargeDisk: () => 0 }, 2, 10, 5000);
    expect(charged).toEqual([6, 7, 8]);
    // Visible once the slowest replica of the shard has applied it.
    const unitMs = (10 * 2 * HARDWARE_PRESETS['2001'].cpu.nsPerTerm + HARDWARE_PRESETS['2001'].cpu.nsPerRequest) / 1e6;
    expect(visible).toBeCloseTo(5000 + 9 * unitMs, 9);
  });

  it('incremental: a change commits after the pipeline delay', () => {
    const p = new IncrementalPolicy({ kind: 'incremental', delayS: 45 }, cost);
    expect(p.schedule(1000)).toEqual({ commitMs: 46_000 });
    expect(p.outOfRotation()).toBe(false);
  });
});

describe('changes on the real shards', () => {
  // Document 184 gains a word no document has; queries for it arrive before and after it is visible.
  const updates = file('visible.jsonl', '{"t":0,"op":"upsert","id":"184","text":"zyzzyva boundary layer"}\n{"t":0.1,"op":"delete","id":"no-such-doc"}\n');
  const trace = file('q.jsonl', [0, 1, 2, 2.001, 3].map((t) => JSON.stringify({ t, q: 'zyzzyva' })).join('\n') + '\n');
  const scenario = {
    corpus: 'workloads/cranfield',
    workload: { trace, arrival: { kind: 'trace' as const }, queries: 5 },
    cluster: { shards: 3, replicas: 2 },
    updates: { trace: updates, policy: { kind: 'incremental' as const, delayS: 2 } },
  };
  it('are visible to queries exactly from their visibility instant on, and unknown deletes are counted', async () => {
    const decoded = new Map<number, number>();
    const r = await run(scenario, { onOutcome: (o) => decoded.set(o.seq, o.postingsDecoded) });
    // Committed at 2 s and applied on both replicas 0.1 ms later: the query at exactly 2 s misses it, the
    // one at 2.001 s finds it.
    expect([0, 1, 2, 3, 4].map((q) => decoded.get(q)! > 0)).toEqual([false, false, false, true, true]);
    expect(r.freshness!.applied).toBe(2);
    expect(r.freshness!.rejected).toBe(1);
    expect(r.freshness!.p50Ms).toBeGreaterThanOrEqual(2000);
    expect(r.freshness!.p99Ms).toBeLessThan(2100);
  });
  it('count a returned document as stale while its latest change is not yet visible', async () => {
    // Document 184 is about boundary layers; it changes at 0 s and the change is visible just after 2 s.
    const q = file('stale-q.jsonl', [0, 1, 3, 4].map((t) => JSON.stringify({ t, q: 'zyzzyva boundary layer flow' })).join('\n') + '\n');
    const r = await run({ ...scenario, workload: { trace: q, arrival: { kind: 'trace' as const }, queries: 4, k: 1000 } });
    const f = r.freshness!;
    expect(f.returnedDocs).toBeGreaterThan(0);
    // Only document 184 changed: it is stale in the two queries before 2 s, fresh in the two after.
    expect(f.staleness * f.returnedDocs).toBe(2);
  });

  it('batch: a change made now is not visible for days', async () => {
    const r = await run({ ...scenario, updates: { trace: updates, policy: { kind: 'batch' as const, periodDays: 30, buildHours: 72 } } });
    expect(r.freshness!.pending).toBe(2);
    expect(r.freshness!.p50Ms).toBeGreaterThan(86_400_000);
  });
});

describe('update-rate study', () => {
  it('finds the largest modelled change rate whose run still meets the SLO', async () => {
    const { RunContext, parseScenario, parseSlo, updateRateStudy } = await import('../../src/scenarios/index.ts');
    const loaded = parseScenario(
      {
        corpus: 'workloads/cranfield',
        workload: { arrival: { kind: 'poisson', qps: 20 }, queries: 800, warmupQueries: 100 },
        cluster: { shards: 2, replicas: 1, mode: 'memory' },
        updates: { generate: { ratePerS: 5 }, policy: { kind: 'incremental', delayS: 1 } },
      },
      'rate study',
      process.cwd(),
    );
    const ctx = new RunContext();
    try {
      // At 10 changes/s the cost is negligible; at 10 million a second each machine drowns in updates.
      const s = await updateRateStudy(loaded, [10, 1e7], parseSlo('p99<1s'), { threads: 0 }, ctx);
      expect(s.points.map((p) => p.meetsSlo)).toEqual([true, false]);
      expect(s.sustainedRatePerS).toBe(10);
      expect(s.points[1].updateUtilisation).toBeGreaterThan(s.points[0].updateUtilisation);
    } finally {
      await ctx.close();
    }
  });
});

describe('a batch rollout', () => {
  // One shard on two replicas of one core, the same query again and again (so every query costs the
  // same), offered three times what one replica serves. A rebuild's rollout takes one replica at a time
  // out of rotation while it reloads the shard's index (2 GB at 35 MB/s: about a minute).
  const trace = file('one-query.tsv', 'boundary layer transition\n');
  const scenario = (phaseDays: number, qps: number) => ({
    seed: 5,
    corpus: 'workloads/cranfield',
    workload: { trace, arrival: { kind: 'fixed' as const, qps }, queries: 1200, warmupQueries: 200 },
    cluster: { shards: 1, replicas: 2, coresPerMachine: 1, mode: 'disk' as const, modelledDocs: 1_300_000 },
    updates: { generate: { ratePerS: 0.1, skew: 1, deleteShare: 0 }, policy: { kind: 'batch' as const, periodDays: 1, buildHours: 1, phaseDays } },
  });

  it('takes a replica out of rotation while it reloads: capacity drops by 1/R', async () => {
    // The run starts as replica 0's reload starts (the build of 1 h began 1 h before): it lasts longer
    // than the run. Elsewhere in the cycle no rollout is near.
    const probe = await run(scenario(0.5, 10));
    const serviceMs = probe.serviceMs.p50;
    const qps = 3 * (1000 / serviceMs);
    const during = await run(scenario(1 / 24, qps));
    const outside = await run(scenario(0.5, qps));
    expect(outside.throughputQps).toBeCloseTo(2 * (1000 / serviceMs), -1);
    expect(during.throughputQps / outside.throughputQps).toBeGreaterThan(0.45);
    expect(during.throughputQps / outside.throughputQps).toBeLessThan(0.55);
    // Only one machine worked during the reload.
    expect(Math.min(...during.utilisation.cpu.perMachine)).toBe(0);
    expect(Math.min(...outside.utilisation.cpu.perMachine)).toBeGreaterThan(0.95);
  });
});
