import { LRUCache } from 'lru-cache';
import { errors } from '../core/index.ts';
import { HIT_BYTES, MESSAGE_OVERHEAD_BYTES, QUERY_BYTES_PER_TERM, busyJoules, networkMs, type HardwarePreset } from '../hardware/index.ts';
import type { Clock } from '../sim/index.ts';
import type { CachedAnswer, QueryOutcome, ServingFigures, ServingModel } from './serving.ts';
import type { PreparedQuery } from './service.ts';

export interface ResultCacheOptions {
  /** Answers kept; the least recently used goes first. */
  entries: number;
  /** An answer computed longer ago than this is not served (absent: kept until evicted or flushed). */
  maxAgeMs?: number;
  /** Results in an answer: the size of the cache's reply. */
  k: number;
  /** Whether the trip to the cache costs network time (false for a synthetic service, as for the router). */
  hops: boolean;
  hardware: HardwarePreset;
}

/** lru-cache allocates its slots up front, so the cache is capped where that stays a few hundred MiB. */
export const MAX_RESULT_CACHE_ENTRIES = 10_000_000;

/**
 * A result cache in front of a serving model (the 1999 design: cache servers in front of the index
 * servers, Dean's WSDM 2009 keynote; Barroso, Dean and Hölzle 2003 name query caching too): a query whose
 * key it holds is answered after one round trip to it and one request's CPU, without fanning out; a miss
 * goes to the cluster, and its answer is kept once it is complete (a partial answer, coverage below 1,
 * is not). A new index going live flushes it, and answers still in flight then are not kept: they were
 * computed on the old index. The cache servers are not modelled as queues: a lookup is one hash probe.
 *
 * Entries are counted, not sized (an answer is k document ids: the same bytes for every query), with
 * the lru-cache package. Ages are read from the simulation's clock, never from lru-cache's own timer.
 */
export class ResultCache implements ServingModel {
  readonly shards: number;
  readonly replicas: number;
  readonly machines: number;
  readonly hardware: HardwarePreset;
  private readonly lru: LRUCache<string, CachedAnswer>;
  /** Every key seen: whether a query repeats an earlier one (the infinite cache's hit). */
  private readonly seen = new Set<string>();
  /** Bumped by a flush, so an answer computed before it is not kept after it. */
  private generation = 0;
  private readonly flushesAtMs: number[] = [];
  private readonly replyMs: number;
  private readonly lookupMs: number;

  constructor(
    private readonly clock: Clock,
    private readonly inner: ServingModel,
    private readonly options: ResultCacheOptions,
  ) {
    const o = options;
    if (!(Number.isInteger(o.entries) && o.entries >= 1 && o.entries <= MAX_RESULT_CACHE_ENTRIES)) {
      throw errors.option('router.resultCache.entries', `a whole number from 1 to ${MAX_RESULT_CACHE_ENTRIES}`, o.entries);
    }
    if (o.maxAgeMs !== undefined && !(o.maxAgeMs > 0 && o.maxAgeMs < Infinity)) throw errors.option('router.resultCache.maxAgeS', 'a positive number of seconds', o.maxAgeMs / 1000);
    this.shards = inner.shards;
    this.replicas = inner.replicas;
    this.machines = inner.machines;
    this.hardware = inner.hardware;
    this.lru = new LRUCache<string, CachedAnswer>({ max: o.entries });
    this.replyMs = o.hops ? networkMs(o.hardware.network, MESSAGE_OVERHEAD_BYTES + o.k * HIT_BYTES) : 0;
    // A lookup is one request handled, the per-request CPU of the era's profile.
    this.lookupMs = o.hardware.cpu.nsPerRequest / 1e6;
  }

  submit(q: PreparedQuery, onDone: (o: QueryOutcome) => void): void {
    const key = q.resultKey;
    if (key === undefined) {
      this.inner.submit(q, onDone);
      return;
    }
    const nowMs = this.clock.nowMs;
    const repeats = this.seen.has(key);
    if (!repeats) this.seen.add(key);
    const kept = this.lru.get(key);
    if (kept !== undefined) {
      if (this.options.maxAgeMs === undefined || nowMs - kept.computedAtMs <= this.options.maxAgeMs) {
        onDone(this.hit(q, nowMs, kept));
        return;
      }
      this.lru.delete(key);
    }
    const generation = this.generation;
    this.inner.submit(q, (o) => {
      o.repeatsEarlier = repeats;
      if (o.coverage === 1) {
        const answer: CachedAnswer = { computedAtMs: o.arrivalMs, hitIds: q.work?.hitIds };
        // Kept when the answer exists, not when the simulation first knows it.
        this.clock.at(Math.max(this.clock.nowMs, o.doneMs), () => {
          if (this.generation === generation) this.lru.set(key, answer);
        });
      }
      onDone(o);
    });
  }

  /** The cache's answer: the query's trip to it and the reply's back, and one lookup. */
  private hit(q: PreparedQuery, nowMs: number, answer: CachedAnswer): QueryOutcome {
    const netMs = this.options.hops ? networkMs(this.options.hardware.network, MESSAGE_OVERHEAD_BYTES + q.termCount * QUERY_BYTES_PER_TERM) + this.replyMs : 0;
    const serviceMs = netMs + this.lookupMs;
    return {
      seq: q.seq,
      arrivalMs: nowMs,
      doneMs: nowMs + serviceMs,
      serviceMs,
      seeks: 0,
      bytesRead: 0,
      postingsDecoded: 0,
      energyJ: busyJoules(this.options.hardware.cpu.wattsPerCore, this.lookupMs),
      cacheLookups: 0,
      cacheHits: 0,
      failedLeaves: 0,
      coverage: 1,
      path: { networkMs: netMs, seekMs: 0, rotationMs: 0, transferMs: 0, cpuMs: this.lookupMs, mergeMs: 0, rankMs: 0 },
      mostLeavesDoneMs: NaN,
      allLeavesDoneMs: NaN,
      cachedAnswer: answer,
      repeatsEarlier: true,
    };
  }

  /** A new index is live: every kept answer is stale. */
  indexWentLive(): void {
    this.lru.clear();
    this.generation++;
    this.flushesAtMs.push(this.clock.nowMs);
    this.inner.indexWentLive();
  }

  chargeCpu(machine: number, nowMs: number, cpuMs: number): number {
    return this.inner.chargeCpu(machine, nowMs, cpuMs);
  }
  chargeDisk(machine: number, nowMs: number, ioMs: number): number {
    return this.inner.chargeDisk(machine, nowMs, ioMs);
  }
  setOutOfRotation(outOfRotation: ((replica: number, nowMs: number) => boolean) | null): void {
    this.inner.setOutOfRotation(outOfRotation);
  }
  startMeasuring(): void {
    this.inner.startMeasuring();
  }
  stopMeasuring(): void {
    this.inner.stopMeasuring();
  }
  figures(startMs: number, endMs: number): ServingFigures {
    return {
      ...this.inner.figures(startMs, endMs),
      resultCache: { entries: this.options.entries, maxAgeMs: this.options.maxAgeMs ?? null, flushesAtMs: this.flushesAtMs.slice() },
    };
  }
}
