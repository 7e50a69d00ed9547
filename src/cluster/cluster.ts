import { errors, staticRankKey, type Rng } from '../core/index.ts';
import type { HardwarePreset } from '../hardware/index.ts';
import type { Clock } from '../sim/index.ts';
import { MachineBank, type IndexMode } from './machines.ts';
import { PendingLeaf, Router, type HedgeOptions, type ProbationOptions, type RouterFunnel, type TieOptions } from './router.ts';
import { replicaSelector, type SelectionPolicy } from './selection.ts';
import type { QueryOutcome, ServingFigures, ServingModel } from './serving.ts';
import type { PreparedQuery, ServiceModel } from './service.ts';

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
  /** Machines whose requests can be cancelled and that can fail (see `MachineBank`); default off. */
  tracked?: boolean;
  /** The router's deadline for partial answers (see RouterOptions.deadlineMs). */
  deadlineMs?: number;
  hedge?: HedgeOptions;
  tie?: TieOptions;
  /**
   * A share of the machines (chosen by the seed) that serve `factor` times slower (The Tail at Scale's
   * slow machines: contention, throttling, a bad disk).
   */
  slowMachines?: { share: number; factor: number };
  /**
   * Periodic background work on every machine: every `everyMs` (from a seeded phase per machine) its
   * cores are taken for `forMs` (The Tail at Scale: daemons, compactions, garbage collection).
   */
  stalls?: { everyMs: number; forMs: number };
  /** Every machine fails after an exponential time of mean `mtbfMs` and is repaired after one of mean `mttrMs` (seeded). */
  failures?: { mtbfMs: number; mttrMs: number };
  /** Failures at given times: `machine` down from `atMs` for `forMs`. */
  outages?: readonly { machine: number; atMs: number; forMs: number }[];
  /** How long the router takes to notice a machine down or back (default 0). */
  detectionMs?: number;
  /** Queries of death: a seeded share of queries crashes every machine that runs it; each is repaired after `repairMs`. */
  queriesOfDeath?: { share: number; repairMs: number };
  /** Canary requests at the router (RouterOptions.canaries). */
  canaries?: { count: number; maxCrashes: number };
  /** A ranking funnel's stages at the router (RouterOptions.funnel). */
  funnel?: RouterFunnel;
  /** Latency-induced probation at the router (RouterOptions.probation). */
  probation?: ProbationOptions;
}

/** Failures and repairs are drawn this far ahead of the latest query (in mean repair times), not forever. */
const FAILURE_LOOKAHEAD_REPAIRS = 4;

/** The router's tail tolerance cancels requests, so it needs a tracked bank. */
function needsTracking(o: ClusterOptions): boolean {
  return o.tracked === true || o.deadlineMs !== undefined || o.hedge !== undefined || o.tie !== undefined || o.failures !== undefined || (o.outages?.length ?? 0) > 0 || o.queriesOfDeath !== undefined || o.canaries !== undefined || o.probation !== undefined;
}

/**
 * S shards x R replicas of modelled machines (docs/DESIGN.md section 4) on a simulation's clock: the serving
 * seam's simulated implementation. The router fans each query out and merges; the machine bank times
 * each leaf request on the chosen machine's disks and cores; the service model says what a leaf asks.
 */
export class SimulatedCluster implements ServingModel {
  readonly shards: number;
  readonly replicas: number;
  readonly machines: number;
  readonly hardware: HardwarePreset;
  readonly router: Router;
  readonly bank: MachineBank<PendingLeaf>;

  constructor(
    private readonly clock: Clock,
    readonly options: ClusterOptions,
    service: ServiceModel,
    rng: Rng,
  ) {
    const o = options;
    for (const [k, v] of [['cluster.shards', o.shards], ['cluster.replicas', o.replicas], ['cluster.coresPerMachine', o.cores], ['cluster.disksPerMachine', o.disks]] as const) {
      if (!Number.isInteger(v) || v < 1) throw errors.option(k, 'a positive integer', v);
    }
    this.shards = o.shards;
    this.replicas = o.replicas;
    this.machines = o.shards * o.replicas;
    this.hardware = o.hardware;
    checkTail(o);
    this.router = new Router(
      clock,
      { shards: o.shards, replicas: o.replicas, hardware: o.hardware, hops: o.hops, deadlineMs: o.deadlineMs, hedge: o.hedge, tie: o.tie, detectionMs: o.detectionMs, canaries: o.canaries, probation: o.probation, funnel: o.funnel },
      service,
      replicaSelector(o.selection, o.shards, rng.fork('replica-selection')),
    );
    this.bank = new MachineBank<PendingLeaf>(
      clock,
      { machines: this.machines, cores: o.cores, disks: o.disks, mode: o.mode, hardware: o.hardware, cacheBytes: o.cacheBytes, tracked: needsTracking(o) },
      this.router,
    );
    this.router.attach(this.bank);
    if (o.slowMachines) this.slowDown(o.slowMachines, rng.fork('slow-machines'));
    for (const x of o.outages ?? []) {
      clock.at(x.atMs, () => this.down(x.machine));
      clock.at(x.atMs + x.forMs, () => this.up(x.machine));
    }
    if (o.failures) this.failures = new FailureProcess(this.machines, o.failures, rng.fork('failures'));
    if (o.stalls) this.stalls = new StallProcess(this.machines, o.stalls.everyMs, rng.fork('stalls'));
    if (o.queriesOfDeath) this.armQueriesOfDeath(o.queriesOfDeath, rng.fork('queries-of-death').int(2 ** 31));
  }

  /** Which queries are deadly (a seeded hash of their sequence number) and what a crash does. */
  private armQueriesOfDeath(qod: { share: number; repairMs: number }, seed: number): void {
    const limit = qod.share * 2 ** 32;
    this.router.deadly = (q) => staticRankKey(`q${q.seq}`, seed) < limit;
    this.router.onCrash = (machine) => {
      this.down(machine);
      this.clock.at(this.clock.nowMs + qod.repairMs, () => this.up(machine));
    };
  }

  private readonly failures: FailureProcess | null = null;
  private readonly stalls: StallProcess | null = null;

  private down(machine: number): void {
    if (!this.bank.isUp(machine)) return;
    this.bank.down(machine, this.clock.nowMs);
    this.router.machineDown(machine, this.clock.nowMs);
  }
  private up(machine: number): void {
    if (this.bank.isUp(machine)) return;
    this.bank.up(machine, this.clock.nowMs);
    this.router.machineUp(machine, this.clock.nowMs);
  }

  /** Schedules the failures and repairs due before `untilMs` (drawn lazily, so a run still ends). */
  private scheduleFailures(untilMs: number): void {
    this.failures!.drawUntil(untilMs, (machine, atMs, down) => this.clock.at(atMs, () => (down ? this.down(machine) : this.up(machine))));
  }

  /** Schedules the background stalls due before the next period after `nowMs` (drawn lazily). */
  private scheduleStalls(nowMs: number): void {
    const forMs = this.options.stalls!.forMs;
    this.stalls!.drawUntil(nowMs + this.options.stalls!.everyMs, (machine, atMs) => this.clock.at(atMs, () => this.bank.stall(machine, atMs, forMs)));
  }

  /** Makes round(share x machines) machines, a seeded sample, `factor` times slower. */
  private slowDown(slow: { share: number; factor: number }, rng: Rng): void {
    for (const m of slowMachineIds(this.machines, slow.share, rng)) this.bank.setSlowdown(m, slow.factor);
  }

  submit(q: PreparedQuery, onDone: (o: QueryOutcome) => void): void {
    if (this.failures) this.scheduleFailures(this.clock.nowMs + FAILURE_LOOKAHEAD_REPAIRS * this.options.failures!.mttrMs);
    if (this.stalls) this.scheduleStalls(this.clock.nowMs);
    this.router.submit(q, onDone);
  }

  chargeCpu(machine: number, nowMs: number, cpuMs: number): number {
    return this.bank.chargeCpu(machine, nowMs, cpuMs);
  }
  chargeDisk(machine: number, nowMs: number, ioMs: number): number {
    return this.bank.chargeDisk(machine, nowMs, ioMs);
  }

  setOutOfRotation(outOfRotation: ((replica: number, nowMs: number) => boolean) | null): void {
    this.router.outOfRotation = outOfRotation;
  }

  /** No result cache here: the router always asks the shards (ResultCache wraps a serving model). */
  indexWentLive(): void {}

  startMeasuring(): void {
    this.bank.startMeasuring(this.clock.nowMs);
    this.router.startMeasuring();
  }
  stopMeasuring(): void {
    this.bank.stopMeasuring();
  }

  figures(startMs: number, endMs: number): ServingFigures {
    const { cpu, disk } = this.bank.utilisation(startMs, endMs);
    const c = this.router.counters;
    return {
      cpu,
      disk,
      shardBusyMs: this.router.shardBusyMs.slice(),
      updateBusyMs: this.bank.updateBusyMs,
      serversPerMachine: this.options.cores + this.options.disks,
      oneLeafMs: this.router.oneLeafQuantiles(),
      leafRequests: { first: c.firstCopies, extra: c.extraCopies, cancelled: c.cancelled, bothStarted: c.bothStarted, crashes: c.crashes, refused: c.refused, probations: c.probations },
      resultCache: null,
    };
  }
}

/**
 * Seeded failures and repairs of every machine: up for an exponential time of mean MTBF, down for one of
 * mean MTTR, independently (the availability of one machine is MTBF / (MTBF + MTTR)).
 */
class FailureProcess {
  /** Per machine: its next change, and whether that change takes it down. */
  private readonly nextMs: Float64Array;
  private readonly nextDown: Uint8Array;
  private drawnUntilMs = 0;

  constructor(
    machines: number,
    private readonly spec: { mtbfMs: number; mttrMs: number },
    private readonly rng: Rng,
  ) {
    this.nextMs = Float64Array.from({ length: machines }, () => rng.exponential(spec.mtbfMs));
    this.nextDown = new Uint8Array(machines).fill(1);
  }

  /** Tells `emit` every change before `untilMs` not told yet, machine by machine. */
  drawUntil(untilMs: number, emit: (machine: number, atMs: number, down: boolean) => void): void {
    // Drawn in steps of at least one repair time, so a query does not pay a pass over every machine.
    if (untilMs <= this.drawnUntilMs) return;
    const to = Math.max(untilMs, this.drawnUntilMs + this.spec.mttrMs);
    for (let m = 0; m < this.nextMs.length; m++) {
      while (this.nextMs[m] < to) {
        const down = this.nextDown[m] === 1;
        emit(m, this.nextMs[m], down);
        this.nextMs[m] += this.rng.exponential(down ? this.spec.mttrMs : this.spec.mtbfMs);
        this.nextDown[m] = down ? 0 : 1;
      }
    }
    this.drawnUntilMs = to;
  }
}

/** Each machine's background stalls: every `everyMs` from a seeded phase in [0, everyMs). */
/**
 * The machines `faults.slowMachines` slows: round(share x machines) of them, a seeded sample (the first of
 * a uniform permutation, by a partial Fisher-Yates shuffle). A live cluster draws the same ones from the
 * same stream.
 */
export function slowMachineIds(machines: number, share: number, rng: Rng): number[] {
  const ids = Array.from({ length: machines }, (_, i) => i);
  const n = Math.round(share * machines);
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(machines - i);
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  return ids.slice(0, n);
}

/** Each machine's periodic stalls (`faults.stalls`) at a seeded phase, drawn as the run goes; the live cluster draws the same. */
export class StallProcess {
  private readonly nextMs: Float64Array;
  private drawnUntilMs = 0;

  constructor(
    machines: number,
    private readonly everyMs: number,
    rng: Rng,
  ) {
    this.nextMs = Float64Array.from({ length: machines }, () => rng.next() * everyMs);
  }

  /** Tells `emit` every stall before `untilMs` not told yet, in steps of at least one period. */
  drawUntil(untilMs: number, emit: (machine: number, atMs: number) => void): void {
    if (untilMs <= this.drawnUntilMs) return;
    const to = Math.max(untilMs, this.drawnUntilMs + this.everyMs);
    for (let m = 0; m < this.nextMs.length; m++) {
      for (; this.nextMs[m] < to; this.nextMs[m] += this.everyMs) emit(m, this.nextMs[m]);
    }
    this.drawnUntilMs = to;
  }
}

/** The tail options' ranges, named as the scenario names them. */
function checkTail(o: ClusterOptions): void {
  if (o.deadlineMs !== undefined && !(o.deadlineMs > 0 && o.deadlineMs < Infinity)) throw errors.option('router.deadlineMs', 'a positive number of milliseconds', o.deadlineMs);
  if (o.hedge) {
    const a = o.hedge.afterMs;
    if (a !== 'p95' && !(a >= 0 && a < Infinity)) throw errors.option('router.hedge.afterMs', 'a delay of 0 ms or more, or "p95"', a);
    if (!(o.hedge.maxExtraShare >= 0 && o.hedge.maxExtraShare <= 1)) throw errors.option('router.hedge.maxExtraShare', 'a share from 0 to 1', o.hedge.maxExtraShare);
  }
  if (o.tie) {
    if (!(o.tie.afterMs >= 0 && o.tie.afterMs < Infinity)) throw errors.option('router.tie.afterMs', 'a delay of 0 ms or more', o.tie.afterMs);
    if (!(o.tie.messageMs >= 0 && o.tie.messageMs < Infinity)) throw errors.option('router.tie.messageMs', 'a delay of 0 ms or more', o.tie.messageMs);
  }
  if (o.failures) {
    if (!(o.failures.mtbfMs > 0 && o.failures.mtbfMs < Infinity)) throw errors.option('faults.failures.mtbfMs', 'a positive number of milliseconds', o.failures.mtbfMs);
    if (!(o.failures.mttrMs > 0 && o.failures.mttrMs < Infinity)) throw errors.option('faults.failures.mttrMs', 'a positive number of milliseconds', o.failures.mttrMs);
  }
  const machines = o.shards * o.replicas;
  (o.outages ?? []).forEach((x, i) => {
    if (!(Number.isInteger(x.machine) && x.machine >= 0 && x.machine < machines)) throw errors.option(`faults.outages[${i}].machine`, `a machine from 0 to ${machines - 1}`, x.machine);
    if (!(x.atMs >= 0 && x.atMs < Infinity)) throw errors.option(`faults.outages[${i}].atMs`, 'a time of 0 ms or more', x.atMs);
    if (!(x.forMs > 0 && x.forMs < Infinity)) throw errors.option(`faults.outages[${i}].forMs`, 'a positive number of milliseconds', x.forMs);
  });
  if (o.queriesOfDeath) {
    if (!(o.queriesOfDeath.share >= 0 && o.queriesOfDeath.share <= 1)) throw errors.option('faults.queriesOfDeath.share', 'a share from 0 to 1', o.queriesOfDeath.share);
    if (!(o.queriesOfDeath.repairMs > 0 && o.queriesOfDeath.repairMs < Infinity)) throw errors.option('faults.queriesOfDeath.repairMs', 'a positive number of milliseconds', o.queriesOfDeath.repairMs);
  }
  if (o.canaries) {
    if (!(Number.isInteger(o.canaries.count) && o.canaries.count >= 1)) throw errors.option('router.canaries.count', 'a whole number of 1 or more', o.canaries.count);
    if (!(Number.isInteger(o.canaries.maxCrashes) && o.canaries.maxCrashes >= 1)) throw errors.option('router.canaries.maxCrashes', 'a whole number of 1 or more', o.canaries.maxCrashes);
  }
  if (o.probation) {
    if (!(o.probation.factor > 1 && o.probation.factor < Infinity)) throw errors.option('router.probation.factor', 'a factor above 1', o.probation.factor);
    if (!(o.probation.forMs > 0 && o.probation.forMs < Infinity)) throw errors.option('router.probation.forMs', 'a positive number of milliseconds', o.probation.forMs);
    if (!(Number.isInteger(o.probation.minSamples) && o.probation.minSamples >= 1)) throw errors.option('router.probation.minSamples', 'a whole number of 1 or more', o.probation.minSamples);
  }
  if (o.stalls) {
    if (!(o.stalls.everyMs > 0 && o.stalls.everyMs < Infinity)) throw errors.option('faults.stalls.everyMs', 'a positive number of milliseconds', o.stalls.everyMs);
    if (!(o.stalls.forMs > 0 && o.stalls.forMs < o.stalls.everyMs)) throw errors.option('faults.stalls.forMs', `a positive number of milliseconds below everyMs (${o.stalls.everyMs})`, o.stalls.forMs);
  }
  if (o.slowMachines) {
    if (!(o.slowMachines.share >= 0 && o.slowMachines.share <= 1)) throw errors.option('faults.slowMachines.share', 'a share from 0 to 1', o.slowMachines.share);
    if (!(o.slowMachines.factor >= 1 && o.slowMachines.factor < Infinity)) throw errors.option('faults.slowMachines.factor', 'a factor of 1 or more', o.slowMachines.factor);
  }
}
