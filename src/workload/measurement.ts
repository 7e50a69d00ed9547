import { emptyFunnelWork, type FunnelWork, type QueryOutcome, type ServingFigures } from '../cluster/index.ts';
import { LatencyRecorder, type LatencySummary, type TailQuantiles } from '../metrics/index.ts';

export interface MeasurementSpec {
  /** Queries in the run, warm-up included. */
  queries: number;
  /** The first queries warm caches and queues and are left out of every statistic. */
  warmupQueries: number;
  /** Buckets of the buffer-cache hit ratio series (default 20). */
  cacheBuckets?: number;
  /** A result cache answers in front of the router: keep its hit ratio and the latency over the run. */
  resultCache?: boolean;
}

/** A result cache's figures: hits among measured queries, the infinite cache's bound, and the run in buckets. */
export interface ResultCacheFigures {
  entries: number;
  maxAgeS: number | null;
  /** Measured queries answered by the cache, over all measured queries. */
  hitRatio: number;
  hits: number;
  /**
   * Measured queries that repeat an earlier query of the run: the hit ratio of a cache without a size
   * limit, flushes or expiry, the most any result cache gets on this trace.
   */
  infiniteCacheBound: number;
  /** When a new index went live and the cache was flushed (seconds of the run). */
  flushesAtS: number[];
  /** The run (warm-up included) in buckets of queries: the cache's hit ratio and the latency, where a flush shows. */
  overTime: { fromQuery: number; toQuery: number; fromS: number; hitRatio: number; p50Ms: number; p99Ms: number }[];
}

/** A busy share over machines: the mean, the busiest, and every machine's (machine = shard x replicas + replica). */
export interface MeanSummary {
  mean: number;
  max: number;
  perMachine: number[];
}

/** What a measurement says about a run (the replay adds freshness and the event count). */
export interface MeasuredFigures {
  queries: { total: number; warmup: number; measured: number };
  latencyMs: LatencySummary;
  /** The latency distribution of measured queries, (percentile, ms), denser in the tail. */
  latencyCdf: { percentile: number; ms: number }[];
  serviceMs: LatencySummary;
  /** Queries completed per second of virtual time inside the measured window (the warm-up's late ones too). */
  throughputQps: number;
  /** Measured queries offered per second (from their intended arrivals). */
  offeredQps: number;
  /** Virtual time from the first measured arrival to the last measured completion. */
  measuredWindowMs: number;
  perQuery: { seeks: number; bytesRead: number; postingsDecoded: number; energyJ: number };
  utilisation: { cpu: MeanSummary; disk: MeanSummary };
  /** Busiest shard's work over the mean shard's (1 = perfectly even). */
  shardImbalance: number;
  /** Each shard's work (CPU + disk of all its replicas) over the window's length: the machines it keeps busy. */
  shardLoad: number[];
  /** Disk mode: the modelled buffer caches' hit ratio, overall and over the run (warm-up included). */
  bufferCache: { hitRatio: number; overTime: { fromQuery: number; toQuery: number; hitRatio: number }[] } | null;
  /**
   * Where a measured query's time went on average: along its critical path (the last leaf to answer,
   * then the merge) network, disk seeks, half rotations and transfer, CPU and merge, and queueing (the
   * rest of its latency); `share` is each over the mean latency.
   */
  criticalPath: { meanMs: PathParts; share: PathParts };
  /**
   * Share of the shards in a measured query's answer (below 1 when leaves failed or missed the router's
   * deadline): the mean, the share of queries answered in full, and low percentiles (in 1 % steps).
   */
  coverage: { mean: number; fullShare: number; p1: number; p10: number; p50: number };
  /**
   * Leaf requests while measuring: per measured query, the share sent as extra copies (hedges, tied
   * twins) and cancelled, and the share of first copies whose tied twin also started (duplicated work).
   */
  leafRequests: { perQuery: number; extraShare: number; cancelledShare: number; bothStartedShare: number; crashes: number; refusedQueries: number; probations: number };
  /**
   * The Tail at Scale's Table 1, from the router: when one leaf request, 95 % of a query's leaves and all
   * of them had answered, from the query's arrival (NaN where no query had them all, and below a fan-out
   * of 20 shards, where the router does not keep them).
   */
  fanOut: { oneLeafMs: TailQuantiles; mostLeavesMs: TailQuantiles; allLeavesMs: TailQuantiles };
  /** A result cache in front of the router; null without one. */
  resultCache: ResultCacheFigures | null;
  /** A ranking funnel's work per stage; null without one. */
  funnelWork: FunnelFigures | null;
}

/** Coverage is counted in 1 % steps (a query's coverage is rounded down to one). */
const COVERAGE_STEPS = 100;

export interface PathParts {
  network: number;
  seek: number;
  rotation: number;
  transfer: number;
  cpu: number;
  merge: number;
  /** A ranking funnel's stages at the root (0 without one). */
  rank: number;
  queueing: number;
}

/** A ranking funnel's work (`FunnelWork`: per stage candidates and time), a measured query on average. */
export type FunnelFigures = FunnelWork;

/**
 * What a run measures, from the arrivals and outcomes it is shown: the warm-up left out, the measured
 * window (from the first measured arrival to the last measured answer), latency from each query's
 * intended arrival and service time into HdrHistogram recorders, work per query, and the buffer caches'
 * hit ratio over the run. It knows nothing of clocks or clusters: a driver tells it what happened, when
 * (tests/workload/measurement.test.ts feeds it by hand).
 */
export class Measurement {
  private readonly latency = new LatencyRecorder();
  private readonly service = new LatencyRecorder();
  private readonly mostLeaves = new LatencyRecorder();
  private readonly allLeaves = new LatencyRecorder();
  private readonly bucketSize: number;
  private readonly lookups: Float64Array;
  private readonly cacheHits: Float64Array;
  private readonly totals = { seeks: 0, bytesRead: 0, postingsDecoded: 0, energyJ: 0, coverage: 0 };
  /** Measured queries by coverage, floor(coverage x 100) (index 100: answered in full). */
  private readonly coverageCounts = new Float64Array(COVERAGE_STEPS + 1);
  private readonly path: PathParts = { network: 0, seek: 0, rotation: 0, transfer: 0, cpu: 0, merge: 0, rank: 0, queueing: 0 };
  /** Sums of the measured queries' funnel work (null until one has any). */
  private funnel: FunnelFigures | null = null;
  private measured = 0;
  private completedCount = 0;
  private firstMeasuredArrivalMs = Infinity;
  private lastMeasuredArrivalMs = 0;
  private lastMeasuredDoneMs = 0;
  // Warm-up queries that may complete inside the measured window count in its throughput. A query's
  // completion time is often known before the clock gets there (stations are computed at arrival), so
  // keep the completion times not yet known to be before the window, pruned as the clock moves: as many
  // as the warm-up has in flight, not one per warm-up query.
  private lateWarmupDoneMs: number[] = [];
  private pruneAtLength = 1024;
  /** With a result cache: per bucket, queries answered, those the cache answered, the first arrival, latencies. */
  private readonly results: { queries: Float64Array; hits: Float64Array; fromMs: Float64Array; latency: LatencyRecorder[] } | null;
  private resultHits = 0;
  private repeats = 0;

  constructor(readonly spec: MeasurementSpec) {
    const buckets = spec.cacheBuckets ?? 20;
    this.bucketSize = Math.max(1, Math.ceil(spec.queries / buckets));
    this.lookups = new Float64Array(Math.ceil(spec.queries / this.bucketSize));
    this.cacheHits = new Float64Array(this.lookups.length);
    const n = this.lookups.length;
    this.results = spec.resultCache
      ? { queries: new Float64Array(n), hits: new Float64Array(n), fromMs: new Float64Array(n).fill(Infinity), latency: Array.from({ length: n }, () => new LatencyRecorder()) }
      : null;
  }

  /** Whether query `seq` is measured (not warm-up). */
  isMeasured(seq: number): boolean {
    return seq >= this.spec.warmupQueries;
  }

  /** Query `seq` arrives at `nowMs`, its intended instant. */
  arrived(seq: number, nowMs: number): void {
    if (seq < this.spec.warmupQueries) return;
    if (nowMs < this.firstMeasuredArrivalMs) this.firstMeasuredArrivalMs = nowMs;
    if (nowMs > this.lastMeasuredArrivalMs) this.lastMeasuredArrivalMs = nowMs;
  }

  /** A query's outcome, learnt at clock time `nowMs` (which may come before its `doneMs`). */
  completed(o: QueryOutcome, nowMs: number): void {
    this.completedCount++;
    const b = Math.floor(o.seq / this.bucketSize);
    this.lookups[b] += o.cacheLookups;
    this.cacheHits[b] += o.cacheHits;
    if (this.results) this.noteResult(b, o);
    if (o.seq < this.spec.warmupQueries) {
      this.noteWarmupDone(o.doneMs, nowMs);
      return;
    }
    this.measured++;
    this.latency.record(o.doneMs - o.arrivalMs);
    this.service.record(o.serviceMs);
    if (!Number.isNaN(o.mostLeavesDoneMs)) this.mostLeaves.record(o.mostLeavesDoneMs - o.arrivalMs);
    if (!Number.isNaN(o.allLeavesDoneMs)) this.allLeaves.record(o.allLeavesDoneMs - o.arrivalMs);
    this.totals.seeks += o.seeks;
    this.totals.bytesRead += o.bytesRead;
    this.totals.postingsDecoded += o.postingsDecoded;
    this.totals.energyJ += o.energyJ;
    this.totals.coverage += o.coverage;
    this.coverageCounts[Math.floor(o.coverage * COVERAGE_STEPS + 1e-9)]++;
    const p = this.path;
    p.network += o.path.networkMs;
    p.seek += o.path.seekMs;
    p.rotation += o.path.rotationMs;
    p.transfer += o.path.transferMs;
    p.cpu += o.path.cpuMs;
    p.merge += o.path.mergeMs;
    p.rank += o.path.rankMs;
    if (o.funnel) this.addFunnel(o.funnel);
    // Latency less service time. The two are summed apart, so a difference within rounding of the
    // latency (either sign) is no wait: counted as one, it made a share of 1e-15 that compare divided by.
    const latencyMs = o.doneMs - o.arrivalMs;
    const waitMs = latencyMs - o.serviceMs;
    if (waitMs > 1e-9 * latencyMs) p.queueing += waitMs;
    if (o.doneMs > this.lastMeasuredDoneMs) this.lastMeasuredDoneMs = o.doneMs;
  }

  private noteResult(b: number, o: QueryOutcome): void {
    const r = this.results!;
    r.queries[b]++;
    if (o.cachedAnswer !== null) r.hits[b]++;
    if (o.arrivalMs < r.fromMs[b]) r.fromMs[b] = o.arrivalMs;
    r.latency[b].record(o.doneMs - o.arrivalMs);
    if (o.seq < this.spec.warmupQueries) return;
    if (o.cachedAnswer !== null) this.resultHits++;
    if (o.repeatsEarlier) this.repeats++;
  }

  private noteWarmupDone(doneMs: number, nowMs: number): void {
    // Before the first measured arrival the window opens no earlier than now.
    const windowOpensMs = Math.min(this.firstMeasuredArrivalMs, nowMs);
    if (doneMs > windowOpensMs) this.lateWarmupDoneMs.push(doneMs);
    if (this.lateWarmupDoneMs.length >= this.pruneAtLength) {
      this.lateWarmupDoneMs = this.lateWarmupDoneMs.filter((d) => d > windowOpensMs);
      this.pruneAtLength = Math.max(1024, 2 * this.lateWarmupDoneMs.length);
    }
  }

  /** Outcomes seen so far, warm-up included. */
  get outcomes(): number {
    return this.completedCount;
  }

  /** The measured window: from the first measured arrival to the last measured answer. */
  get window(): { startMs: number; endMs: number; windowMs: number } {
    return { startMs: this.firstMeasuredArrivalMs, endMs: this.lastMeasuredDoneMs, windowMs: Math.max(1e-9, this.lastMeasuredDoneMs - this.firstMeasuredArrivalMs) };
  }

  /**
   * The figures of a run of `total` queries, with the serving model's figures over the window;
   * `cacheReport`: whether buffer caches exist to report (disk mode).
   */
  figures(total: number, serving: ServingFigures, cacheReport: boolean): MeasuredFigures {
    const { startMs, endMs, windowMs } = this.window;
    // Completions per second inside the window, whichever query: under overload the window opens on the
    // warm-up's backlog, and counting only measured queries made throughput depend on the warm-up size.
    let warmupDoneInWindow = 0;
    for (const d of this.lateWarmupDoneMs) if (d > startMs && d <= endMs) warmupDoneInWindow++;
    const shards = serving.shardBusyMs.length;
    const shardMean = serving.shardBusyMs.reduce((a, b) => a + b, 0) / shards;
    const shardMax = serving.shardBusyMs.reduce((a, b) => Math.max(a, b), 0);
    const per = (x: number) => (this.measured > 0 ? x / this.measured : 0);
    const arrivalSpan = this.lastMeasuredArrivalMs - this.firstMeasuredArrivalMs;
    const measured = this.measured;
    return {
      queries: { total, warmup: this.spec.warmupQueries, measured },
      latencyMs: this.latency.summary(),
      latencyCdf: this.latency.cdf(),
      serviceMs: this.service.summary(),
      throughputQps: ((measured + warmupDoneInWindow) / windowMs) * 1000,
      offeredQps: measured > 1 && arrivalSpan > 0 ? ((measured - 1) / arrivalSpan) * 1000 : 0,
      measuredWindowMs: windowMs,
      perQuery: { seeks: per(this.totals.seeks), bytesRead: per(this.totals.bytesRead), postingsDecoded: per(this.totals.postingsDecoded), energyJ: per(this.totals.energyJ) },
      utilisation: { cpu: meanMax(serving.cpu), disk: meanMax(serving.disk) },
      shardImbalance: shardMean > 0 ? shardMax / shardMean : 1,
      shardLoad: Array.from(serving.shardBusyMs, (b) => b / windowMs),
      bufferCache: cacheReport ? this.cacheFigures(total) : null,
      criticalPath: this.pathFigures(),
      coverage: this.coverageFigures(),
      leafRequests: leafFigures(serving, measured),
      fanOut: { oneLeafMs: serving.oneLeafMs, mostLeavesMs: this.mostLeaves.tailQuantiles(), allLeavesMs: this.allLeaves.tailQuantiles() },
      resultCache: this.resultFigures(total, serving),
      funnelWork: this.funnelFigures(),
    };
  }

  private addFunnel(w: FunnelWork): void {
    const f = (this.funnel ??= emptyFunnelWork());
    f.candidates += w.candidates;
    f.firstCpuMs += w.firstCpuMs;
    f.rerankCpuMs += w.rerankCpuMs;
    f.criticalRerankMs += w.criticalRerankMs;
    f.sentUp += w.sentUp;
    f.merged += w.merged;
    f.results += w.results;
    w.rootIn.forEach((x, i) => (f.rootIn[i] = (f.rootIn[i] ?? 0) + x));
    w.rootMs.forEach((x, i) => (f.rootMs[i] = (f.rootMs[i] ?? 0) + x));
  }

  private funnelFigures(): FunnelFigures | null {
    const f = this.funnel;
    if (f === null) return null;
    const n = Math.max(1, this.measured);
    return {
      candidates: f.candidates / n,
      firstCpuMs: f.firstCpuMs / n,
      rerankCpuMs: f.rerankCpuMs / n,
      criticalRerankMs: f.criticalRerankMs / n,
      sentUp: f.sentUp / n,
      merged: f.merged / n,
      results: f.results / n,
      rootIn: f.rootIn.map((x) => x / n),
      rootMs: f.rootMs.map((x) => x / n),
    };
  }

  private resultFigures(total: number, serving: ServingFigures): ResultCacheFigures | null {
    const r = this.results;
    const c = serving.resultCache;
    if (r === null || c === null) return null;
    const n = this.measured;
    return {
      entries: c.entries,
      maxAgeS: c.maxAgeMs === null ? null : c.maxAgeMs / 1000,
      hitRatio: n > 0 ? this.resultHits / n : 0,
      hits: this.resultHits,
      infiniteCacheBound: n > 0 ? this.repeats / n : 0,
      flushesAtS: c.flushesAtMs.map((t) => t / 1000),
      overTime: Array.from(r.queries, (q, b) => ({
        fromQuery: b * this.bucketSize,
        toQuery: Math.min(total, (b + 1) * this.bucketSize) - 1,
        fromS: q > 0 ? r.fromMs[b] / 1000 : 0,
        hitRatio: q > 0 ? r.hits[b] / q : 0,
        p50Ms: r.latency[b].percentileMs(50),
        p99Ms: r.latency[b].percentileMs(99),
      })).filter((x) => x.fromQuery < total),
    };
  }

  private coverageFigures(): MeasuredFigures['coverage'] {
    const n = this.measured;
    if (n === 0) return { mean: 1, fullShare: 1, p1: 1, p10: 1, p50: 1 };
    const at = (percentile: number): number => {
      const rank = Math.ceil((percentile / 100) * n);
      let seen = 0;
      for (let i = 0; i <= COVERAGE_STEPS; i++) if ((seen += this.coverageCounts[i]) >= rank) return i / COVERAGE_STEPS;
      return 1;
    };
    return { mean: this.totals.coverage / n, fullShare: this.coverageCounts[COVERAGE_STEPS] / n, p1: at(1), p10: at(10), p50: at(50) };
  }

  private pathFigures(): MeasuredFigures['criticalPath'] {
    const n = Math.max(1, this.measured);
    const meanMs = Object.fromEntries(Object.entries(this.path).map(([k, v]) => [k, v / n])) as unknown as PathParts;
    const latency = Object.values(meanMs).reduce((a, b) => a + b, 0);
    const share = Object.fromEntries(Object.entries(meanMs).map(([k, v]) => [k, latency > 0 ? v / latency : 0])) as unknown as PathParts;
    return { meanMs, share };
  }

  private cacheFigures(total: number): MeasuredFigures['bufferCache'] {
    const totalLookups = this.lookups.reduce((a, b) => a + b, 0);
    if (!(totalLookups > 0)) return null;
    return {
      hitRatio: this.cacheHits.reduce((a, b) => a + b, 0) / totalLookups,
      overTime: Array.from(this.lookups, (l, b) => ({
        fromQuery: b * this.bucketSize,
        toQuery: Math.min(total, (b + 1) * this.bucketSize) - 1,
        hitRatio: l > 0 ? this.cacheHits[b] / l : 0,
      })).filter((x) => x.fromQuery < total),
    };
  }
}

function leafFigures(serving: ServingFigures, measured: number): MeasuredFigures['leafRequests'] {
  const { first, extra, cancelled, bothStarted, crashes, refused, probations } = serving.leafRequests;
  const all = first + extra;
  const perFirst = (n: number): number => (first > 0 ? n / first : 0);
  return { perQuery: measured > 0 ? all / measured : 0, extraShare: perFirst(extra), cancelledShare: all > 0 ? cancelled / all : 0, bothStartedShare: perFirst(bothStarted), crashes, refusedQueries: refused, probations };
}

function meanMax(xs: Float64Array): MeanSummary {
  if (xs.length === 0) return { mean: 0, max: 0, perMachine: [] };
  let s = 0;
  let m = 0;
  for (const x of xs) {
    s += x;
    if (x > m) m = x;
  }
  return { mean: s / xs.length, max: m, perMachine: Array.from(xs) };
}
