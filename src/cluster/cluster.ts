import { errors, invariant, type Rng } from '../core/index.ts';
import {
  HIT_BYTES,
  MESSAGE_OVERHEAD_BYTES,
  QUERY_BYTES_PER_TERM,
  busyJoules,
  byteJoules,
  diskReadMs,
  memoryReadMs,
  mergeCpuMs,
  networkMs,
  type HardwarePreset,
} from '../hardware/index.ts';
import type { Simulation } from '../sim/index.ts';
import { ByteLru, type BufferCache } from './bufferCache.ts';
import { replicaSelector, type ReplicaSelector, type SelectionPolicy } from './selection.ts';
import { newLeafDemand, type LeafDemand, type PreparedQuery, type ServiceModel } from './service.ts';
import { Outstanding, StationBank } from './stations.ts';

export type IndexMode = 'disk' | 'memory';
export const INDEX_MODES: readonly IndexMode[] = ['disk', 'memory'];

export interface ClusterOptions {
  shards: number;
  replicas: number;
  mode: IndexMode;
  hardware: HardwarePreset;
  /** Cores per machine (default: the CPU profile's). */
  cores: number;
  /** Disks per machine; posting lists are spread over them by term. */
  disks: number;
  selection: SelectionPolicy;
  /** Buffer cache per machine in disk mode (default: RAM less the reserve). */
  cacheBytes: number;
  /**
   * Whether network hops and the router's merge cost time. True for the index service; a synthetic
   * service's distribution stands for the whole leaf request, so closed forms apply exactly.
   */
  hops: boolean;
}

/** What happened to one query. Times are virtual milliseconds. */
export interface QueryOutcome {
  seq: number;
  arrivalMs: number;
  doneMs: number;
  /** Time in service along the critical path: network, disk, CPU and merge, without queueing. */
  serviceMs: number;
  seeks: number;
  bytesRead: number;
  postingsDecoded: number;
  energyJ: number;
  cacheLookups: number;
  cacheHits: number;
}

/** A leaf waiting for its reads, pooled so the disk path allocates nothing per leaf. */
class CpuStage {
  f: InFlight | null = null;
  machine = 0;
  cpuMs = 0;
  netBackMs = 0;
  serviceMs = 0;
  hits = 0;
}

interface InFlight {
  q: PreparedQuery;
  arrivalMs: number;
  netOutMs: number;
  pending: number;
  maxDoneMs: number;
  criticalServiceMs: number;
  hits: number;
  out: QueryOutcome;
  onDone: (o: QueryOutcome) => void;
}

/**
 * S shards x R replicas of modelled machines (DESIGN.md section 4). A query reaches every shard's leaf
 * after one network hop, on the replica the selection policy picks; each leaf reads its posting lists
 * (from RAM in memory mode; in disk mode through the machine's buffer cache, misses queue FIFO at a disk
 * arm: seek, half a rotation, transfer), then takes a core for decoding and scoring; the answer comes
 * back after another hop and the router merges all shards' hits. The router tier itself is not a
 * bottleneck here: merging costs CPU time but does not queue.
 */
export class Cluster {
  readonly machines: number;
  readonly cores: StationBank;
  readonly disks: StationBank;
  private readonly caches: BufferCache[];
  private readonly selector: ReplicaSelector;
  private readonly outstanding: Outstanding;
  private readonly demand: LeafDemand = newLeafDemand(256);
  private readonly diskMs: Float64Array;
  /** Measured busy time per shard (CPU + disk), for imbalance. */
  readonly shardBusyMs: Float64Array;
  /** The replica-load callback, made once: outstanding requests at replica r of the shard being routed. */
  private loadBase = 0;
  private loadNowMs = 0;
  private readonly load = (r: number): number => this.outstanding.count(this.loadBase + r, this.loadNowMs);
  /** Network time of a leaf's reply, by hit count (memoised: it is on every leaf's path). */
  private readonly replyMsByHits: number[] = [];
  private replyMs(hits: number): number {
    let v = this.replyMsByHits[hits];
    if (v === undefined) this.replyMsByHits[hits] = v = networkMs(this.options.hardware.network, MESSAGE_OVERHEAD_BYTES + hits * HIT_BYTES);
    return v;
  }
  /** Only load-aware policies need outstanding requests counted. */
  private readonly tracksLoad: boolean;
  private readonly stagePool: CpuStage[] = [];

  constructor(
    private readonly sim: Simulation,
    readonly options: ClusterOptions,
    private readonly service: ServiceModel,
    rng: Rng,
  ) {
    const o = options;
    for (const [k, v] of [['cluster.shards', o.shards], ['cluster.replicas', o.replicas], ['cluster.coresPerMachine', o.cores], ['cluster.disksPerMachine', o.disks]] as const) {
      if (!Number.isInteger(v) || v < 1) throw errors.option(k, 'a positive integer', v);
    }
    this.machines = o.shards * o.replicas;
    this.cores = new StationBank(this.machines, o.cores);
    this.disks = new StationBank(this.machines * o.disks, 1);
    this.caches =
      o.mode === 'disk' && o.cacheBytes > 0
        ? Array.from({ length: this.machines }, () => new ByteLru(o.cacheBytes))
        : [];
    this.selector = replicaSelector(o.selection, o.shards, rng.fork('replica-selection'));
    this.outstanding = new Outstanding(this.machines);
    this.tracksLoad = o.replicas > 1 && (o.selection === 'least-outstanding' || o.selection === 'power-of-two');
    this.diskMs = new Float64Array(o.disks);
    this.shardBusyMs = new Float64Array(o.shards);
  }

  /** Busy time updates cost, while measuring (CPU and disk, all machines). */
  updateBusyMs = 0;
  /** Replicas that may not serve (a batch rollout reloading them); set by an update policy. */
  outOfRotation: ((replica: number, nowMs: number) => boolean) | null = null;

  /** Charges CPU work that is not a query (applying an update) at `nowMs`; returns when it ends. */
  chargeCpu(machine: number, nowMs: number, cpuMs: number): number {
    if (this.measuring) this.updateBusyMs += cpuMs;
    return this.cores.serve(machine, nowMs, cpuMs);
  }
  /** Charges disk work that is not a query on the machine's first disk; returns when it ends. */
  chargeDisk(machine: number, nowMs: number, ioMs: number): number {
    if (this.measuring) this.updateBusyMs += ioMs;
    return this.disks.serve(machine * this.options.disks, nowMs, ioMs);
  }

  /** Starts the measured window now: busy time from here on counts, the warm-up's backlog included. */
  startMeasuring(): void {
    this.cores.resetMeasures(this.sim.nowMs);
    this.disks.resetMeasures(this.sim.nowMs);
    this.shardBusyMs.fill(0);
    this.updateBusyMs = 0;
  }
  /** Stops booking busy time (the warm-up, or changes after the last query). */
  stopMeasuring(): void {
    this.cores.stopMeasures();
    this.disks.stopMeasures();
  }
  private get measuring(): boolean {
    return this.cores.measuring;
  }

  /** A query arrives at the router now; `onDone` runs (at some virtual time) with its outcome. */
  submit(q: PreparedQuery, onDone: (o: QueryOutcome) => void): void {
    const hw = this.options.hardware;
    const arrivalMs = this.sim.nowMs;
    const netOutMs = this.options.hops ? networkMs(hw.network, MESSAGE_OVERHEAD_BYTES + q.termCount * QUERY_BYTES_PER_TERM) : 0;
    const f: InFlight = {
      q,
      arrivalMs,
      netOutMs,
      pending: this.options.shards,
      maxDoneMs: arrivalMs,
      criticalServiceMs: 0,
      hits: 0,
      out: { seq: q.seq, arrivalMs, doneMs: 0, serviceMs: 0, seeks: 0, bytesRead: 0, postingsDecoded: 0, energyJ: 0, cacheLookups: 0, cacheHits: 0 },
      onDone,
    };
    // Every leaf receives the query one hop later; handling them all at that instant keeps each
    // station's arrivals in time order.
    if (netOutMs === 0) {
      for (let s = 0; s < this.options.shards; s++) this.leaf(f, s);
    } else {
      this.sim.schedule(netOutMs, () => {
        for (let s = 0; s < this.options.shards; s++) this.leaf(f, s);
      });
    }
  }

  private leaf(f: InFlight, shard: number): void {
    const o = this.options;
    const hw = o.hardware;
    const now = this.sim.nowMs;
    const R = o.replicas;
    let replica = 0;
    if (R > 1) {
      this.loadBase = shard * R;
      this.loadNowMs = now;
      replica = this.selector.choose(shard, R, this.load);
      // A replica out of rotation passes the request to the next one in rotation.
      if (this.outOfRotation) for (let i = 0; i < R && this.outOfRotation(replica, now); i++) replica = (replica + 1) % R;
    }
    const machine = shard * R + replica;
    const d = this.demand;
    this.service.demand(f.q, shard, d);

    let memBytes = 0;
    let seeks = 0;
    let diskBytes = 0;
    let diskBusy = 0;
    const diskMs = this.diskMs;
    if (o.disks === 1) diskMs[0] = 0;
    else diskMs.fill(0);
    if (o.mode === 'memory' || this.caches.length === 0) {
      for (let i = 0; i < d.reads; i++) {
        if (o.mode === 'memory') memBytes += d.readBytes[i] * d.touchedShare;
        else {
          diskMs[d.readKeys[i] % o.disks] += diskReadMs(hw.disk, d.readBytes[i]);
          seeks++;
          diskBytes += d.readBytes[i];
        }
      }
    } else {
      const cache = this.caches[machine];
      f.out.cacheLookups += d.reads;
      for (let i = 0; i < d.reads; i++) {
        const key = d.readKeys[i];
        const bytes = d.readBytes[i];
        // Cached from the moment it is asked for: a request arriving during the read counts as a hit.
        if (cache.access(key, Math.max(1, Math.ceil(bytes)))) {
          f.out.cacheHits++;
          memBytes += bytes * d.touchedShare;
        } else {
          diskMs[key % o.disks] += diskReadMs(hw.disk, bytes);
          seeks++;
          diskBytes += bytes;
        }
      }
    }
    const cpuMs = d.cpuMs + memoryReadMs(hw.memory, memBytes);
    let diskEndMs = now;
    let diskServiceMs = 0;
    for (let k = 0; k < o.disks; k++) {
      if (diskMs[k] <= 0) continue;
      const end = this.disks.serve(machine * o.disks + k, now, diskMs[k]);
      diskBusy += diskMs[k];
      if (end > diskEndMs) diskEndMs = end;
      if (diskMs[k] > diskServiceMs) diskServiceMs = diskMs[k];
    }
    const out = f.out;
    out.seeks += seeks;
    out.bytesRead += diskBytes;
    out.postingsDecoded += d.postingsDecoded;
    out.energyJ +=
      busyJoules(hw.cpu.wattsPerCore, cpuMs) +
      busyJoules(hw.disk.activeWatts, diskBusy) +
      byteJoules(hw.disk.pjPerByte, diskBytes) +
      byteJoules(hw.memory.pjPerByte, memBytes);
    if (this.measuring) this.shardBusyMs[shard] += cpuMs + diskBusy;
    const hits = d.hits;
    const netBackMs = o.hops ? this.replyMs(hits) : 0;
    const serviceMs = f.netOutMs + diskServiceMs + cpuMs + netBackMs;

    if (diskEndMs <= now) {
      const doneMs = this.cores.serve(machine, now, cpuMs) + netBackMs;
      if (this.tracksLoad) this.outstanding.resolve(machine, doneMs, false);
      this.leafDone(f, doneMs, serviceMs, hits);
    } else {
      // The CPU stage starts when the reads finish: an event then keeps the cores' arrivals in order.
      if (this.tracksLoad) this.outstanding.addUnknown(machine);
      const st = this.stagePool.pop() ?? new CpuStage();
      st.f = f;
      st.machine = machine;
      st.cpuMs = cpuMs;
      st.netBackMs = netBackMs;
      st.serviceMs = serviceMs;
      st.hits = hits;
      this.sim.atWith(diskEndMs, this.cpuStage, st);
    }
  }

  /** The CPU stage of a leaf whose posting lists came from disk: runs when its reads finish. */
  private readonly cpuStage = (st: CpuStage): void => {
    const doneMs = this.cores.serve(st.machine, this.sim.nowMs, st.cpuMs) + st.netBackMs;
    if (this.tracksLoad) this.outstanding.resolve(st.machine, doneMs, true);
    const f = st.f!;
    st.f = null;
    this.stagePool.push(st);
    this.leafDone(f, doneMs, st.serviceMs, st.hits);
  };

  private leafDone(f: InFlight, doneMs: number, serviceMs: number, hits: number): void {
    if (doneMs >= f.maxDoneMs) {
      f.maxDoneMs = doneMs;
      f.criticalServiceMs = serviceMs;
    }
    f.hits += hits;
    invariant(f.pending > 0, 'leaf answered twice');
    if (--f.pending > 0) return;
    const mergeMs = this.options.hops ? mergeCpuMs(this.options.hardware.cpu, f.hits) : 0;
    f.out.doneMs = f.maxDoneMs + mergeMs;
    f.out.serviceMs = f.criticalServiceMs + mergeMs;
    f.out.energyJ += busyJoules(this.options.hardware.cpu.wattsPerCore, mergeMs);
    f.onDone(f.out);
  }

  /** Busy share of cores and disks per machine over the measured window [startMs, endMs]. */
  utilisation(startMs: number, endMs: number): { cpu: Float64Array; disk: Float64Array } {
    const o = this.options;
    const windowMs = endMs - startMs;
    const cpu = new Float64Array(this.machines);
    const disk = new Float64Array(this.machines);
    if (!(windowMs > 0)) return { cpu, disk };
    for (let m = 0; m < this.machines; m++) {
      cpu[m] = busyShare(this.cores.busyWithinMs(m, endMs) / (o.cores * windowMs));
      let b = 0;
      for (let k = 0; k < o.disks; k++) b += this.disks.busyWithinMs(m * o.disks + k, endMs);
      disk[m] = busyShare(b / (o.disks * windowMs));
    }
    return { cpu, disk };
  }
}

/** A saturated server is busy for the whole window give or take the last bits of a sum of service times:
 * shown as 1. Anything further past 1 is left as it is, so that a booking error shows. */
function busyShare(x: number): number {
  return x > 1 && x < 1 + 1e-9 ? 1 : x;
}
