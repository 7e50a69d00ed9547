import { describe, expect, it } from 'vitest';
import type { QueryOutcome, ServingFigures } from '../../src/cluster/index.ts';
import { Measurement } from '../../src/workload/index.ts';

const outcome = (seq: number, arrivalMs: number, doneMs: number, o: Partial<QueryOutcome> = {}): QueryOutcome => ({
  seq,
  arrivalMs,
  doneMs,
  serviceMs: doneMs - arrivalMs,
  seeks: 0,
  bytesRead: 0,
  postingsDecoded: 0,
  energyJ: 0,
  cacheLookups: 0,
  cacheHits: 0,
  failedLeaves: 0,
  coverage: 1,
  path: { networkMs: 0, seekMs: 0, rotationMs: 0, transferMs: 0, cpuMs: doneMs - arrivalMs, mergeMs: 0, rankMs: 0 },
  mostLeavesDoneMs: doneMs,
  allLeavesDoneMs: doneMs,
  cachedAnswer: null,
  repeatsEarlier: false,
  ...o,
});
const serving = (shardBusyMs = [1]): ServingFigures => ({ cpu: Float64Array.of(0.5), disk: Float64Array.of(0), shardBusyMs: Float64Array.from(shardBusyMs), updateBusyMs: 0, serversPerMachine: 2, leafRequests: { first: 0, extra: 0, cancelled: 0, bothStarted: 0, crashes: 0, refused: 0, probations: 0 }, oneLeafMs: { p50: 1, p95: 1, p99: 1 }, resultCache: null });

/** Shows a measurement arrivals and outcomes, each outcome learnt at its own done time. */
function feed(m: Measurement, outcomes: QueryOutcome[]): void {
  for (const o of outcomes) m.arrived(o.seq, o.arrivalMs);
  for (const o of [...outcomes].sort((a, b) => a.doneMs - b.doneMs)) m.completed(o, o.doneMs);
}

describe('Measurement', () => {
  it('leaves the warm-up out of latency and work, and opens the window at the first measured arrival', () => {
    const m = new Measurement({ queries: 4, warmupQueries: 2 });
    feed(m, [outcome(0, 0, 100, { seeks: 50 }), outcome(1, 10, 20), outcome(2, 30, 40, { seeks: 2 }), outcome(3, 50, 80, { seeks: 4 })]);
    const f = m.figures(4, serving(), false);
    expect(f.queries).toEqual({ total: 4, warmup: 2, measured: 2 });
    expect(f.latencyMs.count).toBe(2);
    expect(f.latencyMs.max).toBeCloseTo(30, 1);
    expect(f.perQuery.seeks).toBe(3);
    // From the first measured arrival (30) to the last measured answer (80).
    expect(f.measuredWindowMs).toBe(50);
    expect(m.window).toEqual({ startMs: 30, endMs: 80, windowMs: 50 });
  });

  it('counts in throughput the warm-up queries answered inside the window, and only those', () => {
    const m = new Measurement({ queries: 5, warmupQueries: 3 });
    // Warm-up answers at 25 (before the window opens at 30), 60 and 90 (inside), measured ones at 70, 100.
    feed(m, [outcome(0, 0, 25), outcome(1, 5, 60), outcome(2, 10, 90), outcome(3, 30, 70), outcome(4, 40, 100)]);
    const f = m.figures(5, serving(), false);
    expect(f.measuredWindowMs).toBe(70);
    expect(f.throughputQps).toBeCloseTo((4 / 70) * 1000, 9);
    // Offered: the measured arrivals' rate, (n - 1) gaps over their span.
    expect(f.offeredQps).toBeCloseTo((1 / 10) * 1000, 9);
  });

  it('a warm-up answer learnt early (its end known in advance) still counts if it lands inside the window', () => {
    const m = new Measurement({ queries: 2, warmupQueries: 1 });
    m.arrived(0, 0);
    // The model knows at 0 that query 0 ends at 50; query 1 arrives at 10 and ends at 60.
    m.completed(outcome(0, 0, 50), 0);
    m.arrived(1, 10);
    m.completed(outcome(1, 10, 60), 10);
    const f = m.figures(2, serving(), false);
    expect(f.throughputQps).toBeCloseTo((2 / 50) * 1000, 9);
  });

  it('reports shard imbalance as the busiest shard over the mean, and utilisation from the serving model', () => {
    const m = new Measurement({ queries: 1, warmupQueries: 0 });
    feed(m, [outcome(0, 0, 10)]);
    const f = m.figures(1, serving([1, 1, 4]), false);
    expect(f.shardImbalance).toBe(2);
    expect(f.utilisation.cpu).toEqual({ mean: 0.5, max: 0.5, perMachine: [0.5] });
  });

  it('gives the buffer-cache hit ratio overall and per stretch of the run, warm-up included, when asked', () => {
    const m = new Measurement({ queries: 4, warmupQueries: 1, cacheBuckets: 2 });
    feed(m, [outcome(0, 0, 1, { cacheLookups: 4, cacheHits: 0 }), outcome(1, 1, 2, { cacheLookups: 4, cacheHits: 2 }), outcome(2, 2, 3, { cacheLookups: 4, cacheHits: 4 }), outcome(3, 3, 4, { cacheLookups: 4, cacheHits: 4 })]);
    expect(m.figures(4, serving(), true).bufferCache).toEqual({
      hitRatio: 10 / 16,
      overTime: [
        { fromQuery: 0, toQuery: 1, hitRatio: 2 / 8 },
        { fromQuery: 2, toQuery: 3, hitRatio: 1 },
      ],
    });
    expect(m.figures(4, serving(), false).bufferCache).toBeNull();
  });
});

describe('Measurement: where the time goes', () => {
  it('averages each part of the critical path over measured queries, queueing being latency less service', () => {
    const m = new Measurement({ queries: 3, warmupQueries: 1 });
    const path = (seekMs: number, cpuMs: number) => ({ networkMs: 1, seekMs, rotationMs: 0, transferMs: 0, cpuMs, mergeMs: 0, rankMs: 0 });
    feed(m, [
      outcome(0, 0, 500, { serviceMs: 500, path: path(499, 0) }),
      outcome(1, 0, 20, { serviceMs: 11, path: path(8, 2) }),
      outcome(2, 10, 25, { serviceMs: 15, path: path(10, 4) }),
    ]);
    const f = m.figures(3, serving(), false).criticalPath;
    expect(f.meanMs).toEqual({ network: 1, seek: 9, rotation: 0, transfer: 0, cpu: 3, merge: 0, rank: 0, queueing: 4.5 });
    expect(f.share.seek).toBeCloseTo(9 / 17.5, 12);
    expect(Object.values(f.share).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});
