import { errors } from '../core/index.ts';
import { diskReadMs } from '../hardware/index.ts';
import type { UpdateCharges } from './serving.ts';

/**
 * How a change reaches the serving machines: the update-policy seam (contract:
 * tests/cluster/updatePolicy.contract.test.ts). A policy either knows at once when a change becomes
 * visible (batch), or names a commit time at which, in time order, it charges the machines and learns
 * when the change is visible on every replica (incremental).
 */
export interface UpdatePolicy {
  readonly kind: 'batch' | 'incremental';
  /** For a change made at `changeMs`: when it is visible, or when its commit must run. */
  schedule(changeMs: number): { visibleMs: number } | { commitMs: number };
  /**
   * Runs at the commit time (the simulation's now): charges applying one change of `terms` distinct terms
   * to every replica of `shard`, and returns when the last replica has applied it.
   */
  commit(machines: UpdateCharges, shard: number, terms: number, nowMs: number): number;
  /** Whether a replica is out of rotation (being reloaded) at `nowMs`. */
  outOfRotation(replica: number, nowMs: number): boolean;
  /** The first instant after `afterMs` at which a new index is live on every replica (Infinity: never one). */
  nextLiveMs(afterMs: number): number;
  /**
   * How old the served index's snapshot is at the start of the run: changes in that window, before
   * the change stream starts, are not in the index either. 0 for incremental updates.
   */
  snapshotAgeMs(): number;
}

export interface BatchUpdates {
  kind: 'batch';
  /** A rebuild starts every period; changes made before it start are in it. */
  periodDays: number;
  /** Building the whole index. */
  buildHours: number;
  /** Where in the cycle the run starts (days after a rebuild started). Default half a period. */
  phaseDays?: number;
}
export interface IncrementalUpdates {
  kind: 'incremental';
  /** Crawl, parse and index: from a change to its commit on the serving machines. */
  delayS: number;
}
export type UpdatePolicySpec = BatchUpdates | IncrementalUpdates;

export interface UpdateCostInputs {
  shards: number;
  replicas: number;
  mode: 'disk' | 'memory';
  /** Modelled index bytes one shard holds. */
  shardIndexBytes: number;
  /** Mean modelled bytes of one posting list on a shard (what an in-place update rewrites on disk). */
  meanListBytes: number;
  /** Modelled changes each real change stands for. */
  weight: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Rebuild every period: a change waits for the next rebuild to start, the build, then a rollout one
 * replica at a time; a replica being reloaded (its shard's index read from disk at the transfer rate) is
 * out of rotation, so capacity drops by 1/R meanwhile.
 */
export class BatchPolicy implements UpdatePolicy {
  readonly kind = 'batch' as const;
  private readonly periodMs: number;
  private readonly buildMs: number;
  private readonly phaseMs: number;
  readonly reloadMs: number;
  constructor(
    spec: BatchUpdates,
    private readonly cost: UpdateCostInputs,
    transferBytesPerMs: number,
  ) {
    if (!(spec.periodDays > 0)) throw errors.option('updates.policy.periodDays', 'a positive number', spec.periodDays);
    if (!(spec.buildHours >= 0)) throw errors.option('updates.policy.buildHours', 'a number >= 0', spec.buildHours);
    this.periodMs = spec.periodDays * DAY_MS;
    this.buildMs = spec.buildHours * HOUR_MS;
    this.phaseMs = (spec.phaseDays ?? spec.periodDays / 2) * DAY_MS;
    if (!(this.phaseMs >= 0 && this.phaseMs < this.periodMs)) throw errors.option('updates.policy.phaseDays', 'a number from 0 to below periodDays', spec.phaseDays);
    this.reloadMs = cost.shardIndexBytes / transferBytesPerMs;
  }
  /** Start of the rollout that follows the rebuild started at `cutoffMs` (run time). */
  private rolloutStart(cutoffMs: number): number {
    return cutoffMs + this.buildMs;
  }
  /** Run time of the start of cycle c (rebuild c starts then; the run starts at `phaseMs` into cycle 0). */
  private cycleStart(c: number): number {
    return c * this.periodMs - this.phaseMs;
  }
  schedule(changeMs: number): { visibleMs: number } {
    const next = Math.floor((changeMs + this.phaseMs) / this.periodMs) + 1;
    return { visibleMs: this.rolloutStart(this.cycleStart(next)) + this.cost.replicas * this.reloadMs };
  }
  commit(): number {
    throw new Error('batch updates have no commit');
  }
  /** A rollout ends when its last replica is reloaded: the instant every change of its cycle is visible. */
  nextLiveMs(afterMs: number): number {
    const liveOf = (c: number): number => this.rolloutStart(this.cycleStart(c)) + this.cost.replicas * this.reloadMs;
    let c = Math.floor((afterMs + this.phaseMs) / this.periodMs);
    while (liveOf(c - 1) > afterMs) c--;
    while (liveOf(c) <= afterMs) c++;
    return liveOf(c);
  }
  /** The rebuild whose rollout last completed before the run took its snapshot then. */
  snapshotAgeMs(): number {
    let c = 0;
    while (this.rolloutStart(this.cycleStart(c)) + this.cost.replicas * this.reloadMs > 0) c--;
    return -this.cycleStart(c);
  }
  outOfRotation(replica: number, nowMs: number): boolean {
    if (this.cost.replicas === 1) return false;
    const cycle = Math.floor((nowMs + this.phaseMs) / this.periodMs);
    for (const c of [cycle, cycle - 1]) {
      const start = this.rolloutStart(this.cycleStart(c)) + replica * this.reloadMs;
      if (nowMs >= start && nowMs < start + this.reloadMs) return true;
    }
    return false;
  }
}

/**
 * Each change reaches every replica of its shard after the pipeline delay and is applied there, at a cost
 * that competes with queries: in memory, CPU (a dictionary lookup and a posting insert per term, plus a
 * request); on disk, a read-modify-write of each affected posting list (two random I/Os moving the list).
 *
 * A real change stands for `weight` modelled changes. One of them is the real document's own, applied
 * on its shard; the others belong to other modelled documents, which the partition spreads over every
 * shard, so each shard takes (weight - 1) / shards of them. Charging them all on the real document's
 * shard would pile the modelled stream's whole skew on the few shards holding the sample's volatile
 * documents (one machine of 1,200 58 % busy on updates against 0.1 % on the mean, in the 2001 preset).
 */
export class IncrementalPolicy implements UpdatePolicy {
  readonly kind = 'incremental' as const;
  private readonly delayMs: number;
  constructor(
    spec: IncrementalUpdates,
    private readonly cost: UpdateCostInputs,
  ) {
    if (!(spec.delayS >= 0)) throw errors.option('updates.policy.delayS', 'a number >= 0', spec.delayS);
    this.delayMs = spec.delayS * 1000;
  }
  schedule(changeMs: number): { commitMs: number } {
    return { commitMs: changeMs + this.delayMs };
  }
  commit(machines: UpdateCharges, shard: number, terms: number, nowMs: number): number {
    const { shards, replicas, weight } = this.cost;
    const ownChanges = Math.min(1, weight);
    const spreadChanges = Math.max(0, weight - 1) / shards;
    const unitMs = this.unitMs(machines, terms);
    let visible = nowMs;
    for (let s = 0; s < shards; s++) {
      const changes = spreadChanges + (s === shard ? ownChanges : 0);
      if (changes === 0) continue;
      for (let r = 0; r < replicas; r++) {
        const machine = s * replicas + r;
        const end = this.cost.mode === 'memory' ? machines.chargeCpu(machine, nowMs, unitMs * changes) : machines.chargeDisk(machine, nowMs, unitMs * changes);
        if (s === shard && end > visible) visible = end;
      }
    }
    return visible;
  }
  /** Applying one change of `terms` distinct terms on one replica: CPU ms in memory, disk ms on disk. */
  private unitMs(machines: UpdateCharges, terms: number): number {
    const hw = machines.hardware;
    if (this.cost.mode === 'memory') return (terms * 2 * hw.cpu.nsPerTerm + hw.cpu.nsPerRequest) / 1e6;
    return terms * 2 * diskReadMs(hw.disk, this.cost.meanListBytes);
  }
  outOfRotation(): boolean {
    return false;
  }
  /** Changes go live one by one; no whole index ever does. */
  nextLiveMs(): number {
    return Infinity;
  }
  snapshotAgeMs(): number {
    return 0;
  }
}

export function updatePolicy(spec: UpdatePolicySpec, cost: UpdateCostInputs, transferBytesPerMs: number): UpdatePolicy {
  return spec.kind === 'batch' ? new BatchPolicy(spec, cost, transferBytesPerMs) : new IncrementalPolicy(spec, cost);
}
