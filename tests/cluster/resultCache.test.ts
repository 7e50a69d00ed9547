import { describe, expect, it } from 'vitest';
import { ResultCache, SimulatedCluster, SyntheticServiceModel, type ClusterOptions, type QueryOutcome, type SyntheticService } from '../../src/cluster/index.ts';
import { Rng } from '../../src/core/index.ts';
import { HARDWARE_PRESETS, networkMs } from '../../src/hardware/index.ts';
import { Simulation } from '../../src/sim/index.ts';
import { servingModelContract, type ContractLayout } from './servingModel.contract.ts';

const hw = HARDWARE_PRESETS['2001'];

/** A result cache of `entries` in front of S x 1 machines whose leaf requests take `service`. */
function cached(entries: number, o: Partial<ClusterOptions> & { shards: number } = { shards: 4 }, service: SyntheticService = { kind: 'deterministic', ms: 10 }, maxAgeMs?: number) {
  const clock = new Simulation();
  const cluster = new SimulatedCluster(
    clock,
    { replicas: 1, mode: 'memory', hardware: hw, cores: 1, disks: 1, selection: 'round-robin', cacheBytes: 0, hops: true, ...o },
    new SyntheticServiceModel(service, new Rng(1), 10),
    new Rng(2),
  );
  const cache = new ResultCache(clock, cluster, { entries, k: 10, hops: true, hardware: hw, ...(maxAgeMs !== undefined ? { maxAgeMs } : {}) });
  const outcomes: QueryOutcome[] = [];
  /** Query `text` (its key) arrives at `atMs`. */
  let nextSeq = 0;
  const ask = (atMs: number, text: string): void => {
    const seq = nextSeq++;
    clock.at(atMs, () => cache.submit({ seq, termCount: 2, termKeys: new Int32Array(0), work: null, resultKey: text }, (x) => outcomes.push(x)));
  };
  const bySeq = () => [...outcomes].sort((a, b) => a.seq - b.seq);
  return { clock, cluster, cache, ask, bySeq };
}

describe('a result cache in front of the router', () => {
  it('answers a repeated query after one round trip to it, without a single leaf request', async () => {
    const c = cached(100);
    c.cache.startMeasuring();
    c.ask(0, 'restaurant cafe');
    c.ask(1000, 'restaurant cafe');
    await c.clock.advance();
    const [first, second] = c.bySeq();
    expect(first.cachedAnswer).toBeNull();
    expect(first.doneMs - first.arrivalMs).toBeGreaterThan(10);
    expect(second.cachedAnswer).toEqual({ computedAtMs: 0, hitIds: undefined });
    const roundTripMs = networkMs(hw.network, 64 + 2 * 16) + networkMs(hw.network, 64 + 10 * 16);
    expect(second.doneMs - second.arrivalMs).toBeCloseTo(roundTripMs + hw.cpu.nsPerRequest / 1e6, 9);
    expect(second.serviceMs).toBeCloseTo(second.doneMs - second.arrivalMs, 9);
    // Four shards asked once, for the first query only.
    expect(c.cache.figures(0, 2000).leafRequests.first).toBe(4);
  });

  it('keeps an answer once it exists: a repeat arriving while the first is still out misses', async () => {
    const c = cached(100);
    c.ask(0, 'a');
    c.ask(5, 'a');
    c.ask(50, 'a');
    await c.clock.advance();
    expect(c.bySeq().map((o) => o.cachedAnswer !== null)).toEqual([false, false, true]);
    expect(c.bySeq().map((o) => o.repeatsEarlier)).toEqual([false, true, true]);
  });

  it('evicts the least recently used answer when full', async () => {
    const c = cached(2);
    ['a', 'b', 'a', 'c', 'b', 'a'].forEach((t, i) => c.ask(i * 100, t));
    await c.clock.advance();
    // a, b miss; a hits (now the most recent); c evicts b, the least recent; b misses and evicts a; a misses.
    expect(c.bySeq().map((o) => o.cachedAnswer !== null)).toEqual([false, false, true, false, false, false]);
  });

  it('flushes when a new index goes live, and does not keep answers computed on the old one', async () => {
    const c = cached(100);
    c.ask(0, 'a');
    c.ask(100, 'b');
    c.clock.at(105, () => c.cache.indexWentLive());
    c.ask(200, 'a');
    c.ask(300, 'b');
    c.ask(400, 'a');
    await c.clock.advance();
    // b was in flight at the flush (asked at 100, answered after 105): not kept, so 300 misses too.
    expect(c.bySeq().map((o) => o.cachedAnswer !== null)).toEqual([false, false, false, false, true]);
    expect(c.cache.figures(0, 500).resultCache).toEqual({ entries: 100, maxAgeMs: null, flushesAtMs: [105] });
  });

  it('does not keep a partial answer (a shard missed the deadline)', async () => {
    const c = cached(100, { shards: 4, deadlineMs: 50 }, { kind: 'mixture', parts: [{ p: 0.7, ms: 10 }, { p: 0.3, ms: 1000 }] });
    for (let i = 0; i < 60; i++) c.ask(i * 2000, 'a');
    await c.clock.advance();
    const os = c.bySeq();
    const firstFull = os.findIndex((o) => o.coverage === 1);
    expect(firstFull).toBeGreaterThan(-1);
    // Every query up to the first full answer asked the shards; the one after it is a hit.
    os.slice(0, firstFull + 1).forEach((o) => expect(o.cachedAnswer).toBeNull());
    expect(os[firstFull + 1].cachedAnswer).not.toBeNull();
    expect(os.filter((o) => o.cachedAnswer !== null).every((o) => o.coverage === 1)).toBe(true);
  });

  it('does not serve an answer older than its maximum age', async () => {
    const c = cached(100, { shards: 4 }, { kind: 'deterministic', ms: 10 }, 1000);
    c.ask(0, 'a');
    c.ask(900, 'a');
    c.ask(1500, 'a');
    c.ask(2000, 'a');
    await c.clock.advance();
    // 900: 900 ms old, served; 1500: 1500 ms old, recomputed; 2000: 500 ms old, served.
    expect(c.bySeq().map((o) => o.cachedAnswer?.computedAtMs ?? null)).toEqual([null, 0, null, 1500]);
  });

  it('passes a query without a key straight to the cluster', async () => {
    const c = cached(100);
    for (const t of [0, 100]) c.clock.at(t, () => c.cache.submit({ seq: t, termCount: 0, termKeys: new Int32Array(0), work: null }, () => {}));
    await c.clock.advance();
    expect(c.cache.figures(0, 200).leafRequests.first).toBe(8);
  });

  it('refuses a size outside 1 to 10,000,000 entries and a maximum age that is not positive, naming the field', () => {
    expect(() => cached(0)).toThrow(/router\.resultCache\.entries.*whole number from 1/);
    expect(() => cached(2.5)).toThrow(/router\.resultCache\.entries/);
    expect(() => cached(10, { shards: 2 }, { kind: 'deterministic', ms: 1 }, 0)).toThrow(/router\.resultCache\.maxAgeS.*positive/);
  });
});

servingModelContract('SimulatedCluster behind a ResultCache (queries without keys pass through)', (l: ContractLayout) => {
  const clock = new Simulation();
  const inner = new SimulatedCluster(
    clock,
    { shards: l.shards, replicas: l.replicas, mode: 'memory', hardware: hw, cores: l.cores, disks: 1, selection: 'round-robin', cacheBytes: 0, hops: false },
    new SyntheticServiceModel(l.service, new Rng(1), 10),
    new Rng(2),
  );
  return { clock, serving: new ResultCache(clock, inner, { entries: 1000, k: 10, hops: false, hardware: hw }) };
});
