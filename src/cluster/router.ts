import { invariant } from '../core/index.ts';
import { HIT_BYTES, MESSAGE_OVERHEAD_BYTES, QUERY_BYTES_PER_TERM, busyJoules, mergeCpuMs, networkMs, type HardwarePreset } from '../hardware/index.ts';
import { LatencyRecorder, type TailQuantiles } from '../metrics/index.ts';
import type { Clock } from '../sim/index.ts';
import { LeafCharge, type LeafListener, type MachineBank } from './machines.ts';
import type { ReplicaSelector } from './selection.ts';
import { emptyFunnelWork, type QueryOutcome } from './serving.ts';
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
  /**
   * Answer a query this long after it reached the router with the shards answered by then (partial
   * results: coverage below 1); the leaves still out are cancelled. Needs a tracked machine bank.
   */
  deadlineMs?: number;
  /** Hedged requests; needs a tracked machine bank. */
  hedge?: HedgeOptions;
  /** Tied requests; needs a tracked machine bank. */
  tie?: TieOptions;
  /** How long the router takes to notice that a machine went down or came back (default 0). */
  detectionMs?: number;
  /**
   * Canary requests (Dean and Barroso 2013, on queries of death): a query goes to `count` shards first
   * and fans out to the rest only once they answer; a canary that crashes its machine is replaced by
   * one on the next shard, and after `maxCrashes` crashes the query is refused. Needs a tracked bank.
   */
  canaries?: { count: number; maxCrashes: number };
  /** Latency-induced probation; needs a tracked machine bank (it observes answers when they happen). */
  probation?: ProbationOptions;
  /** A ranking funnel: what each query's outcome reports stage by stage, and the stages at the root. */
  funnel?: RouterFunnel;
}

/**
 * A ranking funnel as the router runs it: the merge keeps the best `leafKeep` of the leaves' candidates,
 * then each root stage scores the candidates it is given (`msPerCandidate` each, on a device of `watts`,
 * on the query's critical path; a device is not a queue, like the merge) and passes on its `keep`.
 */
export interface RouterFunnel {
  leafKeep: number;
  rootStages: { keep: number; msPerCandidate: number; watts: number }[];
}

/**
 * Latency-induced probation (Dean and Barroso, "The Tail at Scale", 2013): the router watches each
 * machine's leaf latency, and a machine much slower than the cluster is taken out of its shard's
 * rotation for a while, then tried again with its record cleared. A machine is put on probation only
 * while another replica of its shard serves. The paper also sends shadow requests to machines on
 * probation to see them recover; here the probation simply ends after `forMs`.
 */
export interface ProbationOptions {
  /** On probation when its mean leaf latency exceeds this many times the mean of its shard's other replicas. */
  factor: number;
  /** How long probation lasts. */
  forMs: number;
  /** Answers a machine must have given since its record was cleared before it can be judged. */
  minSamples: number;
}

/** The weight of the newest answer in a machine's moving mean of leaf latency (about the last ten answers). */
const PROBATION_EWMA_WEIGHT = 0.1;

/**
 * Hedged requests (Dean and Barroso, "The Tail at Scale", CACM 56(2), 2013): a leaf request not answered
 * after a delay is sent again to another replica; the first answer is used and the other copy cancelled.
 */
export interface HedgeOptions {
  /** The delay: fixed, or the 95th percentile of leaf latency observed so far (the paper's choice). */
  afterMs: number | 'p95';
  /** Second copies at most this share of first ones (the paper's hedges added about 2 %). */
  maxExtraShare: number;
}

/**
 * Tied requests (Dean and Barroso 2013, "Tied requests"): every leaf request goes to two replicas, each
 * copy tagged with its twin; the copy that starts service first sends its twin a cancellation, which
 * takes the twin out of its queue if it has not started by the time the message arrives. Both copies
 * run only when they start within one message delay of each other.
 */
export interface TieOptions {
  /**
   * The second copy leaves the router this long after the first (the paper: "a small delay of two times
   * the average network message delay", so that the first copy's cancellation can beat it when the first
   * server is idle).
   */
  afterMs: number;
  /** The cancellation's trip from one leaf to the other. */
  messageMs: number;
}

/** The Tail at Scale's Table 1 measures when 95 % of a query's leaves answered, besides all of them. */
export const MOST_LEAVES_SHARE = 0.95;
/**
 * The fan-out from which the router keeps those figures: below 20 shards, 95 % of the leaves are all of
 * them, and keeping them cost the single-shard queueing runs half their speed.
 */
export const WIDE_FAN_OUT_SHARDS = 20;

/** Leaf answers observed before a 'p95' hedge delay is trusted, and between its refreshes. */
const HEDGE_WARMUP_LEAVES = 1000;

/** What the router did beyond one request per shard, counted while measuring. */
export class RouterCounters {
  /** Leaf requests sent as first copies, and as hedges beyond them. */
  firstCopies = 0;
  extraCopies = 0;
  /** Leaf requests cancelled (the twin answered or started first, or the deadline passed). */
  cancelled = 0;
  /** Tied copies that started service while their twin was also running (the work tying wastes). */
  bothStarted = 0;
  /** Machines crashed by queries of death, and queries refused after their canaries crashed. */
  crashes = 0;
  refused = 0;
  /** Machines put on latency-induced probation. */
  probations = 0;
  reset(): void {
    this.firstCopies = this.extraCopies = this.cancelled = this.bothStarted = this.crashes = this.refused = this.probations = 0;
  }
}

/** One query between its arrival at the router and its answer. */
interface InFlight {
  q: PreparedQuery;
  netOutMs: number;
  /** Shards not yet answered, failed or given up. */
  pending: number;
  /** When the router answers with what it has (Infinity: no deadline). */
  deadlineAtMs: number;
  /** Shards whose answer came after the deadline or never. */
  late: number;
  finished: boolean;
  /** With hedges or a deadline: per shard, the copies out (undefined: not sent yet; null: settled). */
  copies: (PendingLeaf[] | null | undefined)[] | null;
  /** With canaries: the shards asked so far, the canaries answered and crashed; null once fanned out. */
  canary: { asked: Uint8Array; askedCount: number; next: number; ok: number; crashes: number } | null;
  maxDoneMs: number;
  /**
   * When each shard answered in time, in the order they were learnt (not time order: Lindley answers come
   * early); null below a wide fan-out, where the figures are not kept.
   */
  answeredAtMs: Float64Array | null;
  answeredCount: number;
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
  /** Of `cpuMs`, a ranking funnel's re-ranking stage. */
  rerankMs = 0;
  copy(p: LeafPath): void {
    this.rerankMs = p.rerankMs;
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
  shard = 0;
  replica = 0;
  /** The bank's id of the request (tracked banks), to cancel it. */
  leafId = -1;
  sentMs = 0;
  /** When it started service on its machine (tied requests watch it; NaN: not yet). */
  startedMs = NaN;
  netBackMs = 0;
  readonly path = new LeafPath();
  hits = 0;
}

/**
 * The router (docs/DESIGN.md section 4): a query reaches every shard's leaf after one network hop, on the
 * replica the selection policy picks (passing over replicas out of rotation); each leaf's answer comes
 * back after another hop, and the router merges all shards' hits. The router itself is not a bottleneck:
 * merging costs CPU time on the critical path but does not queue.
 *
 * Tail tolerance (RouterOptions): a deadline answers with the shards answered by then, and hedged
 * requests send a late leaf request again to another replica. Both cancel requests, so they need a
 * tracked machine bank, and they keep one record per copy rather than pooled ones.
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
  readonly counters = new RouterCounters();
  /** One leaf request's latency at the router while measuring. */
  private oneLeaf = new LatencyRecorder();
  /** A query of death: every machine that runs it crashes (the cluster takes it down and repairs it). */
  deadly: ((q: PreparedQuery) => boolean) | null = null;
  onCrash: ((machine: number) => void) | null = null;
  /** Hedges and deadlines follow each copy of a leaf request. */
  private readonly followsCopies: boolean;
  /** Whether the fan-out figures (one leaf, 95 % of leaves, all leaves) are kept: a wide fan-out. */
  private readonly keepsFanOut: boolean;
  /** Only a tracked bank's machines go down: a plain bank's leaves skip the checks below. */
  private mayFail = false;
  private hedgeAfterMs = Infinity;
  private readonly leafMs: LatencyRecorder | null;
  private leafAnswersSinceRefresh = 0;
  /** The hedge budget's own count, over the whole run (the counters only count the measured window). */
  private requestsSent = 0;
  private hedgesSent = 0;
  /** When the router notices each machine down, and up again (Infinity: not down). */
  private believedDownFromMs: Float64Array | null = null;
  private believedDownUntilMs: Float64Array | null = null;
  /** Probation: per machine its moving mean of leaf latency, answers since cleared, and probation's end. */
  private readonly probation: { meanMs: Float64Array; samples: Uint32Array; untilMs: Float64Array } | null;

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
    this.keepsFanOut = options.shards >= WIDE_FAN_OUT_SHARDS;
    this.followsCopies = options.hedge !== undefined || options.tie !== undefined || options.deadlineMs !== undefined || options.canaries !== undefined;
    this.leafMs = options.hedge?.afterMs === 'p95' ? new LatencyRecorder() : null;
    if (options.hedge && options.hedge.afterMs !== 'p95') this.hedgeAfterMs = options.hedge.afterMs;
    this.probation = options.probation ? { meanMs: new Float64Array(machines), samples: new Uint32Array(machines), untilMs: new Float64Array(machines) } : null;
  }

  /** The machines the router sends leaf requests to (their listener is this router). */
  attach(machines: MachineBank<PendingLeaf>): void {
    invariant(!this.followsCopies || machines.tracked, 'hedges, ties and deadlines cancel requests: they need a tracked machine bank');
    this.machinesBank = machines;
    this.mayFail = machines.tracked;
  }

  /** A machine went down at `atMs`: the router stops choosing it once it notices. */
  machineDown(machine: number, atMs: number): void {
    if (this.believedDownFromMs === null) {
      const n = this.options.shards * this.options.replicas;
      this.believedDownFromMs = new Float64Array(n).fill(Infinity);
      this.believedDownUntilMs = new Float64Array(n).fill(Infinity);
    }
    this.believedDownFromMs[machine] = atMs + (this.options.detectionMs ?? 0);
    this.believedDownUntilMs![machine] = Infinity;
  }

  /** The machine serves again from `atMs`: the router chooses it again once it notices. */
  machineUp(machine: number, atMs: number): void {
    if (this.believedDownUntilMs !== null) this.believedDownUntilMs[machine] = atMs + (this.options.detectionMs ?? 0);
  }

  private believedDown(machine: number, nowMs: number): boolean {
    return this.believedDownFromMs !== null && nowMs >= this.believedDownFromMs[machine] && nowMs < this.believedDownUntilMs![machine];
  }

  /** Whether the router passes over this replica now: out of rotation, known to be down, or on probation. */
  private passOver(shard: number, replica: number, nowMs: number): boolean {
    const machine = shard * this.options.replicas + replica;
    return (this.outOfRotation !== null && this.outOfRotation(replica, nowMs)) || this.believedDown(machine, nowMs) || (this.probation !== null && nowMs < this.probation.untilMs[machine]);
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
      deadlineAtMs: this.options.deadlineMs !== undefined ? arrivalMs + this.options.deadlineMs : Infinity,
      late: 0,
      finished: false,
      copies: this.followsCopies ? new Array<undefined>(this.options.shards).fill(undefined) : null,
      canary: this.options.canaries ? { asked: new Uint8Array(this.options.shards), askedCount: 0, next: q.seq % this.options.shards, ok: 0, crashes: 0 } : null,
      maxDoneMs: arrivalMs,
      answeredAtMs: this.keepsFanOut ? new Float64Array(this.options.shards) : null,
      answeredCount: 0,
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
        coverage: 1,
        path: { networkMs: 0, seekMs: 0, rotationMs: 0, transferMs: 0, cpuMs: 0, mergeMs: 0, rankMs: 0 },
        mostLeavesDoneMs: NaN,
        allLeavesDoneMs: NaN,
        cachedAnswer: null,
        repeatsEarlier: false,
        ...(this.options.funnel ? { funnel: emptyFunnelWork() } : {}),
      },
      onDone,
    };
    // Every leaf receives the query one hop later; handling them all at that instant keeps each
    // station's arrivals in time order.
    if (netOutMs === 0) this.fanOut(f);
    else this.clock.atWith(arrivalMs + netOutMs, this.fanOut, f);
    if (f.deadlineAtMs < Infinity) this.clock.atWith(f.deadlineAtMs, this.deadlinePassed, f);
  }

  /** The deadline: the shards still out are given up and their requests cancelled. */
  private readonly deadlinePassed = (f: InFlight): void => {
    if (f.finished) return;
    const now = this.clock.nowMs;
    for (let s = 0; s < f.copies!.length; s++) {
      const out = f.copies![s];
      if (out === null) continue;
      if (out !== undefined) for (const p of out) this.cancelCopy(p, now);
      f.copies![s] = null;
      f.late++;
      f.pending--;
    }
    this.finish(f);
  };

  /** The next shard not asked yet gets a canary request. */
  private sendCanary(f: InFlight): void {
    const c = f.canary!;
    const S = this.options.shards;
    while (c.asked[c.next]) c.next = (c.next + 1) % S;
    c.asked[c.next] = 1;
    c.askedCount++;
    this.leaf(f, c.next);
  }

  /**
   * A canary answered (reaching the router at `doneMs`) or crashed: fan out once `count` canaries
   * answered, send another canary after a crash, or refuse the query after `maxCrashes`.
   */
  private canaryDone(f: InFlight, crashed: boolean, doneMs: number): void {
    const c = f.canary!;
    const o = this.options.canaries!;
    if (crashed) {
      c.crashes++;
      if (c.crashes >= o.maxCrashes) return this.refuse(f);
      if (c.askedCount < this.options.shards) this.sendCanary(f);
      return;
    }
    if (++c.ok < o.count) return;
    // The rest go out one hop after the router heard the canaries.
    this.clock.atWith(doneMs + f.netOutMs, this.fanOutRest, f);
  }

  private readonly fanOutRest = (f: InFlight): void => {
    const c = f.canary;
    if (f.finished || c === null) return;
    f.canary = null;
    for (let s = 0; s < this.options.shards; s++) if (!c.asked[s]) this.leaf(f, s);
  };

  /** Too many canaries crashed: the query is answered with nothing, its other shards never asked. */
  private refuse(f: InFlight): void {
    if (this.machines.measuring) this.counters.refused++;
    const c = f.canary!;
    for (let s = 0; s < this.options.shards; s++) {
      const out = f.copies![s];
      if (out) for (const p of out) this.cancelCopy(p, this.clock.nowMs);
      if (!c.asked[s] || out) {
        f.copies![s] = null;
        f.out.failedLeaves++;
        f.pending--;
      }
    }
    f.canary = null;
    if (f.pending === 0) this.finish(f);
  }

  /** Takes a copy back from its machine (it will not answer); false when it had already ended. */
  private cancelCopy(p: PendingLeaf, nowMs: number): void {
    if (p.f === null) return;
    p.f = null;
    if (this.machines.cancel(p.leafId, nowMs)) {
      if (this.tracksLoad) this.outstanding.drop(p.machine);
      if (this.machines.measuring) this.counters.cancelled++;
    }
  }

  /** A hedge's moment: the shard still unanswered, a second copy goes to another replica (within budget). */
  private readonly hedgeDue = (p: PendingLeaf): void => {
    const f = p.f;
    if (f === null || f.finished) return;
    const out = f.copies![p.shard];
    if (!out || out.length > 1) return;
    if (this.hedgesSent >= this.options.hedge!.maxExtraShare * this.requestsSent) return;
    const replica = this.otherReplica(p.shard, p.replica, this.clock.nowMs);
    if (replica < 0) return;
    this.hedgesSent++;
    if (this.machines.measuring) this.counters.extraCopies++;
    this.send(f, p.shard, replica, false);
  };

  /** The next replica after `replica` that may serve now, or -1. */
  private otherReplica(shard: number, replica: number, nowMs: number): number {
    const R = this.options.replicas;
    for (let i = 1; i < R; i++) {
      const r = (replica + i) % R;
      if (this.passOver(shard, r, nowMs) || !this.machines.isUp(shard * R + r)) continue;
      return r;
    }
    return -1;
  }

  private readonly fanOut = (f: InFlight): void => {
    if (f.finished) return; // the deadline came first
    if (f.canary !== null) {
      // A canary can crash at once and be replaced, or end the query, before the loop ends.
      const n = Math.min(this.options.canaries!.count, this.options.shards);
      for (let i = 0; i < n && f.canary !== null && !f.finished && f.canary.askedCount < n; i++) this.sendCanary(f);
      return;
    }
    for (let s = 0; s < this.options.shards; s++) this.leaf(f, s);
  };

  /** The replica of `shard` that serves a request now: the policy's pick, or the next one in rotation. */
  private replicaFor(shard: number, nowMs: number): number {
    const R = this.options.replicas;
    if (R === 1) return 0;
    this.loadBase = shard * R;
    this.loadNowMs = nowMs;
    let replica = this.selector.choose(shard, R, this.load);
    if (this.outOfRotation || this.believedDownFromMs || this.probation) for (let i = 0; i < R && this.passOver(shard, replica, nowMs); i++) replica = (replica + 1) % R;
    return replica;
  }

  private leaf(f: InFlight, shard: number): void {
    this.send(f, shard, this.replicaFor(shard, this.clock.nowMs), true);
  }

  /** Sends one copy of the query's request for `shard` to `replica`. */
  private send(f: InFlight, shard: number, replica: number, first: boolean): void {
    const now = this.clock.nowMs;
    const machine = shard * this.options.replicas + replica;
    const d = this.demand;
    this.service.demand(f.q, shard, d);
    const c = this.charge;
    // A followed copy is referred to by its twin and its timers: never pooled.
    const p = this.followsCopies ? new PendingLeaf() : (this.pendingPool.pop() ?? new PendingLeaf());
    p.f = f;
    p.machine = machine;
    p.shard = shard;
    p.replica = replica;
    p.sentMs = now;
    if (first) {
      this.requestsSent++;
      if (this.machines.measuring) this.counters.firstCopies++;
    }
    if (this.mayFail && this.reachesDeadMachine(f, p, machine, now)) return;
    const machineDoneMs = this.machines.request(machine, d, now, c, p, this.options.tie !== undefined);
    const out = f.out;
    out.seeks += c.seeks;
    out.bytesRead += c.diskBytes;
    out.postingsDecoded += d.postingsDecoded;
    out.energyJ += c.energyJ;
    out.cacheLookups += c.cacheLookups;
    out.cacheHits += c.cacheHits;
    if (out.funnel) {
      out.funnel.candidates += d.candidates;
      out.funnel.firstCpuMs += c.cpuMs - c.rerankMs;
      out.funnel.rerankCpuMs += c.rerankMs;
    }
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
    path.rerankMs = c.rerankMs;
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
    if (!this.followsCopies) return;
    p.leafId = this.machines.lastLeaf;
    const copies = f.copies!;
    if (first) copies[shard] = [p];
    else copies[shard]!.push(p);
    if (first && this.options.hedge && this.hedgeAfterMs < Infinity) this.clock.atWith(now + this.hedgeAfterMs, this.hedgeDue, p);
    if (first && this.options.tie) {
      if (this.options.tie.afterMs === 0) this.tieDue(p);
      else this.clock.atWith(now + this.options.tie.afterMs, this.tieDue, p);
    }
  }

  /**
   * The tied twin of first copy `p` leaves for another replica. If `p` started long enough ago for its
   * cancellation to have reached the twin's server, the twin is dropped there on arrival: sent, and
   * cancelled without work.
   */
  private readonly tieDue = (p: PendingLeaf): void => {
    const f = p.f;
    if (f === null || f.finished || !f.copies![p.shard]) return;
    const now = this.clock.nowMs;
    const replica = this.otherReplica(p.shard, p.replica, now);
    if (replica < 0) return;
    if (this.machines.measuring) this.counters.extraCopies++;
    const cancelArrivesMs = p.startedMs + this.options.tie!.messageMs;
    if (cancelArrivesMs <= now) {
      if (this.machines.measuring) this.counters.cancelled++;
      return;
    }
    this.send(f, p.shard, replica, false);
    // `p` started already: its cancellation is on its way.
    const twin = f.copies![p.shard]?.at(-1);
    if (cancelArrivesMs < Infinity && twin && twin !== p) this.clock.atWith(cancelArrivesMs, this.tieCancel, twin);
  };

  /** A watched copy started service: its cancellation leaves for its twins. */
  leafStarted(p: PendingLeaf, atMs: number): void {
    p.startedMs = atMs;
    const f = p.f;
    if (f === null || f.finished || this.options.tie === undefined) return;
    const out = f.copies![p.shard];
    if (!out) return;
    for (const x of out) {
      if (x === p || x.f === null) continue;
      if (!Number.isNaN(x.startedMs)) {
        if (this.machines.measuring) this.counters.bothStarted++;
      } else this.clock.atWith(atMs + this.options.tie.messageMs, this.tieCancel, x);
    }
  }

  /** A twin's cancellation arrives: it leaves the queue unless it started meanwhile (counted when it started). */
  private readonly tieCancel = (x: PendingLeaf): void => {
    if (x.f === null || x.f.finished || !Number.isNaN(x.startedMs)) return;
    this.cancelCopy(x, this.clock.nowMs);
  };

  /** A leaf answered at `doneMs`: its record back to the pool, its answer to its query. */
  private release(p: PendingLeaf, doneMs: number): void {
    const f = p.f!;
    p.f = null;
    if (!this.followsCopies) this.pendingPool.push(p);
    else if (!this.settleCopies(f, p, false)) return;
    this.answered(f, doneMs, p.path, p.hits, true);
    if (f.canary !== null && !f.finished) this.canaryDone(f, false, doneMs);
  }

  /**
   * The first copy of a shard's request to end wins: its twins are cancelled. False when the shard was
   * settled already (a copy that failed while its twin is still out leaves the shard to the twin).
   */
  private settleCopies(f: InFlight, p: PendingLeaf, failed: boolean): boolean {
    const out = f.copies![p.shard];
    if (!out) return false;
    if (failed && out.some((x) => x !== p && x.f !== null)) return false;
    f.copies![p.shard] = null;
    for (const x of out) if (x !== p) this.cancelCopy(x, this.clock.nowMs);
    return true;
  }

  /** The machine answers a pending leaf at `machineDoneMs`. */
  leafDone(p: PendingLeaf, machineDoneMs: number): void {
    const doneMs = machineDoneMs + p.netBackMs;
    if (this.tracksLoad) this.outstanding.resolve(p.machine, doneMs, true);
    if (this.leafMs !== null) this.observeLeaf(doneMs - p.sentMs);
    if (this.probation !== null) this.judge(p.machine, p.shard, doneMs - p.sentMs);
    this.release(p, doneMs);
  }

  /**
   * Probation: a machine's answer took `latencyMs`. It is judged against the other replicas of its shard
   * (same shard, same work: a difference is the machine's), so a judgement costs O(replicas).
   */
  private judge(machine: number, shard: number, latencyMs: number): void {
    const pr = this.probation!;
    const o = this.options.probation!;
    pr.meanMs[machine] = pr.samples[machine] === 0 ? latencyMs : pr.meanMs[machine] + PROBATION_EWMA_WEIGHT * (latencyMs - pr.meanMs[machine]);
    if (++pr.samples[machine] < o.minSamples) return;
    const now = this.clock.nowMs;
    if (now < pr.untilMs[machine]) return;
    const R = this.options.replicas;
    let peersMs = 0;
    let peers = 0;
    let serving = 0;
    for (let r = 0; r < R; r++) {
      const m = shard * R + r;
      if (m === machine) continue;
      if (pr.samples[m] > 0) {
        peersMs += pr.meanMs[m];
        peers++;
      }
      if (!this.passOver(shard, r, now) && this.machines.isUp(m)) serving++;
    }
    if (peers === 0 || serving === 0 || !(pr.meanMs[machine] > o.factor * (peersMs / peers))) return;
    pr.untilMs[machine] = now + o.forMs;
    pr.samples[machine] = 0;
    if (this.machines.measuring) this.counters.probations++;
  }

  /** Keeps the 'p95' hedge delay current: the observed leaf latencies' 95th percentile. */
  private observeLeaf(latencyMs: number): void {
    this.leafMs!.record(latencyMs);
    if (++this.leafAnswersSinceRefresh >= HEDGE_WARMUP_LEAVES) {
      this.leafAnswersSinceRefresh = 0;
      this.hedgeAfterMs = this.leafMs!.percentileMs(95);
    }
  }

  /**
   * A query of death crashes the machine as it starts on it (with whatever else it was serving); a copy
   * sent to a machine that is down (before the router noticed, or with no replica up) fails at once, its
   * shard missing from the answer. True when the copy failed.
   */
  private reachesDeadMachine(f: InFlight, p: PendingLeaf, machine: number, nowMs: number): boolean {
    if (this.deadly !== null && this.deadly(f.q) && this.machines.isUp(machine)) {
      if (this.machines.measuring) this.counters.crashes++;
      this.onCrash!(machine);
    }
    if (this.machines.isUp(machine)) return false;
    this.failAtOnce(f, p, nowMs);
    return true;
  }

  /** A copy that reached a down machine: as if it had failed there at once. */
  private failAtOnce(f: InFlight, p: PendingLeaf, nowMs: number): void {
    if (this.followsCopies) {
      const copies = f.copies!;
      if (copies[p.shard] === undefined) copies[p.shard] = [p];
      else copies[p.shard]!.push(p);
    }
    this.leafFailed(p, nowMs, false);
  }

  /** A pending leaf's machine failed: the shard is missing from this query's answer. */
  leafFailed(p: PendingLeaf, atMs: number, wasOutstanding = true): void {
    if (this.tracksLoad && wasOutstanding) this.outstanding.drop(p.machine);
    p.hits = 0;
    p.path.copy(NO_PATH);
    const f = p.f!;
    if (this.followsCopies && !this.settleCopies(f, p, true)) {
      p.f = null;
      return;
    }
    f.out.failedLeaves++;
    p.f = null;
    if (!this.followsCopies) this.pendingPool.push(p);
    this.answered(f, atMs, p.path, 0, false);
    if (f.canary !== null && !f.finished) this.canaryDone(f, true, atMs);
  }

  /** A shard answered (or failed: not `ok`, no hits, no path) at `doneMs`; after the deadline it counts as late. */
  private answered(f: InFlight, doneMs: number, path: LeafPath, hits: number, ok: boolean): void {
    if (f.finished) return;
    invariant(f.pending > 0, 'leaf answered twice');
    f.pending--;
    if (doneMs > f.deadlineAtMs) f.late++;
    else {
      if (ok && f.answeredAtMs !== null) {
        f.answeredAtMs[f.answeredCount++] = doneMs;
        if (this.machines.measuring) this.oneLeaf.record(doneMs - f.out.arrivalMs);
      }
      if (doneMs >= f.maxDoneMs) {
        f.maxDoneMs = doneMs;
        f.critical.copy(path);
      }
      f.hits += hits;
    }
    if (f.pending === 0) this.finish(f);
  }

  /** When 95 % of the shards, and all of them, had answered (NaN when fewer did). */
  private leavesDone(f: InFlight): void {
    const shards = this.options.shards;
    const most = Math.ceil(MOST_LEAVES_SHARE * shards);
    if (f.answeredAtMs === null || f.answeredCount < most) return;
    const at = f.answeredAtMs.subarray(0, f.answeredCount).sort();
    f.out.mostLeavesDoneMs = at[most - 1];
    if (f.answeredCount === shards) f.out.allLeavesDoneMs = at[shards - 1];
  }

  /** Starts a measured window: what the router counts starts again. */
  startMeasuring(): void {
    this.shardBusyMs.fill(0);
    this.counters.reset();
    this.oneLeaf = new LatencyRecorder();
  }

  /** The latency of one leaf request while measuring (The Tail at Scale's Table 1, first row). */
  oneLeafQuantiles(): TailQuantiles {
    return this.oneLeaf.tailQuantiles();
  }

  /** Every shard answered, failed or given up: the merge, then the query's answer. */
  private finish(f: InFlight): void {
    f.finished = true;
    this.leavesDone(f);
    const mergeMs = this.options.hops ? mergeCpuMs(this.options.hardware.cpu, f.hits) : 0;
    const rankMs = f.out.funnel ? this.rootStages(f) : 0;
    const shards = this.options.shards;
    f.out.coverage = (shards - f.late - f.out.failedLeaves) / shards;
    f.out.doneMs = (f.late > 0 ? f.deadlineAtMs : f.maxDoneMs) + mergeMs + rankMs;
    f.out.serviceMs = f.critical.serviceMs + mergeMs + rankMs;
    const critical = f.out.path;
    critical.networkMs = f.critical.networkMs;
    critical.seekMs = f.critical.seekMs;
    critical.rotationMs = f.critical.rotationMs;
    critical.transferMs = f.critical.transferMs;
    critical.cpuMs = f.critical.cpuMs;
    critical.mergeMs = mergeMs;
    critical.rankMs = rankMs;
    f.out.energyJ += busyJoules(this.options.hardware.cpu.wattsPerCore, mergeMs);
    f.onDone(f.out);
  }

  /** The funnel's stages at the root, after the merge: their time, booked in the outcome's funnel work. */
  private rootStages(f: InFlight): number {
    const work = f.out.funnel!;
    const funnel = this.options.funnel!;
    work.sentUp = f.hits;
    work.criticalRerankMs = f.critical.rerankMs;
    let candidates = Math.min(f.hits, funnel.leafKeep);
    work.merged = candidates;
    let totalMs = 0;
    for (const stage of funnel.rootStages) {
      const ms = candidates * stage.msPerCandidate;
      work.rootIn.push(candidates);
      work.rootMs.push(ms);
      f.out.energyJ += busyJoules(stage.watts, ms);
      totalMs += ms;
      candidates = Math.min(candidates, stage.keep);
    }
    work.results = candidates;
    return totalMs;
  }
}
