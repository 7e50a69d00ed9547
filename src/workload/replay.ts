import { Cluster, type ClusterOptions, type PreparedQuery, type QueryOutcome, type ServiceModel, type UpdatePolicy } from '../cluster/index.ts';
import type { UpdateOp } from '../index/index.ts';
import type { UpdateEvent } from './updates.ts';
import { Rng, errors, invariant } from '../core/index.ts';
import { LatencyRecorder, type LatencySummary } from '../metrics/index.ts';
import { EventHeap, Simulation } from '../sim/index.ts';
import { openArrivals, type ArrivalSpec } from './arrivals.ts';
import type { SourcedQuery } from './source.ts';

/** Turns a chunk of query texts into prepared queries (real receipts, or nothing for synthetic service). */
export interface Preparer {
  prepare(texts: readonly string[], firstSeq: number): Promise<PreparedQuery[]>;
}

export interface ReplaySpec {
  seed: number;
  /** Queries in the run, warm-up included. */
  queries: number;
  /** The first queries warm caches and queues and are left out of every statistic. */
  warmupQueries: number;
  arrival: ArrivalSpec;
  cluster: ClusterOptions;
  /** Queries prepared per round trip to the shards. */
  chunk?: number;
  /** Buckets of the buffer-cache hit ratio series. */
  cacheBuckets?: number;
  /** Called with every query's outcome, warm-up included (for scripted experiments). */
  onOutcome?: (o: QueryOutcome) => void;
  /** A change stream and how it reaches the machines (open-loop workloads only). */
  updates?: ReplayUpdates;
}

/** What the replay needs to play changes against the real shards and the modelled machines. */
export interface ReplayUpdates {
  /** Changes in time order; times (seconds) may be negative: history before the first query. */
  events: UpdateEvent[];
  policy: UpdatePolicy;
  shardOf(id: string): number;
  /** Distinct index terms of a change (what applying it touches). */
  termsOf(ev: UpdateEvent): number;
  /** Applies changes to the real shards (so later receipts see them); returns the deletes of unknown ids. */
  apply(ops: UpdateOp[]): Promise<{ unknownDeletes: string[] }>;
  /**
   * 0: the real shards take each change at its visibility instant, exactly. Otherwise they take visible
   * changes in batches at multiples of this many ms (a query sees a change up to that much later than
   * its visibility; freshness is still measured exactly), which keeps prepared chunks long.
   */
  applyEveryMs: number;
  /**
   * Each document's modelled change rate (changes a millisecond) for a generated stream: a document not
   * changed during the run is still stale if it changed between the served snapshot and the run, with
   * probability 1 - exp(-rate x snapshot age), decided once per document by a seeded draw.
   */
  docRatePerMs?: Map<string, number>;
}

/** How fresh the index was kept, and at what cost (DESIGN.md section 4, Updates). */
export interface FreshnessReport {
  policy: string;
  /** Changes in the stream. */
  changes: number;
  /** Changes visible on every replica before the last query, so applied to the real shards. */
  applied: number;
  /** Changes that would become visible after the run (a batch rebuild days away, say). */
  pending: number;
  /** Deletes of documents that did not exist: counted, not fatal. */
  rejected: number;
  /** From a change to its visibility on every replica, over all changes. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Changes applied per second of the run. */
  appliedPerS: number;
  /** Share of all machines' time (cores and disks) spent applying changes, while measuring. */
  updateUtilisation: number;
  /**
   * Share of the documents measured queries returned whose served version was older than their latest
   * version at the query's arrival (changes made before the run are not in the stream, so this counts
   * staleness from the run's own changes only).
   */
  staleness: number;
  /** Documents returned by measured queries (the staleness denominator). */
  returnedDocs: number;
}

/** A busy share over machines: the mean, the busiest, and every machine's (machine = shard x replicas + replica). */
export interface MeanSummary {
  mean: number;
  max: number;
  perMachine: number[];
}

export interface ReplayResult {
  queries: { total: number; warmup: number; measured: number };
  latencyMs: LatencySummary;
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
  /** Disk mode: the modelled buffer caches' hit ratio, overall and over the run (warm-up included). */
  bufferCache: { hitRatio: number; overTime: { fromQuery: number; toQuery: number; hitRatio: number }[] } | null;
  freshness: FreshnessReport | null;
  events: number;
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

/**
 * Replays a workload on a modelled cluster: the driver of the simulation. Queries stream in chunks; each
 * chunk is prepared (run for real on the shards) before its arrivals enter the event heap, so memory stays
 * bounded however long the trace. Open loop: arrivals are fixed in advance and latency runs from them.
 * Closed loop: each client sends its next query a think time after the previous one completes.
 */
export async function replay(
  spec: ReplaySpec,
  source: AsyncIterable<SourcedQuery>,
  preparer: Preparer,
  service: ServiceModel,
  onProgress?: (done: number, total: number) => void,
): Promise<ReplayResult> {
  if (!Number.isInteger(spec.queries) || spec.queries < 1) throw errors.option('workload.queries', 'a positive integer', spec.queries);
  if (!Number.isInteger(spec.warmupQueries) || spec.warmupQueries < 0 || spec.warmupQueries >= spec.queries) {
    throw errors.option('workload.warmupQueries', `an integer from 0 to ${spec.queries - 1} (fewer than workload.queries)`, spec.warmupQueries);
  }
  const rng = new Rng(spec.seed);
  const sim = new Simulation();
  const cluster = new Cluster(sim, spec.cluster, service, rng.fork('cluster'));
  cluster.stopMeasuring();
  const latency = new LatencyRecorder();
  const serviceTime = new LatencyRecorder();
  const chunk = spec.chunk ?? 2048;
  const buckets = spec.cacheBuckets ?? 20;
  const bucketSize = Math.max(1, Math.ceil(spec.queries / buckets));
  const lookups = new Float64Array(Math.ceil(spec.queries / bucketSize));
  const cacheHits = new Float64Array(lookups.length);
  const totals = { seeks: 0, bytesRead: 0, postingsDecoded: 0, energyJ: 0 };
  let measured = 0;
  let firstMeasuredArrival = Infinity;
  let lastMeasuredArrival = 0;
  let lastDone = 0;
  let done = 0;
  // Warm-up queries that may complete inside the measured window count in its throughput. A query's
  // completion time is often known before the clock gets there (stations are computed at arrival), so
  // keep the completion times not yet known to be before the window, pruned as the clock moves: as many
  // as the warm-up has in flight, not one per warm-up query.
  let lateWarmupDoneMs: number[] = [];
  let pruneAtLength = 1024;

  const record = (o: QueryOutcome): void => {
    done++;
    spec.onOutcome?.(o);
    const b = Math.floor(o.seq / bucketSize);
    lookups[b] += o.cacheLookups;
    cacheHits[b] += o.cacheHits;
    if (o.seq < spec.warmupQueries) {
      // Before the first measured arrival the window opens no earlier than now.
      const windowOpensMs = Math.min(firstMeasuredArrival, sim.nowMs);
      if (o.doneMs > windowOpensMs) lateWarmupDoneMs.push(o.doneMs);
      if (lateWarmupDoneMs.length >= pruneAtLength) {
        lateWarmupDoneMs = lateWarmupDoneMs.filter((d) => d > windowOpensMs);
        pruneAtLength = Math.max(1024, 2 * lateWarmupDoneMs.length);
      }
      return;
    }
    measured++;
    latency.record(o.doneMs - o.arrivalMs);
    serviceTime.record(o.serviceMs);
    totals.seeks += o.seeks;
    totals.bytesRead += o.bytesRead;
    totals.postingsDecoded += o.postingsDecoded;
    totals.energyJ += o.energyJ;
    if (o.doneMs > lastDone) lastDone = o.doneMs;
  };
  let staleCheck: ((ids: readonly string[], tMs: number) => number) | null = null;
  let staleHits = 0;
  let returnedHits = 0;
  const arrive = (q: PreparedQuery, onDone: (o: QueryOutcome) => void): void => {
    if (q.seq === spec.warmupQueries) cluster.startMeasuring();
    if (staleCheck && q.seq >= spec.warmupQueries && q.work?.hitIds) {
      returnedHits += q.work.hitIds.length;
      staleHits += staleCheck(q.work.hitIds, sim.nowMs);
    }
    if (q.seq >= spec.warmupQueries) {
      firstMeasuredArrival = Math.min(firstMeasuredArrival, sim.nowMs);
      lastMeasuredArrival = Math.max(lastMeasuredArrival, sim.nowMs);
    }
    cluster.submit(q, onDone);
  };

  const it = source[Symbol.asyncIterator]();
  let seq = 0;
  let exhausted = false;
  const nextChunk = async (): Promise<{ prepared: PreparedQuery[]; sourced: SourcedQuery[] }> => {
    const sourced: SourcedQuery[] = [];
    while (!exhausted && sourced.length < chunk && seq + sourced.length < spec.queries) {
      const r = await it.next();
      if (r.done) exhausted = true;
      else sourced.push(r.value);
    }
    const prepared = await preparer.prepare(
      sourced.map((s) => s.q),
      seq,
    );
    seq += prepared.length;
    onProgress?.(seq, spec.queries);
    return { prepared, sourced };
  };

  /**
   * The open-loop driver when changes stream in: query arrivals, commits and visibility instants are
   * taken in time order; queries are prepared in chunks that never straddle a visibility instant, so a
   * query prepared after a change became visible sees it, and one before does not.
   */
  const driveWithUpdates = async (u: ReplayUpdates, arrivals: ReturnType<typeof openArrivals>): Promise<FreshnessReport> => {
    const fresh = new LatencyRecorder();
    // Per document, its changes' times and (once known) visibility: a returned document is stale when
    // its latest change made by the query's arrival is not yet visible then.
    const history = new Map<string, { changeMs: number[]; visibleMs: number[] }>();
    const visibleOf = new Map<UpdateEvent, { at: number[]; i: number }>();
    for (const e of u.events) {
      let h = history.get(e.id);
      if (!h) history.set(e.id, (h = { changeMs: [], visibleMs: [] }));
      visibleOf.set(e, { at: h.visibleMs, i: h.changeMs.length });
      h.changeMs.push(e.tS * 1000);
      h.visibleMs.push(Infinity);
    }
    const setVisible = (e: UpdateEvent, v: number): void => {
      const r = visibleOf.get(e)!;
      r.at[r.i] = v;
    };
    const priorAgeMs = u.policy.snapshotAgeMs();
    const priorRng = rng.fork('snapshot-staleness');
    const priorStale = new Map<string, boolean>();
    const staleBeforeRun = (id: string): boolean => {
      const rate = u.docRatePerMs?.get(id);
      if (!rate || priorAgeMs <= 0) return false;
      let s = priorStale.get(id);
      if (s === undefined) priorStale.set(id, (s = priorRng.fork(id).next() < 1 - Math.exp(-rate * priorAgeMs)));
      return s;
    };
    staleCheck = (ids: readonly string[], tMs: number): number => {
      let stale = 0;
      for (const id of ids) {
        const h = history.get(id);
        if (!h) {
          if (staleBeforeRun(id)) stale++;
          continue;
        }
        let lo = 0;
        let hi = h.changeMs.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (h.changeMs[mid] <= tMs) lo = mid + 1;
          else hi = mid;
        }
        if (lo > 0 && h.visibleMs[lo - 1] > tMs) stale++;
        // No change of the run visible yet: the snapshot's own age decides.
        else if (!(lo > 0 && h.visibleMs[lo - 1] <= tMs) && staleBeforeRun(id)) stale++;
      }
      return stale;
    };
    // Changes waiting for their commit or their visibility, by time (payload: index in u.events; the
    // kernel's heap keeps equal times in push order).
    const commits = new EventHeap(1024);
    const visible = new EventHeap(1024);
    let pending = 0;
    let rejected = 0;
    let applied = 0;
    const applyAt = (visibleMs: number): number => (u.applyEveryMs > 0 ? Math.ceil(visibleMs / u.applyEveryMs) * u.applyEveryMs : visibleMs);
    const toOp = (e: UpdateEvent): UpdateOp => (e.op === 'delete' ? { op: 'delete', id: e.id } : { op: 'upsert', id: e.id, text: e.text ?? '' });
    const applyUpTo = async (tMs: number): Promise<void> => {
      const ops: UpdateOp[] = [];
      while (visible.size > 0 && visible.peekTimeMs() <= tMs) ops.push(toOp(u.events[visible.pop()]));
      if (ops.length === 0) return;
      const r = await u.apply(ops);
      applied += ops.length;
      rejected += r.unknownDeletes.length;
    };
    u.events.forEach((e, ei) => {
      const changeMs = e.tS * 1000;
      const s = u.policy.schedule(changeMs);
      if ('visibleMs' in s) {
        fresh.record(s.visibleMs - changeMs);
        setVisible(e, applyAt(s.visibleMs));
        visible.push(applyAt(s.visibleMs), ei);
      } else if (s.commitMs <= 0) {
        // Committed before the first query: history, applied at once, at no cost to the measured run.
        fresh.record(s.commitMs - changeMs);
        setVisible(e, 0);
        visible.push(0, ei);
      } else commits.push(s.commitMs, ei);
    });
    const commitDue = (tMs: number): void => {
      while (commits.size > 0 && commits.peekTimeMs() <= tMs) {
        const commitMs = commits.peekTimeMs();
        const ei = commits.pop();
        const e = u.events[ei];
        const v = u.policy.commit(cluster, u.shardOf(e.id), u.termsOf(e), commitMs);
        fresh.record(v - e.tS * 1000);
        // The real shards take it at `applyAt(v)`: that is when a query can first return the new version.
        setVisible(e, applyAt(v));
        visible.push(applyAt(v), ei);
      }
    };
    await applyUpTo(0);
    const ahead: { q: SourcedQuery; t: number }[] = [];
    for (;;) {
      while (ahead.length < chunk && seq + ahead.length < spec.queries) {
        const r = await it.next();
        if (r.done) {
          exhausted = true;
          break;
        }
        ahead.push({ q: r.value, t: arrivals.next(r.value.tS, r.value.where) });
      }
      if (ahead.length === 0) break;
      const nextCommit = commits.size > 0 ? commits.peekTimeMs() : Infinity;
      const nextVisible = visible.size > 0 ? visible.peekTimeMs() : Infinity;
      const next = Math.min(ahead[0].t, nextCommit, nextVisible);
      if (nextVisible === next) {
        sim.run(Math.max(sim.nowMs, next));
        await applyUpTo(next);
        continue;
      }
      if (nextCommit === next) {
        sim.run(Math.max(sim.nowMs, next));
        commitDue(next);
        continue;
      }
      const limit = Math.min(nextCommit, nextVisible);
      let n = 0;
      while (n < ahead.length && ahead[n].t < limit) n++;
      const batch = ahead.splice(0, n);
      const prepared = await preparer.prepare(
        batch.map((b) => b.q.q),
        seq,
      );
      seq += prepared.length;
      onProgress?.(seq, spec.queries);
      prepared.forEach((q, i) => sim.at(Math.max(batch[i].t, sim.nowMs), () => arrive(q, record)));
      sim.run(Math.max(sim.nowMs, batch[batch.length - 1].t));
    }
    sim.run();
    const lastQueryMs = sim.nowMs;
    // Changes after the last query still take machine time and have a freshness; none is applied, and
    // their work falls outside the measured window.
    cluster.stopMeasuring();
    while (commits.size > 0) {
      const t = commits.peekTimeMs();
      sim.run(Math.max(sim.nowMs, t));
      commitDue(t);
    }
    sim.run();
    while (visible.size > 0) {
      if (visible.peekTimeMs() <= lastQueryMs) await applyUpTo(visible.peekTimeMs());
      else {
        visible.pop();
        pending++;
      }
    }
    const s = fresh.summary();
    const machines = spec.cluster.shards * spec.cluster.replicas;
    const windowMs = Math.max(1e-9, lastDone - firstMeasuredArrival);
    return {
      policy: u.policy.kind,
      changes: u.events.length,
      applied,
      pending,
      rejected,
      p50Ms: s.p50,
      p99Ms: s.p99,
      maxMs: s.max,
      appliedPerS: lastQueryMs > 0 ? (applied / lastQueryMs) * 1000 : 0,
      staleness: returnedHits > 0 ? staleHits / returnedHits : 0,
      returnedDocs: returnedHits,
      updateUtilisation: cluster.updateBusyMs / (windowMs * machines * (spec.cluster.cores + spec.cluster.disks)),
    };
  };

  let freshness: FreshnessReport | null = null;
  if (spec.updates) {
    if (spec.arrival.kind === 'closed') throw errors.option('updates', 'used with an open-loop workload (fixed, poisson, diurnal or trace arrivals)', 'closed');
    freshness = await driveWithUpdates(spec.updates, openArrivals(spec.arrival, rng.fork('arrivals')));
  } else if (spec.arrival.kind !== 'closed') {
    const arrivals = openArrivals(spec.arrival, rng.fork('arrivals'));
    // The next chunk is prepared on the shard workers while this one is simulated; the simulation runs
    // in slices and yields between them, so the preparation's own steps (read the trace, the statistics
    // round, the search round) proceed meanwhile. Results do not depend on this interleaving.
    let pending = nextChunk();
    for (;;) {
      const { prepared, sourced } = await pending;
      if (prepared.length === 0) break;
      pending = nextChunk();
      const times = prepared.map((q, i) => {
        const t = Math.max(arrivals.next(sourced[i].tS, sourced[i].where), sim.nowMs);
        sim.at(t, () => arrive(q, record));
        return t;
      });
      for (let i = SLICE; i < times.length; i += SLICE) {
        sim.run(times[i]);
        await yieldToEventLoop();
      }
      sim.run(times[times.length - 1]);
    }
    sim.run();
  } else {
    const { clients, thinkMs } = spec.arrival;
    const thinkFixed = spec.arrival.think === 'fixed';
    if (!Number.isInteger(clients) || clients < 1) throw errors.option('workload.arrival.clients', 'a positive integer', clients);
    const thinkRng = rng.fork('think');
    const buffer: PreparedQuery[] = [];
    let starved: number[] = [];
    const startNext = (client: number): void => {
      const q = buffer.shift();
      if (!q) {
        starved.push(client);
        if (!exhausted || buffer.length > 0) sim.stop();
        return;
      }
      arrive(q, (o) => {
        record(o);
        const think = thinkFixed ? thinkMs : thinkRng.exponential(thinkMs);
        sim.at(o.doneMs + think, () => startNext(client));
      });
    };
    buffer.push(...(await nextChunk()).prepared);
    for (let c = 0; c < clients; c++) sim.at(0, () => startNext(c));
    for (;;) {
      sim.run();
      if (starved.length === 0 || seq >= spec.queries || exhausted) break;
      const more = (await nextChunk()).prepared;
      if (more.length === 0) break;
      buffer.push(...more);
      const waiting = starved;
      starved = [];
      for (const c of waiting) sim.at(sim.nowMs, () => startNext(c));
    }
  }
  invariant(done === seq, `every query completes (${done} of ${seq})`);
  if (seq <= spec.warmupQueries) {
    throw errors.option('workload.warmupQueries', `fewer than the ${seq} queries the workload has`, spec.warmupQueries);
  }

  const windowMs = Math.max(1e-9, lastDone - firstMeasuredArrival);
  // Completions per second inside the window, whichever query: under overload the window opens on the
  // warm-up's backlog, and counting only measured queries made throughput depend on the warm-up size.
  let warmupDoneInWindow = 0;
  for (const d of lateWarmupDoneMs) if (d > firstMeasuredArrival && d <= lastDone) warmupDoneInWindow++;
  const util = cluster.utilisation(firstMeasuredArrival, lastDone);
  const shardMean = cluster.shardBusyMs.reduce((a, b) => a + b, 0) / spec.cluster.shards;
  const shardMax = cluster.shardBusyMs.reduce((a, b) => Math.max(a, b), 0);
  const totalLookups = lookups.reduce((a, b) => a + b, 0);
  const bufferCache =
    spec.cluster.mode === 'disk' && totalLookups > 0
      ? {
          hitRatio: cacheHits.reduce((a, b) => a + b, 0) / totalLookups,
          overTime: Array.from(lookups, (l, b) => ({
            fromQuery: b * bucketSize,
            toQuery: Math.min(seq, (b + 1) * bucketSize) - 1,
            hitRatio: l > 0 ? cacheHits[b] / l : 0,
          })).filter((x) => x.fromQuery < seq),
        }
      : null;
  const per = (x: number) => (measured > 0 ? x / measured : 0);
  const arrivalSpan = lastMeasuredArrival - firstMeasuredArrival;
  return {
    queries: { total: seq, warmup: spec.warmupQueries, measured },
    latencyMs: latency.summary(),
    serviceMs: serviceTime.summary(),
    throughputQps: ((measured + warmupDoneInWindow) / windowMs) * 1000,
    offeredQps: measured > 1 && arrivalSpan > 0 ? ((measured - 1) / arrivalSpan) * 1000 : 0,
    measuredWindowMs: windowMs,
    perQuery: { seeks: per(totals.seeks), bytesRead: per(totals.bytesRead), postingsDecoded: per(totals.postingsDecoded), energyJ: per(totals.energyJ) },
    utilisation: { cpu: meanMax(util.cpu), disk: meanMax(util.disk) },
    shardImbalance: shardMean > 0 ? shardMax / shardMean : 1,
    bufferCache,
    freshness,
    events: sim.processedEvents,
  };
}

/** Arrivals simulated between two yields to the event loop. */
const SLICE = 128;
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A preparer for synthetic service: queries carry no index work. */
export const blankPreparer: Preparer = {
  async prepare(texts, firstSeq) {
    return texts.map((_, i) => ({ seq: firstSeq + i, termCount: 0, termKeys: new Int32Array(0), work: null }));
  },
};
