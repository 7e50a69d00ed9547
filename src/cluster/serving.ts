import type { HardwarePreset } from '../hardware/index.ts';
import type { TailQuantiles } from '../metrics/index.ts';
import type { PreparedQuery } from './service.ts';

/** What happened to one query. Times are milliseconds on the serving model's clock. */
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
  /** Leaf requests that never answered (their machine failed); 0 in a healthy cluster. */
  failedLeaves: number;
  /** Share of the shards in the answer (1 unless some failed or missed the router's deadline). */
  coverage: number;
  /** The service time along the critical path (the last leaf to answer, then the merge), by kind. */
  path: CriticalPath;
  /**
   * When 95 % of the shards had answered, and when all had (before the merge); NaN when fewer answered
   * or the fan-out is under 20 shards (The Tail at Scale's Table 1 measures both at the root).
   */
  mostLeavesDoneMs: number;
  allLeavesDoneMs: number;
  /**
   * Answered by a result cache in front of the router: when the cached answer was computed (its first
   * query's arrival) and the documents it returns. Null: the shards answered.
   */
  cachedAnswer: CachedAnswer | null;
  /** The query repeats an earlier one of the run (a result cache's hit, had it no size limit or flushes). */
  repeatsEarlier: boolean;
  /** The documents the answer returned, where the serving model learns them as it answers (the live cluster). */
  hitIds?: readonly string[];
  /** With a ranking funnel: the query's work stage by stage. */
  funnel?: FunnelWork;
}

/**
 * A query's work in a ranking funnel, summed over the leaves that answered in time: the first stage
 * (BM25 top k on each leaf), the re-ranking stage on the leaves, the candidates sent up and each stage
 * at the root.
 */
export interface FunnelWork {
  /** First-stage candidates over all leaves (modelled). */
  candidates: number;
  /** Leaf core time of the first stage and of the re-ranking stage, over all leaves. */
  firstCpuMs: number;
  rerankCpuMs: number;
  /** The critical leaf's re-ranking time (a part of `path.cpuMs`). */
  criticalRerankMs: number;
  /** Candidates the leaves sent up to the root, the merge kept, and the query returned. */
  sentUp: number;
  merged: number;
  results: number;
  /** Per root stage: the candidates it scored and its time (their sum is `path.rankMs`). */
  rootIn: number[];
  rootMs: number[];
}

/** A query's funnel work before any leaf answered. */
export function emptyFunnelWork(): FunnelWork {
  return { candidates: 0, firstCpuMs: 0, rerankCpuMs: 0, criticalRerankMs: 0, sentUp: 0, merged: 0, results: 0, rootIn: [], rootMs: [] };
}

/** An answer a result cache kept. */
export interface CachedAnswer {
  computedAtMs: number;
  /** The documents it returns, where the query's receipt named them (staleness under updates). */
  hitIds: readonly string[] | undefined;
}


/** Where a query's service time went: `serviceMs` is their sum; queueing is latency less it. */
export interface CriticalPath {
  networkMs: number;
  seekMs: number;
  rotationMs: number;
  transferMs: number;
  cpuMs: number;
  mergeMs: number;
  /** Ranking stages at the root after the merge (a funnel's final model; 0 without one). */
  rankMs: number;
}

/** What an update policy may charge to the serving machines (applying a change). */
export interface UpdateCharges {
  readonly hardware: HardwarePreset;
  /** Books `cpuMs` of CPU on `machine` at `nowMs` (the clock's now); returns when it ends. */
  chargeCpu(machine: number, nowMs: number, cpuMs: number): number;
  /** Books `ioMs` on the machine's first disk at `nowMs`; returns when it ends. */
  chargeDisk(machine: number, nowMs: number, ioMs: number): number;
}

/** A serving model's figures over a measured window. Machine m is shard m / replicas, replica m % replicas. */
export interface ServingFigures {
  /** Busy share of each machine's cores, and of its disks. */
  cpu: Float64Array;
  disk: Float64Array;
  /** Work (CPU + disk) done for queries per shard while measuring. */
  shardBusyMs: Float64Array;
  /** Machine time (CPU + disk) spent on work that is not a query, while measuring. */
  updateBusyMs: number;
  /** Servers per machine (cores + disks): what `updateBusyMs` is a share of, with the window. */
  serversPerMachine: number;
  /**
   * While measuring: leaf requests sent as first copies, as extra copies (hedges, tied twins), and
   * cancelled; tied copies that started while their twin ran; machines crashed by queries of death;
   * queries refused after their canaries crashed; machines put on latency-induced probation.
   */
  leafRequests: { first: number; extra: number; cancelled: number; bothStarted: number; crashes: number; refused: number; probations: number };
  /** While measuring: the latency of one leaf request as the router sees it, from the query's arrival to the answer. */
  oneLeafMs: TailQuantiles;
  /** A result cache in front of the router: its size and when it was flushed (a new index went live); null without one. */
  resultCache: { entries: number; maxAgeMs: number | null; flushesAtMs: number[] } | null;
}

/**
 * The serving seam: a cluster that takes queries at instants and answers them. The simulated cluster
 * (`SimulatedCluster`: router plus machine bank, timed by a model on the simulation's clock) is one
 * implementation; a live cluster on real threads is the other. Both keep one contract
 * (tests/cluster/servingModel.contract.test.ts):
 * - every submitted query is answered exactly once, with its `seq`, `doneMs >= arrivalMs` and a service
 *   time no longer than its latency;
 * - an idle cluster answers in exactly the service time; charged work delays the queries behind it;
 * - busy shares lie in [0, 1] and count only the measured window.
 * An outcome may be delivered before the clock reaches its `doneMs` (a simulation often knows the end of
 * a request when it starts); a caller that acts at the answer schedules at `doneMs`.
 */
export interface ServingModel extends UpdateCharges {
  readonly shards: number;
  readonly replicas: number;
  readonly machines: number;
  /** A query reaches the router at the clock's now; `onDone` runs once with its outcome. */
  submit(q: PreparedQuery, onDone: (o: QueryOutcome) => void): void;
  /** Replicas that may not serve (a batch rollout reloading them); null: all serve. */
  setOutOfRotation(outOfRotation: ((replica: number, nowMs: number) => boolean) | null): void;
  /** A new index went live on every replica at the clock's now: answers computed on the old one are stale. */
  indexWentLive(): void;
  /** Starts the measured window at the clock's now (the backlog still owed counts as busy inside it). */
  startMeasuring(): void;
  /** Stops booking busy time: work after this is outside the window. */
  stopMeasuring(): void;
  /** Figures over the measured window [startMs, endMs]. */
  figures(startMs: number, endMs: number): ServingFigures;
}
