import { MOST_LEAVES_SHARE, StallProcess, WIDE_FAN_OUT_SHARDS, newLeafDemand, replicaSelector, type CriticalPath, type PreparedQuery, type QueryOutcome, type ReplicaSelector, type SelectionPolicy, type ServiceModel, type ServingFigures, type ServingModel } from '../cluster/index.ts';
import { Rng, SearchsimError } from '../core/index.ts';
import type { HardwarePreset } from '../hardware/index.ts';
import { mergeTopK, type Hit } from '../index/index.ts';
import { LatencyRecorder, type LatencySummary } from '../metrics/index.ts';
import { wallMs as hostMs, type LeafAnswer, type LiveMachines } from '../shard/index.ts';
import type { WallClock } from './wallClock.ts';

export interface LiveClusterOptions {
  /** Hits a query returns (the merge keeps the top k of every shard's). */
  k: number;
  selection: SelectionPolicy;
  /** What a query without index work (the synthetic service) asks of each leaf: its CPU, held on the machine's core. */
  service: ServiceModel | null;
  /** The hardware the machines' disks are modelled on (what update charges read). */
  hardware: HardwarePreset;
  /** A leaf request that has not answered after this long ends the run (a machine that hangs). */
  watchdogMs: number;
  seed: number;
  /** Periodic background work on every machine (`faults.stalls`), at the phases a simulation draws. */
  stalls?: { everyMs: number; forMs: number };
  /** Hears every query's merged hits (what a user of the live service would get). */
  onHits?: (seq: number, hits: readonly Hit[]) => void;
}

/** A query on its way through the live cluster. */
interface InFlight {
  q: PreparedQuery;
  arrivalMs: number;
  answers: (LeafAnswer | null)[];
  leafDoneMs: Float64Array;
  left: number;
  onDone: (o: QueryOutcome) => void;
  release: () => void;
  sentAtHostMs: number;
}

/**
 * The serving seam's live implementation: the router on this thread, each machine a worker thread
 * (`LiveMachines`), all in wall-clock time (`WallClock`). A query fans out to one replica of every shard
 * at once (the replica-selection seam; replicas out of rotation passed over); each leaf runs for real
 * (the search, after its disk waits in disk mode; a synthetic leaf's CPU held on the machine's core); the router merges the top
 * k when the last leaf answers. Its latency runs from the query's intended arrival, the clock's now when
 * it is submitted, to the merge's end on the wall clock. Busy shares are each machine's own CPU and disk
 * time as its worker measured them, booked to the window by when the request was sent.
 */
export class LiveCluster implements ServingModel {
  readonly shards: number;
  readonly replicas: number;
  readonly machines: number;
  readonly hardware: HardwarePreset;
  private readonly selector: ReplicaSelector;
  private readonly outstanding: Int32Array;
  private outOfRotation: ((replica: number, nowMs: number) => boolean) | null = null;
  private measuring = true;
  private readonly cpuBusyMs: Float64Array;
  private readonly diskBusyMs: Float64Array;
  private readonly shardBusy: Float64Array;
  private updateBusy = 0;
  private firstCopies = 0;
  private readonly oneLeaf = new LatencyRecorder();
  private readonly lateness = new LatencyRecorder();
  private readonly inFlight = new Set<InFlight>();
  private readonly watchdog: NodeJS.Timeout;
  private readonly demand = newLeafDemand();
  private readonly stalls: StallProcess | null;

  constructor(
    private readonly clock: WallClock,
    private readonly live: LiveMachines,
    private readonly options: LiveClusterOptions,
  ) {
    this.shards = live.shards;
    this.replicas = live.replicas;
    this.machines = live.machines;
    this.hardware = options.hardware;
    // The streams a simulated cluster forks from the same seed, so random choices and stalls match it.
    const rng = new Rng(options.seed).fork('cluster');
    this.selector = replicaSelector(options.selection, this.shards, rng.fork('replica-selection'));
    this.stalls = options.stalls ? new StallProcess(this.machines, options.stalls.everyMs, rng.fork('stalls')) : null;
    this.outstanding = new Int32Array(this.machines);
    this.cpuBusyMs = new Float64Array(this.machines);
    this.diskBusyMs = new Float64Array(this.machines);
    this.shardBusy = new Float64Array(this.shards);
    this.watchdog = setInterval(() => this.checkStuck(), Math.max(10, options.watchdogMs / 4));
    this.watchdog.unref();
  }

  /** How late the load generator issued queries behind their intended instants (host scheduling). */
  issueLateness(): LatencySummary {
    return this.lateness.summary();
  }

  submit(q: PreparedQuery, onDone: (o: QueryOutcome) => void): void {
    if (this.stalls) this.scheduleStalls(this.clock.nowMs);
    const f: InFlight = {
      q,
      arrivalMs: this.clock.nowMs,
      answers: new Array<LeafAnswer | null>(this.shards).fill(null),
      leafDoneMs: new Float64Array(this.shards),
      left: this.shards,
      onDone,
      release: this.clock.hold(),
      sentAtHostMs: hostMs(),
    };
    if (this.measuring) this.lateness.record(this.clock.lateMs);
    this.inFlight.add(f);
    for (let s = 0; s < this.shards; s++) {
      const m = s * this.replicas + this.chooseReplica(s);
      this.outstanding[m]++;
      if (this.measuring) this.firstCopies++;
      const measured = this.measuring;
      this.leafRequest(q, s, m).then(
        (a) => this.leafDone(f, s, m, a, measured),
        (e: unknown) => this.clock.fail(e as Error),
      );
    }
  }

  private leafRequest(q: PreparedQuery, shard: number, machine: number): Promise<LeafAnswer> {
    if (q.search) return this.live.serve(machine, q.search.request, q.search.globals);
    if (this.options.service === null) throw new SearchsimError('E_INVARIANT', `query ${q.seq} has no search and the live cluster no synthetic service`);
    this.options.service.demand(q, shard, this.demand);
    return this.live.holdCore(machine, this.demand.cpuMs, true);
  }

  /** Stalls due before a period past now, each holding its machine's core for `forMs` (busy time, as simulated). */
  private scheduleStalls(nowMs: number): void {
    const forMs = this.options.stalls!.forMs;
    this.stalls!.drawUntil(nowMs + this.options.stalls!.everyMs, (machine, atMs) =>
      this.clock.at(Math.max(atMs, this.clock.nowMs), () => {
        const measured = this.measuring;
        const release = this.clock.hold();
        this.live.holdCore(machine, forMs).then(
          (a) => {
            if (measured) this.cpuBusyMs[machine] += a.cpuMs;
            release();
          },
          (e: unknown) => this.clock.fail(e as Error),
        );
      }),
    );
  }

  private chooseReplica(shard: number): number {
    const R = this.replicas;
    let r = this.selector.choose(shard, R, (x) => this.outstanding[shard * R + x]);
    const now = this.clock.nowMs;
    if (this.outOfRotation) for (let i = 0; i < R && this.outOfRotation(r, now); i++) r = (r + 1) % R;
    return r;
  }

  private leafDone(f: InFlight, shard: number, machine: number, a: LeafAnswer, measured: boolean): void {
    this.outstanding[machine]--;
    f.answers[shard] = a;
    f.leafDoneMs[shard] = this.clock.nowMs;
    if (measured) {
      this.cpuBusyMs[machine] += a.cpuMs;
      this.diskBusyMs[machine] += a.diskMs;
      this.shardBusy[shard] += a.cpuMs + a.diskMs;
      this.oneLeaf.record(f.leafDoneMs[shard] - f.arrivalMs);
    }
    if (--f.left > 0) return;
    const mergeFromMs = this.clock.nowMs;
    const answers = f.answers as LeafAnswer[];
    const hits: Hit[] = mergeTopK(answers.map((x) => x.hits), this.options.k);
    const doneMs = this.clock.nowMs;
    this.inFlight.delete(f);
    this.options.onHits?.(f.q.seq, hits);
    f.release();
    f.onDone(this.outcome(f, answers, hits, doneMs, doneMs - mergeFromMs));
  }

  private outcome(f: InFlight, answers: LeafAnswer[], hits: Hit[], doneMs: number, mergeMs: number): QueryOutcome {
    // The critical path: the leaf that answered last, then the merge.
    let last = 0;
    for (let s = 1; s < answers.length; s++) if (f.leafDoneMs[s] > f.leafDoneMs[last]) last = s;
    const c = answers[last];
    const path: CriticalPath = { networkMs: 0, seekMs: c.seekMs, rotationMs: c.rotationMs, transferMs: c.transferMs, cpuMs: c.cpuMs, mergeMs, rankMs: 0 };
    let seeks = 0;
    let bytesRead = 0;
    let postingsDecoded = 0;
    let cacheLookups = 0;
    let cacheHits = 0;
    for (const a of answers) {
      seeks += a.seeks;
      bytesRead += a.bytesRead;
      postingsDecoded += a.receipt?.decoded ?? 0;
      cacheLookups += a.cacheLookups;
      cacheHits += a.cacheHits;
    }
    const all = Math.max(...f.leafDoneMs);
    return {
      seq: f.q.seq,
      arrivalMs: f.arrivalMs,
      doneMs: Math.max(doneMs, f.arrivalMs),
      serviceMs: c.cpuMs + c.diskMs + mergeMs,
      seeks,
      bytesRead,
      postingsDecoded,
      energyJ: 0,
      cacheLookups,
      cacheHits,
      failedLeaves: 0,
      coverage: 1,
      path,
      // As the simulated router keeps them (src/cluster/router.ts): only for a wide fan-out.
      mostLeavesDoneMs: this.shards >= WIDE_FAN_OUT_SHARDS ? quantileDone(f.leafDoneMs, MOST_LEAVES_SHARE) : NaN,
      allLeavesDoneMs: this.shards >= WIDE_FAN_OUT_SHARDS ? all : NaN,
      cachedAnswer: null,
      repeatsEarlier: false,
      hitIds: hits.map((h) => h.id),
    };
  }

  /** A leaf that has not answered within the watchdog's time ends the run: a live run never hangs. */
  private checkStuck(): void {
    const now = hostMs();
    for (const f of this.inFlight) {
      if (now - f.sentAtHostMs <= this.options.watchdogMs) break; // in sending order: the rest are younger
      const waiting = f.answers.map((a, s) => (a === null ? s : -1)).filter((s) => s >= 0);
      this.clock.fail(new SearchsimError('E_INVARIANT', `live run stopped: query ${f.q.seq} waited ${Math.round(now - f.sentAtHostMs)} ms for shard${waiting.length > 1 ? 's' : ''} ${waiting.join(', ')} (the watchdog allows ${this.options.watchdogMs} ms): a machine hangs or the host is overloaded`));
      return;
    }
  }

  chargeCpu(machine: number, nowMs: number, cpuMs: number): number {
    this.charge(this.live.holdCore(machine, cpuMs));
    return nowMs + cpuMs;
  }

  chargeDisk(machine: number, nowMs: number, ioMs: number): number {
    this.charge(this.live.chargeDisk(machine, ioMs));
    return nowMs + ioMs;
  }

  /** Work that is not a query: counted in the window while measuring; the run waits for it to end. */
  private charge(p: Promise<LeafAnswer>): void {
    const release = this.clock.hold();
    const measured = this.measuring;
    p.then(
      (a) => {
        if (measured) this.updateBusy += a.cpuMs + a.diskMs;
        release();
      },
      (e: unknown) => this.clock.fail(e as Error),
    );
  }

  setOutOfRotation(outOfRotation: ((replica: number, nowMs: number) => boolean) | null): void {
    this.outOfRotation = outOfRotation;
  }

  /** No result cache here (one would front this cluster). */
  indexWentLive(): void {}

  startMeasuring(): void {
    this.measuring = true;
    this.cpuBusyMs.fill(0);
    this.diskBusyMs.fill(0);
    this.shardBusy.fill(0);
    this.updateBusy = 0;
    this.firstCopies = 0;
    this.oneLeaf.reset();
    this.lateness.reset();
  }

  stopMeasuring(): void {
    this.measuring = false;
  }

  figures(startMs: number, endMs: number): ServingFigures {
    const windowMs = Math.max(1e-9, endMs - startMs);
    const share = (busy: Float64Array) => Float64Array.from(busy, (b) => Math.min(1, b / windowMs));
    return {
      cpu: share(this.cpuBusyMs),
      disk: share(this.diskBusyMs),
      shardBusyMs: this.shardBusy.slice(),
      updateBusyMs: this.updateBusy,
      serversPerMachine: 2,
      oneLeafMs: this.oneLeaf.tailQuantiles(),
      leafRequests: { first: this.firstCopies, extra: 0, cancelled: 0, bothStarted: 0, crashes: 0, refused: 0, probations: 0 },
      resultCache: null,
    };
  }

  /** Stops the watchdog (the machines are closed by whoever opened them). */
  close(): void {
    clearInterval(this.watchdog);
  }
}

/** When the given share of the leaves had answered (The Tail at Scale's 95 % row). */
function quantileDone(doneMs: Float64Array, share: number): number {
  const sorted = Float64Array.from(doneMs).sort();
  return sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)];
}
