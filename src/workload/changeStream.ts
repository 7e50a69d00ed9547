import type { PreparedQuery, UpdatePolicy } from '../cluster/index.ts';
import type { UpdateOp } from '../index/index.ts';
import { LatencyRecorder } from '../metrics/index.ts';
import { EventHeap } from '../sim/index.ts';
import type { OpenArrivals } from './arrivals.ts';
import type { ReplayRun } from './driver.ts';
import type { SourcedQuery } from './source.ts';
import { Staleness } from './staleness.ts';
import type { UpdateEvent } from './updates.ts';

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

/** How fresh the index was kept, and at what cost (docs/DESIGN.md section 4, Updates). */
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
  /**
   * Share of the documents measured queries returned whose served version was older than their latest
   * version at the query's arrival (changes made before the run are not in the stream, so this counts
   * staleness from the run's own changes only).
   */
  staleness: number;
  /** Documents returned by measured queries (the staleness denominator). */
  returnedDocs: number;
  /** Freshness by when changes were made: the run cut in equal stretches, each with its changes' p50 and p99. */
  overTime: { fromS: number; toS: number; changes: number; p50Ms: number; p99Ms: number }[];
  /** Share of all machines' time (cores and disks) spent applying changes, while measuring. */
  updateUtilisation: number;
}

/** The change stream's way to the machines and the real shards: commits and visibility instants by time. */
class ChangeSchedule {
  /** Changes waiting for their commit, and for their visibility (payload: index in the stream). */
  readonly commits = new EventHeap(1024);
  readonly visible = new EventHeap(1024);
  readonly freshness = new LatencyRecorder();
  /** Each change's time and freshness, for `overTime`. */
  readonly byChange: { changeMs: number; freshMs: number }[] = [];
  applied = 0;
  rejected = 0;
  pending = 0;

  constructor(
    private readonly u: ReplayUpdates,
    private readonly run: ReplayRun,
    private readonly staleness: Staleness,
  ) {
    u.events.forEach((e, ei) => {
      const changeMs = e.tS * 1000;
      const s = u.policy.schedule(changeMs);
      if ('visibleMs' in s) this.visibleAt(ei, changeMs, s.visibleMs);
      // Committed before the first query: history, applied at once, at no cost to the measured run.
      else if (s.commitMs <= 0) this.visibleAt(ei, changeMs, s.commitMs, 0);
      else this.commits.push(s.commitMs, ei);
    });
  }

  /** The real shards take a change visible at `visibleMs` then (or at the next batch instant). */
  private applyAt(visibleMs: number): number {
    return this.u.applyEveryMs > 0 ? Math.ceil(visibleMs / this.u.applyEveryMs) * this.u.applyEveryMs : visibleMs;
  }

  private visibleAt(ei: number, changeMs: number, visibleMs: number, appliedMs = this.applyAt(visibleMs)): void {
    this.freshness.record(visibleMs - changeMs);
    this.byChange.push({ changeMs, freshMs: visibleMs - changeMs });
    this.staleness.setVisible(ei, appliedMs);
    this.visible.push(appliedMs, ei);
  }

  get nextCommitMs(): number {
    return this.commits.size > 0 ? this.commits.peekTimeMs() : Infinity;
  }
  get nextVisibleMs(): number {
    return this.visible.size > 0 ? this.visible.peekTimeMs() : Infinity;
  }

  /** Commits the changes due by `tMs`: the policy charges the machines and says when each is visible. */
  commitDue(tMs: number): void {
    while (this.commits.size > 0 && this.commits.peekTimeMs() <= tMs) {
      const commitMs = this.commits.peekTimeMs();
      const ei = this.commits.pop();
      const e = this.u.events[ei];
      const v = this.u.policy.commit(this.run.serving, this.u.shardOf(e.id), this.u.termsOf(e), commitMs);
      this.visibleAt(ei, e.tS * 1000, v);
    }
  }

  /** Applies to the real shards every change visible by `tMs`. */
  async applyUpTo(tMs: number): Promise<void> {
    const ops: UpdateOp[] = [];
    while (this.visible.size > 0 && this.visible.peekTimeMs() <= tMs) ops.push(toOp(this.u.events[this.visible.pop()]));
    if (ops.length === 0) return;
    const r = await this.u.apply(ops);
    this.applied += ops.length;
    this.rejected += r.unknownDeletes.length;
  }

  /**
   * After the last query: changes still to commit take machine time and have a freshness (their work
   * falls outside the measured window); those visible by `lastQueryMs` are applied, the rest pending.
   */
  async finish(lastQueryMs: number): Promise<void> {
    const clock = this.run.clock;
    while (this.commits.size > 0) {
      const t = this.commits.peekTimeMs();
      await clock.advance(Math.max(clock.nowMs, t));
      this.commitDue(t);
    }
    await clock.advance();
    while (this.visible.size > 0) {
      if (this.visible.peekTimeMs() <= lastQueryMs) await this.applyUpTo(this.visible.peekTimeMs());
      else {
        this.visible.pop();
        this.pending++;
      }
    }
  }
}

function toOp(e: UpdateEvent): UpdateOp {
  return e.op === 'delete' ? { op: 'delete', id: e.id } : { op: 'upsert', id: e.id, text: e.text ?? '' };
}

/**
 * The open-loop driver when changes stream in: query arrivals, commits and visibility instants are
 * taken in time order; queries are prepared in chunks that never straddle a visibility instant, so a
 * query prepared after a change became visible sees it, and one before does not. Returns the freshness
 * figures but `updateUtilisation`, which needs the measured window.
 */
export async function driveWithUpdates(run: ReplayRun, u: ReplayUpdates, arrivals: OpenArrivals): Promise<Omit<FreshnessReport, 'updateUtilisation'>> {
  const { clock, queries } = run;
  const staleness = new Staleness(u.events, u.policy.snapshotAgeMs(), u.docRatePerMs, run.rng.fork('snapshot-staleness'));
  const changes = new ChangeSchedule(u, run, staleness);
  let staleHits = 0;
  let returnedHits = 0;
  const arrive = (q: PreparedQuery): void => {
    // Run ahead, a query's receipt names its documents; run as it arrives (live), its answer does.
    const fresh = q.work?.hitIds;
    if (q.seq < run.measuredFrom || (!fresh && !q.search)) {
      run.arrive(q);
      return;
    }
    const arrivalMs = clock.nowMs;
    // A result cache's answer was computed earlier, on the index as it was then.
    run.arrive(q, (o) => {
      const ids = o.cachedAnswer ? o.cachedAnswer.hitIds : (fresh ?? o.hitIds);
      if (!ids) return;
      returnedHits += ids.length;
      staleHits += staleness.staleAmong(ids, arrivalMs, o.cachedAnswer?.computedAtMs ?? arrivalMs);
    });
  };
  // A replica being reloaded by a rollout does not serve.
  if (u.policy.kind === 'batch') run.serving.setOutOfRotation((replica, nowMs) => u.policy.outOfRotation(replica, nowMs));
  await changes.applyUpTo(0);
  let nextLiveMs = u.policy.nextLiveMs(0);
  const ahead: { q: SourcedQuery; t: number }[] = [];
  for (;;) {
    while (ahead.length < queries.chunk) {
      const s = await queries.nextSourced();
      if (s === null) break;
      ahead.push({ q: s, t: arrivals.next(s.tS, s.where) });
    }
    if (ahead.length === 0) break;
    const nextCommit = changes.nextCommitMs;
    const nextVisible = changes.nextVisibleMs;
    const next = Math.min(ahead[0].t, nextCommit, nextVisible, nextLiveMs);
    if (nextLiveMs === next) {
      // A new index is live on every replica: what a result cache keeps from the old one is stale.
      await clock.advance(Math.max(clock.nowMs, next));
      run.serving.indexWentLive();
      nextLiveMs = u.policy.nextLiveMs(next);
      continue;
    }
    if (nextVisible === next) {
      await clock.advance(Math.max(clock.nowMs, next));
      await changes.applyUpTo(next);
      continue;
    }
    if (nextCommit === next) {
      await clock.advance(Math.max(clock.nowMs, next));
      changes.commitDue(next);
      continue;
    }
    const limit = Math.min(nextCommit, nextVisible, nextLiveMs);
    let n = 0;
    while (n < ahead.length && ahead[n].t < limit) n++;
    const batch = ahead.splice(0, n);
    const prepared = await queries.prepare(batch.map((b) => b.q));
    prepared.forEach((q, i) => clock.at(Math.max(batch[i].t, clock.nowMs), () => arrive(q)));
    await clock.advance(Math.max(clock.nowMs, batch[batch.length - 1].t));
  }
  await clock.advance();
  const lastQueryMs = clock.nowMs;
  run.serving.stopMeasuring();
  await changes.finish(lastQueryMs);
  const s = changes.freshness.summary();
  const overTime = freshnessOverTime(changes.byChange, lastQueryMs);
  return {
    policy: u.policy.kind,
    changes: u.events.length,
    applied: changes.applied,
    pending: changes.pending,
    rejected: changes.rejected,
    p50Ms: s.p50,
    p99Ms: s.p99,
    maxMs: s.max,
    appliedPerS: lastQueryMs > 0 ? (changes.applied / lastQueryMs) * 1000 : 0,
    staleness: returnedHits > 0 ? staleHits / returnedHits : 0,
    returnedDocs: returnedHits,
    overTime,
  };
}

/** Freshness of the changes made during the run (from 0 to its last query), in 20 equal stretches. */
function freshnessOverTime(byChange: readonly { changeMs: number; freshMs: number }[], endMs: number): FreshnessReport['overTime'] {
  const buckets = 20;
  if (!(endMs > 0)) return [];
  const widthMs = endMs / buckets;
  return Array.from({ length: buckets }, (_, b) => {
    const r = new LatencyRecorder();
    for (const c of byChange) if (c.changeMs >= b * widthMs && (c.changeMs < (b + 1) * widthMs || (b === buckets - 1 && c.changeMs <= endMs))) r.record(c.freshMs);
    const f = r.summary();
    return { fromS: (b * widthMs) / 1000, toS: ((b + 1) * widthMs) / 1000, changes: f.count, p50Ms: f.p50, p99Ms: f.p99 };
  });
}
