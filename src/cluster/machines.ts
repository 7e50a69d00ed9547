import { grown, invariant } from '../core/index.ts';
import { busyJoules, byteJoules, diskReadMs, memoryReadMs, type HardwarePreset } from '../hardware/index.ts';
import type { ArgCallback, Clock, EventHandle } from '../sim/index.ts';
import { ByteLru, accessPrefix, type BufferCache } from './bufferCache.ts';
import type { LeafDemand } from './service.ts';
import { StationBank, type StationListener, type StationRecord } from './stations.ts';

export type IndexMode = 'disk' | 'memory';
export const INDEX_MODES: readonly IndexMode[] = ['disk', 'memory'];

export interface MachineOptions {
  machines: number;
  /** Cores per machine: one FIFO station of that many servers. */
  cores: number;
  /** Disks per machine, each one FIFO arm; posting lists are spread over them by term. */
  disks: number;
  mode: IndexMode;
  hardware: HardwarePreset;
  /** Buffer cache per machine in disk mode (0: every read goes to disk). */
  cacheBytes: number;
  /**
   * Requests that can leave early and machines that can fail (see `MachineBank`). Off, a leaf's end is
   * known when it arrives and nothing can take it back: the fast path.
   */
  tracked?: boolean;
}

/** What one leaf request cost its machine, booked when it arrives: filled by `request`, read at once. */
export class LeafCharge {
  /** Core time: decoding and scoring, and reading memory-resident lists. */
  cpuMs = 0;
  /** Of `cpuMs`, a ranking funnel's re-ranking stage (scaled by the machine's slowdown too). */
  rerankMs = 0;
  /** Longest time one of the machine's disks spent on this request's reads (they run in parallel). */
  diskServiceMs = 0;
  /** Disk time over all the machine's disks. */
  diskBusyMs = 0;
  seeks = 0;
  diskBytes = 0;
  memBytes = 0;
  energyJ = 0;
  cacheLookups = 0;
  cacheHits = 0;
  /** Of the slowest disk's time (`diskServiceMs`): seeks, half rotations and transfer. */
  seekMs = 0;
  rotationMs = 0;
  transferMs = 0;
}

/** Who hears how leaf requests end. `T` is the caller's token for a request. */
export interface LeafListener<T> {
  /** The request ended on its machine at `doneMs` (later than the clock's now when the bank is not tracked). */
  leafDone(token: T, doneMs: number): void;
  /** It will not end: its machine went down at `atMs` (tracked banks only). */
  leafFailed(token: T, atMs: number): void;
  /** It started service at `atMs`: its first read or its core (tracked banks, requests asked to be watched). */
  leafStarted?(token: T, atMs: number): void;
}

/** A leaf whose reads are on disk, waiting for them before its CPU stage (pooled). */
class CpuStage<T> {
  token: T | null = null;
  machine = 0;
  cpuMs = 0;
}

const IDLE = 0;
const READING = 1;
const COMPUTING = 2;

/**
 * The modelled machines: each with its cores, disks and buffer cache, a speed and a health. A leaf
 * request reads its posting lists (from RAM in memory mode; in disk mode through the buffer cache, misses
 * queued FIFO at the disk arm holding the list: seek, half a rotation, transfer), then takes a core for
 * decoding and scoring.
 *
 * Plain (the default): stations are Lindley recursions, so a leaf whose lists need no disk read knows its
 * end at once (`request` returns it) and one that reads waits for one event, when its reads end. Tracked:
 * every request is remembered until it ends and ends at an event, so a request can be cancelled
 * (`cancel`) and a machine can go down and up (`down`, `up`): requests behind a departed one start
 * earlier, those on a failed machine fail. Without departures both give the same times
 * (tests/cluster/machines.test.ts).
 */
export class MachineBank<T> {
  readonly machines: number;
  readonly cores: StationBank;
  readonly disks: StationBank;
  private readonly caches: BufferCache[];
  /** Service-time multiplier per machine (1: as the profile says; 2: half as fast). */
  readonly slowdown: Float64Array;
  private slowMachines = false;
  private readonly diskMs: Float64Array;
  private readonly diskSeeks: Int32Array;
  private readonly stagePool: CpuStage<T>[] = [];
  private readonly track: LeafTracker<T> | null;
  /** Busy time updates cost, while measuring (CPU and disk, all machines). */
  updateBusyMs = 0;

  constructor(
    private readonly clock: Clock,
    readonly options: MachineOptions,
    private readonly listener: LeafListener<T>,
  ) {
    const o = options;
    this.machines = o.machines;
    const track = o.tracked ? new LeafTracker<T>(clock, listener) : null;
    this.cores = new StationBank(o.machines, o.cores, track?.coreListener);
    this.disks = new StationBank(o.machines * o.disks, 1, track?.diskListener);
    track?.attach(this.cores, this.disks);
    this.track = track;
    this.caches = o.mode === 'disk' && o.cacheBytes > 0 ? Array.from({ length: o.machines }, () => new ByteLru(o.cacheBytes)) : [];
    this.slowdown = new Float64Array(o.machines).fill(1);
    this.diskMs = new Float64Array(o.disks);
    this.diskSeeks = new Int32Array(o.disks);
  }

  /** Makes a machine `factor` times slower (1 restores it); applies to requests from now on. */
  setSlowdown(machine: number, factor: number): void {
    invariant(factor > 0, 'a slowdown is positive');
    this.slowdown[machine] = factor;
    this.slowMachines = this.slowdown.some((x) => x !== 1);
  }

  /**
   * A leaf request reaches `machine` at `nowMs` (the clock's now). Its cost is booked into `charge` at
   * once. Returns the end on the machine when it is known now and final (plain bank, nothing read from
   * disk); otherwise NaN, and the listener hears `leafDone(token, end)` at an event. With `watchStart`
   * (tracked banks) the listener also hears `leafStarted` when the request starts service.
   */
  request(machine: number, d: LeafDemand, nowMs: number, charge: LeafCharge, token: T, watchStart = false): number {
    const o = this.options;
    const hw = o.hardware;
    const slow = this.slowMachines ? this.slowdown[machine] : 1;
    let memBytes = 0;
    let seeks = 0;
    let diskBytes = 0;
    let lookups = 0;
    let hits = 0;
    const diskMs = this.diskMs;
    const diskSeeks = this.diskSeeks;
    if (o.disks === 1) {
      diskMs[0] = 0;
      diskSeeks[0] = 0;
    } else {
      diskMs.fill(0);
      diskSeeks.fill(0);
    }
    if (o.mode === 'memory' || this.caches.length === 0) {
      for (let i = 0; i < d.reads; i++) {
        if (o.mode === 'memory') memBytes += d.readBytes[i] * d.touchedShare;
        else {
          diskMs[d.readKeys[i] % o.disks] += diskReadMs(hw.disk, d.readBytes[i]);
          diskSeeks[d.readKeys[i] % o.disks]++;
          seeks++;
          diskBytes += d.readBytes[i];
        }
      }
    } else {
      const cache = this.caches[machine];
      lookups = d.reads;
      for (let i = 0; i < d.reads; i++) {
        const key = d.readKeys[i];
        const bytes = d.readBytes[i];
        // Cached from the moment it is asked for: a request arriving during the read counts as a hit.
        const size = Math.max(1, Math.ceil(bytes));
        if (d.prefixReads ? accessPrefix(cache, key, size) : cache.access(key, size)) {
          hits++;
          memBytes += bytes * d.touchedShare;
        } else {
          diskMs[key % o.disks] += diskReadMs(hw.disk, bytes);
          diskSeeks[key % o.disks]++;
          seeks++;
          diskBytes += bytes;
        }
      }
    }
    let cpuMs = d.cpuMs + memoryReadMs(hw.memory, memBytes);
    if (slow !== 1) cpuMs *= slow;
    let diskEndMs = nowMs;
    let diskServiceMs = 0;
    let slowest = -1;
    let diskBusy = 0;
    invariant(!watchStart || this.track !== null, 'watching a request start needs a tracked machine bank');
    const leaf = this.track ? this.track.open(token, machine, cpuMs) : -1;
    for (let k = 0; k < o.disks; k++) {
      if (diskMs[k] <= 0) continue;
      const ms = slow !== 1 ? diskMs[k] * slow : diskMs[k];
      const end = this.disks.serve(machine * o.disks + k, nowMs, ms, leaf);
      if (leaf >= 0) this.track!.addDiskRecord(leaf, this.disks.lastRecord);
      diskBusy += ms;
      if (end > diskEndMs) diskEndMs = end;
      if (ms > diskServiceMs) {
        diskServiceMs = ms;
        slowest = k;
      }
    }
    if (slowest >= 0) {
      // Where the slowest disk's time went (all of it scaled by the machine's slowdown).
      charge.seekMs = diskSeeks[slowest] * hw.disk.seekMs * slow;
      charge.rotationMs = diskSeeks[slowest] * (hw.disk.rotationMs / 2) * slow;
      charge.transferMs = diskServiceMs - charge.seekMs - charge.rotationMs;
    } else charge.seekMs = charge.rotationMs = charge.transferMs = 0;
    charge.cpuMs = cpuMs;
    charge.rerankMs = slow !== 1 ? d.rerankCpuMs * slow : d.rerankCpuMs;
    charge.diskServiceMs = diskServiceMs;
    charge.diskBusyMs = diskBusy;
    charge.seeks = seeks;
    charge.diskBytes = diskBytes;
    charge.memBytes = memBytes;
    charge.cacheLookups = lookups;
    charge.cacheHits = hits;
    charge.energyJ =
      busyJoules(hw.cpu.wattsPerCore, cpuMs) + busyJoules(hw.disk.activeWatts, diskBusy) + byteJoules(hw.disk.pjPerByte, diskBytes) + byteJoules(hw.memory.pjPerByte, memBytes);
    if (leaf >= 0) {
      // As in the plain bank, a leaf that reads nothing from disk takes its core at once.
      if (diskEndMs <= nowMs) this.track!.compute(leaf, nowMs);
      else this.track!.reading(leaf, diskEndMs);
      if (watchStart) this.track!.watchStart(leaf);
      return NaN;
    }
    if (diskEndMs <= nowMs) return this.cores.serve(machine, nowMs, cpuMs);
    // The CPU stage starts when the reads finish: an event then keeps the cores' arrivals in order.
    const st = this.stagePool.pop() ?? new CpuStage<T>();
    st.token = token;
    st.machine = machine;
    st.cpuMs = cpuMs;
    this.clock.atWith(diskEndMs, this.cpuStage, st);
    return NaN;
  }

  /** The CPU stage of a plain leaf whose posting lists came from disk: runs when its reads finish. */
  private readonly cpuStage = (st: CpuStage<T>): void => {
    const doneMs = this.cores.serve(st.machine, this.clock.nowMs, st.cpuMs);
    const token = st.token as T;
    st.token = null;
    this.stagePool.push(st);
    this.listener.leafDone(token, doneMs);
  };

  /** Whether requests can be cancelled and machines fail (MachineOptions.tracked). */
  get tracked(): boolean {
    return this.track !== null;
  }

  /** The leaf id `request` gave its last request (tracked banks), for `cancel`. */
  get lastLeaf(): number {
    return this.tracker().last;
  }

  /** Takes a tracked leaf request back at `atMs` (the clock's now); false when it had ended or failed. */
  cancel(leaf: number, atMs: number): boolean {
    return this.tracker().cancel(leaf, atMs);
  }

  /**
   * The machine crashes at `atMs` (the clock's now): every request on it fails (the listener hears
   * `leafFailed`), its buffer cache is lost, and it takes no request until `up`.
   */
  down(machine: number, atMs: number): void {
    const t = this.tracker();
    t.failMachine(machine, atMs);
    this.cores.down(machine, atMs);
    for (let k = 0; k < this.options.disks; k++) this.disks.down(machine * this.options.disks + k, atMs);
    if (this.caches.length > 0) this.caches[machine] = new ByteLru(this.options.cacheBytes);
  }

  /** The machine serves again from `atMs`, with a cold buffer cache. */
  up(machine: number, atMs: number): void {
    this.tracker();
    this.cores.up(machine, atMs);
    for (let k = 0; k < this.options.disks; k++) this.disks.up(machine * this.options.disks + k, atMs);
  }

  isUp(machine: number): boolean {
    return this.cores.isUp(machine);
  }

  /**
   * Background work (a compaction, a collection, a log roll) takes every core of the machine for `forMs`,
   * queued behind what its cores are already doing: requests arriving meanwhile wait for it. Counted as
   * busy time; a machine that is down skips it.
   */
  stall(machine: number, nowMs: number, forMs: number): void {
    if (!this.isUp(machine)) return;
    for (let c = 0; c < this.options.cores; c++) this.cores.serveBackground(machine, nowMs, forMs);
  }

  /** Charges CPU work that is not a query (applying an update) at `nowMs` (StationBank.serveBackground); returns when it ends. */
  chargeCpu(machine: number, nowMs: number, cpuMs: number): number {
    if (this.cores.measuring) this.updateBusyMs += cpuMs;
    return this.cores.serveBackground(machine, nowMs, cpuMs);
  }
  /** Charges disk work that is not a query on the machine's first disk (StationBank.serveBackground); returns when it ends. */
  chargeDisk(machine: number, nowMs: number, ioMs: number): number {
    if (this.cores.measuring) this.updateBusyMs += ioMs;
    return this.disks.serveBackground(machine * this.options.disks, nowMs, ioMs);
  }

  /** Starts the measured window at `nowMs`: busy time from here on counts, the backlog included. */
  startMeasuring(nowMs: number): void {
    this.cores.resetMeasures(nowMs);
    this.disks.resetMeasures(nowMs);
    this.updateBusyMs = 0;
  }
  /** Stops booking busy time (the warm-up, or changes after the last query). */
  stopMeasuring(): void {
    this.cores.stopMeasures();
    this.disks.stopMeasures();
  }
  get measuring(): boolean {
    return this.cores.measuring;
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

  private tracker(): LeafTracker<T> {
    invariant(this.track !== null, 'cancelling requests and failing machines need a tracked machine bank (MachineOptions.tracked)');
    return this.track;
  }
}

/**
 * The leaf requests of a tracked bank, from arrival to end: their station records, the event that
 * will start their CPU stage or end them, and each machine's live requests.
 */
class LeafTracker<T> {
  private tokens: (T | null)[] = [];
  private machine = new Int32Array(64);
  private cpuMs = new Float64Array(64);
  private state = new Uint8Array(64);
  private cpuRecord = new Int32Array(64);
  private event: EventHandle[] = [];
  /** For watched requests not started yet, the event that tells the listener they started (-1: none). */
  private startEvent: EventHandle[] = [];
  private diskRecords: StationRecord[][] = [];
  private readonly free: number[] = [];
  private readonly liveOn = new Map<number, Set<number>>();
  last = -1;

  private cores!: StationBank;
  private disks!: StationBank;

  constructor(
    private readonly clock: Clock,
    private readonly listener: LeafListener<T>,
  ) {}

  attach(cores: StationBank, disks: StationBank): void {
    this.cores = cores;
    this.disks = disks;
  }

  readonly coreListener: StationListener = {
    moved: (leaf, endMs) => {
      this.reschedule(leaf, endMs);
      if (this.startEvent[leaf] >= 0) this.watchStart(leaf);
    },
    // A down machine's requests are failed by `failMachine`, before its stations go down.
    failed: () => {},
  };
  readonly diskListener: StationListener = {
    moved: (leaf) => {
      if (this.state[leaf] === READING) this.reschedule(leaf, this.readsEndMs(leaf));
      if (this.startEvent[leaf] >= 0) this.watchStart(leaf);
    },
    failed: () => {},
  };

  open(token: T, machine: number, cpuMs: number): number {
    invariant(this.cores.isUp(machine), 'a request reaches a machine that is up (route around a down one)');
    const leaf = this.free.length > 0 ? this.free.pop()! : this.grow();
    this.tokens[leaf] = token;
    this.machine[leaf] = machine;
    this.cpuMs[leaf] = cpuMs;
    this.state[leaf] = READING;
    this.diskRecords[leaf].length = 0;
    let live = this.liveOn.get(machine);
    if (!live) this.liveOn.set(machine, (live = new Set()));
    live.add(leaf);
    this.last = leaf;
    return leaf;
  }

  addDiskRecord(leaf: number, record: StationRecord): void {
    this.diskRecords[leaf].push(record);
  }

  /** The leaf's reads are booked; its CPU stage starts when they end. */
  reading(leaf: number, readsEndMs: number): void {
    this.event[leaf] = this.clock.atWith(readsEndMs, this.startCpu, leaf);
  }

  /** The leaf takes a core at `nowMs`; it ends at an event. */
  compute(leaf: number, nowMs: number): void {
    this.state[leaf] = COMPUTING;
    const end = this.cores.serve(this.machine[leaf], nowMs, this.cpuMs[leaf], leaf);
    this.cpuRecord[leaf] = this.cores.lastRecord;
    this.event[leaf] = this.clock.atWith(end, this.finish, leaf);
  }

  /**
   * The listener hears when the leaf starts service: its first read, or its core when it reads nothing
   * from disk. Called again when the leaf moved (a request ahead of it left), until it has started.
   */
  watchStart(leaf: number): void {
    this.forgetStart(leaf);
    let startMs = Infinity;
    if (this.state[leaf] === READING) for (const r of this.diskRecords[leaf]) startMs = Math.min(startMs, this.disks.startOf(r));
    else startMs = this.cores.startOf(this.cpuRecord[leaf]);
    this.startEvent[leaf] = this.clock.atWith(Math.max(startMs, this.clock.nowMs), this.started, leaf);
  }

  private readonly started: ArgCallback<number> = (leaf) => {
    this.startEvent[leaf] = -1;
    this.listener.leafStarted?.(this.tokens[leaf] as T, this.clock.nowMs);
  };

  private readonly startCpu: ArgCallback<number> = (leaf) => this.compute(leaf, this.clock.nowMs);

  private readonly finish: ArgCallback<number> = (leaf) => {
    const token = this.tokens[leaf] as T;
    this.release(leaf);
    this.listener.leafDone(token, this.clock.nowMs);
  };

  private readsEndMs(leaf: number): number {
    let end = this.clock.nowMs;
    for (const r of this.diskRecords[leaf]) end = Math.max(end, this.disks.endOf(r));
    return end;
  }

  /** The leaf's next event moves to `atMs` (an earlier request left a queue it is in). */
  private reschedule(leaf: number, atMs: number): void {
    this.clock.cancel(this.event[leaf]);
    this.event[leaf] = this.clock.atWith(atMs, this.state[leaf] === READING ? this.startCpu : this.finish, leaf);
  }

  cancel(leaf: number, atMs: number): boolean {
    if (this.state[leaf] === IDLE) return false;
    this.withdraw(leaf, atMs);
    this.release(leaf);
    return true;
  }

  /** Fails every live request of `machine` (before its stations go down). */
  failMachine(machine: number, atMs: number): void {
    const live = [...(this.liveOn.get(machine) ?? [])];
    const tokens = live.map((leaf) => this.tokens[leaf] as T);
    for (const leaf of live) {
      this.withdraw(leaf, atMs);
      this.release(leaf);
    }
    for (const token of tokens) this.listener.leafFailed(token, atMs);
  }

  /** Takes the leaf out of the stations it is queued at or served by, and drops its event. */
  private withdraw(leaf: number, atMs: number): void {
    this.clock.cancel(this.event[leaf]);
    this.forgetStart(leaf);
    if (this.state[leaf] === READING) for (const r of this.diskRecords[leaf]) this.disks.cancel(r, atMs);
    else this.cores.cancel(this.cpuRecord[leaf], atMs);
  }

  private forgetStart(leaf: number): void {
    if (this.startEvent[leaf] < 0) return;
    this.clock.cancel(this.startEvent[leaf]);
    this.startEvent[leaf] = -1;
  }

  private release(leaf: number): void {
    this.forgetStart(leaf);
    this.state[leaf] = IDLE;
    this.tokens[leaf] = null;
    this.liveOn.get(this.machine[leaf])?.delete(leaf);
    this.free.push(leaf);
  }

  private grow(): number {
    const leaf = this.tokens.length;
    this.tokens.push(null);
    this.event.push(-1);
    this.startEvent.push(-1);
    this.diskRecords.push([]);
    if (leaf === this.machine.length) {
      const n = leaf * 2;
      this.machine = grown(this.machine, n);
      this.cpuMs = grown(this.cpuMs, n);
      this.state = grown(this.state, n);
      this.cpuRecord = grown(this.cpuRecord, n);
    }
    return leaf;
  }
}

/** A saturated server is busy for the whole window give or take the last bits of a sum of service times:
 * shown as 1. Anything further past 1 is left as it is, so that a booking error shows. */
function busyShare(x: number): number {
  return x > 1 && x < 1 + 1e-9 ? 1 : x;
}
