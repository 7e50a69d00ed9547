import { invariant } from '../core/index.ts';
import { HIT_BYTES, MESSAGE_OVERHEAD_BYTES, QUERY_BYTES_PER_TERM, busyJoules, mergeCpuMs, networkMs, type HardwarePreset } from '../hardware/index.ts';
import type { Clock } from '../sim/index.ts';
import { LeafCharge, type LeafListener, type MachineBank } from './machines.ts';
import type { ReplicaSelector } from './selection.ts';
import type { QueryOutcome } from './serving.ts';
import { newLeafDemand, type LeafDemand, type PreparedQuery, type ServiceModel } from './service.ts';
import { Outstanding } from './stations.ts';

export interface RouterOptions {
  shards: number;
  replicas: number;
  hardware: HardwarePreset;
  /**
   * Whether network hops and the merge cost time. True for the index service; a synthetic service's
   * distribution stands for the whole leaf request, so closed forms apply exactly.
   */
  hops: boolean;
}

/** One query between its arrival at the router and its answer. */
interface InFlight {
  q: PreparedQuery;
  netOutMs: number;
  pending: number;
  maxDoneMs: number;
  /** The last leaf to answer so far: its service time, by kind. */
  critical: LeafPath;
  hits: number;
  out: QueryOutcome;
  onDone: (o: QueryOutcome) => void;
}

/** A leaf's service time by kind. */
class LeafPath {
  serviceMs = 0;
  networkMs = 0;
  seekMs = 0;
  rotationMs = 0;
  transferMs = 0;
  cpuMs = 0;
  copy(p: LeafPath): void {
    this.serviceMs = p.serviceMs;
    this.networkMs = p.networkMs;
    this.seekMs = p.seekMs;
    this.rotationMs = p.rotationMs;
    this.transferMs = p.transferMs;
    this.cpuMs = p.cpuMs;
  }
}

const NO_PATH = new LeafPath();

/** A leaf request whose end the machine will tell later (pooled). */
export class PendingLeaf {
  f: InFlight | null = null;
  machine = 0;
  netBackMs = 0;
  readonly path = new LeafPath();
  hits = 0;
}

/**
 * The router (docs/DESIGN.md section 4): a query reaches every shard's leaf after one network hop, on the
 * replica the selection policy picks (passing over replicas out of rotation); each leaf's answer comes
 * back after another hop, and the router merges all shards' hits. The router itself is not a bottleneck:
 * merging costs CPU time on the critical path but does not queue.
 */
export class Router implements LeafListener<PendingLeaf> {
  private machinesBank: MachineBank<PendingLeaf> | null = null;
  private readonly demand: LeafDemand = newLeafDemand(256);
  private readonly charge = new LeafCharge();
  private readonly outstanding: Outstanding;
  /** Only load-aware policies need outstanding requests counted. */
  private readonly tracksLoad: boolean;
  private readonly pendingPool: PendingLeaf[] = [];
  /** Measured busy time per shard (CPU + disk), for imbalance. */
  readonly shardBusyMs: Float64Array;
  /** Replicas that may not serve (a batch rollout reloading them). */
  outOfRotation: ((replica: number, nowMs: number) => boolean) | null = null;
  /** The replica-load callback, made once: outstanding requests at replica r of the shard being routed. */
  private loadBase = 0;
  private loadNowMs = 0;
  private readonly load = (r: number): number => this.outstanding.count(this.loadBase + r, this.loadNowMs);
  /** Network time of a leaf's reply, by hit count (memoised: it is on every leaf's path). */
  private readonly replyMsByHits: number[] = [];

  constructor(
    private readonly clock: Clock,
    readonly options: RouterOptions,
    private readonly service: ServiceModel,
    private readonly selector: ReplicaSelector,
  ) {
    const machines = options.shards * options.replicas;
    this.outstanding = new Outstanding(machines);
    this.tracksLoad = options.replicas > 1 && selector.usesLoad;
    this.shardBusyMs = new Float64Array(options.shards);
  }

  /** The machines the router sends leaf requests to (their listener is this router). */
  attach(machines: MachineBank<PendingLeaf>): void {
    this.machinesBank = machines;
  }

  private get machines(): MachineBank<PendingLeaf> {
    return this.machinesBank!;
  }

  private replyMs(hits: number): number {
    let v = this.replyMsByHits[hits];
    if (v === undefined) this.replyMsByHits[hits] = v = networkMs(this.options.hardware.network, MESSAGE_OVERHEAD_BYTES + hits * HIT_BYTES);
    return v;
  }

  /** A query arrives at the router now; `onDone` runs (at some virtual time) with its outcome. */
  submit(q: PreparedQuery, onDone: (o: QueryOutcome) => void): void {
    const arrivalMs = this.clock.nowMs;
    const netOutMs = this.options.hops ? networkMs(this.options.hardware.network, MESSAGE_OVERHEAD_BYTES + q.termCount * QUERY_BYTES_PER_TERM) : 0;
    const f: InFlight = {
      q,
      netOutMs,
      pending: this.options.shards,
      maxDoneMs: arrivalMs,
      critical: new LeafPath(),
      hits: 0,
      out: {
        seq: q.seq,
        arrivalMs,
        doneMs: 0,
        serviceMs: 0,
        seeks: 0,
        bytesRead: 0,
        postingsDecoded: 0,
        energyJ: 0,
        cacheLookups: 0,
        cacheHits: 0,
        failedLeaves: 0,
        path: { networkMs: 0, seekMs: 0, rotationMs: 0, transferMs: 0, cpuMs: 0, mergeMs: 0 },
      },
      onDone,
    };
    // Every leaf receives the query one hop later; handling them all at that instant keeps each
    // station's arrivals in time order.
    if (netOutMs === 0) this.fanOut(f);
    else this.clock.atWith(arrivalMs + netOutMs, this.fanOut, f);
  }

  private readonly fanOut = (f: InFlight): void => {
    for (let s = 0; s < this.options.shards; s++) this.leaf(f, s);
  };

  /** The replica of `shard` that serves a request now: the policy's pick, or the next one in rotation. */
  private replicaFor(shard: number, nowMs: number): number {
    const R = this.options.replicas;
    if (R === 1) return 0;
    this.loadBase = shard * R;
    this.loadNowMs = nowMs;
    let replica = this.selector.choose(shard, R, this.load);
    if (this.outOfRotation) for (let i = 0; i < R && this.outOfRotation(replica, nowMs); i++) replica = (replica + 1) % R;
    return replica;
  }

  private leaf(f: InFlight, shard: number): void {
    const now = this.clock.nowMs;
    const machine = shard * this.options.replicas + this.replicaFor(shard, now);
    const d = this.demand;
    this.service.demand(f.q, shard, d);
    const c = this.charge;
    const p = this.pendingPool.pop() ?? new PendingLeaf();
    p.f = f;
    p.machine = machine;
    const machineDoneMs = this.machines.request(machine, d, now, c, p);
    const out = f.out;
    out.seeks += c.seeks;
    out.bytesRead += c.diskBytes;
    out.postingsDecoded += d.postingsDecoded;
    out.energyJ += c.energyJ;
    out.cacheLookups += c.cacheLookups;
    out.cacheHits += c.cacheHits;
    if (this.machines.measuring) this.shardBusyMs[shard] += c.cpuMs + c.diskBusyMs;
    const hits = d.hits;
    const netBackMs = this.options.hops ? this.replyMs(hits) : 0;
    const path = p.path;
    path.serviceMs = f.netOutMs + c.diskServiceMs + c.cpuMs + netBackMs;
    path.networkMs = f.netOutMs + netBackMs;
    path.seekMs = c.seekMs;
    path.rotationMs = c.rotationMs;
    path.transferMs = c.transferMs;
    path.cpuMs = c.cpuMs;
    p.netBackMs = netBackMs;
    p.hits = hits;
    if (!Number.isNaN(machineDoneMs)) {
      // Known now (a Lindley station): the leaf is answered without an event.
      const doneMs = machineDoneMs + netBackMs;
      if (this.tracksLoad) this.outstanding.resolve(machine, doneMs, false);
      this.release(p, doneMs);
      return;
    }
    if (this.tracksLoad) this.outstanding.addUnknown(machine);
  }

  /** A leaf answered at `doneMs`: its record back to the pool, its answer to its query. */
  private release(p: PendingLeaf, doneMs: number): void {
    const f = p.f!;
    p.f = null;
    this.pendingPool.push(p);
    this.answered(f, doneMs, p.path, p.hits);
  }

  /** The machine answers a pending leaf at `machineDoneMs`. */
  leafDone(p: PendingLeaf, machineDoneMs: number): void {
    const doneMs = machineDoneMs + p.netBackMs;
    if (this.tracksLoad) this.outstanding.resolve(p.machine, doneMs, true);
    this.release(p, doneMs);
  }

  /** A pending leaf's machine failed: the shard is missing from this query's answer. */
  leafFailed(p: PendingLeaf, atMs: number): void {
    if (this.tracksLoad) this.outstanding.drop(p.machine);
    p.f!.out.failedLeaves++;
    p.hits = 0;
    p.path.copy(NO_PATH);
    this.release(p, atMs);
  }

  private answered(f: InFlight, doneMs: number, path: LeafPath, hits: number): void {
    if (doneMs >= f.maxDoneMs) {
      f.maxDoneMs = doneMs;
      f.critical.copy(path);
    }
    f.hits += hits;
    invariant(f.pending > 0, 'leaf answered twice');
    if (--f.pending > 0) return;
    const mergeMs = this.options.hops ? mergeCpuMs(this.options.hardware.cpu, f.hits) : 0;
    f.out.doneMs = f.maxDoneMs + mergeMs;
    f.out.serviceMs = f.critical.serviceMs + mergeMs;
    const critical = f.out.path;
    critical.networkMs = f.critical.networkMs;
    critical.seekMs = f.critical.seekMs;
    critical.rotationMs = f.critical.rotationMs;
    critical.transferMs = f.critical.transferMs;
    critical.cpuMs = f.critical.cpuMs;
    critical.mergeMs = mergeMs;
    f.out.energyJ += busyJoules(this.options.hardware.cpu.wattsPerCore, mergeMs);
    f.onDone(f.out);
  }
}
