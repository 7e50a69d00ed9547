import { errors, type Rng } from '../core/index.ts';
import type { HardwarePreset } from '../hardware/index.ts';
import type { Clock } from '../sim/index.ts';
import { MachineBank, type IndexMode } from './machines.ts';
import { PendingLeaf, Router } from './router.ts';
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
    this.router = new Router(clock, { shards: o.shards, replicas: o.replicas, hardware: o.hardware, hops: o.hops }, service, replicaSelector(o.selection, o.shards, rng.fork('replica-selection')));
    this.bank = new MachineBank<PendingLeaf>(
      clock,
      { machines: this.machines, cores: o.cores, disks: o.disks, mode: o.mode, hardware: o.hardware, cacheBytes: o.cacheBytes, tracked: o.tracked },
      this.router,
    );
    this.router.attach(this.bank);
  }

  submit(q: PreparedQuery, onDone: (o: QueryOutcome) => void): void {
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

  startMeasuring(): void {
    this.bank.startMeasuring(this.clock.nowMs);
    this.router.shardBusyMs.fill(0);
  }
  stopMeasuring(): void {
    this.bank.stopMeasuring();
  }

  figures(startMs: number, endMs: number): ServingFigures {
    const { cpu, disk } = this.bank.utilisation(startMs, endMs);
    return { cpu, disk, shardBusyMs: this.router.shardBusyMs.slice(), updateBusyMs: this.bank.updateBusyMs, serversPerMachine: this.options.cores + this.options.disks };
  }
}
