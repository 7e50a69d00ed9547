import { ResultCache, SimulatedCluster, type ClusterOptions, type ResultCacheOptions, type PreparedQuery, type QueryOutcome, type ServiceModel, type ServingModel } from '../cluster/index.ts';
import { Rng, errors, invariant } from '../core/index.ts';
import { Simulation, type DrivenClock } from '../sim/index.ts';
import { openArrivals, type ArrivalSpec } from './arrivals.ts';
import { driveWithUpdates, type FreshnessReport, type ReplayUpdates } from './changeStream.ts';
import { driveClosedLoop } from './closedLoop.ts';
import type { ReplayRun } from './driver.ts';
import { Measurement, type MeasuredFigures } from './measurement.ts';
import { driveOpenLoop } from './openLoop.ts';
import { QueryStream, type Preparer } from './queryStream.ts';
import type { SourcedQuery } from './source.ts';

export interface ReplaySpec {
  seed: number;
  /** Queries in the run, warm-up included. */
  queries: number;
  /** The first queries warm caches and queues and are left out of every statistic. */
  warmupQueries: number;
  arrival: ArrivalSpec;
  /** Queries prepared per round trip to the shards. */
  chunk?: number;
  /** Buckets of the buffer-cache hit ratio series. */
  cacheBuckets?: number;
  /** Whether the serving model has buffer caches to report (disk mode). */
  reportCache?: boolean;
  /** Called with every query's outcome, warm-up included (for scripted experiments). */
  onOutcome?: (o: QueryOutcome) => void;
  /** A change stream and how it reaches the machines (open-loop workloads only). */
  updates?: ReplayUpdates;
}

export interface ReplayResult extends MeasuredFigures {
  freshness: FreshnessReport | null;
  events: number;
}

/** Where a replay runs: a clock the drivers advance and a serving model on it. */
export interface ReplayTarget {
  clock: DrivenClock;
  serving: ServingModel;
  /** Whether a result cache answers in front of the router (its hit ratio and latency over the run are kept). */
  resultCache?: boolean;
}

/**
 * The simulated target: a fresh simulation and the cluster it times (streams forked from `seed`), behind
 * a result cache when one is asked for.
 */
export function simulatedTarget(cluster: ClusterOptions, service: ServiceModel, seed: number, resultCache?: Omit<ResultCacheOptions, 'hardware' | 'hops'>): ReplayTarget {
  const clock = new Simulation();
  const simulated = new SimulatedCluster(clock, cluster, service, new Rng(seed).fork('cluster'));
  const serving = resultCache ? new ResultCache(clock, simulated, { ...resultCache, hardware: cluster.hardware, hops: cluster.hops }) : simulated;
  return { clock, serving, resultCache: resultCache !== undefined };
}

/**
 * Replays a workload on a serving model: queries stream in chunks, each prepared (run for real on the
 * shards) before its arrivals are scheduled, so memory stays bounded however long the trace; a driver
 * decides the arrivals (open loop, closed loop, or open loop among a change stream) and a Measurement
 * records what happens.
 */
export async function replay(
  spec: ReplaySpec,
  source: AsyncIterable<SourcedQuery>,
  preparer: Preparer,
  target: ReplayTarget,
  onProgress?: (done: number, total: number) => void,
): Promise<ReplayResult> {
  checkCounts(spec);
  const { clock, serving } = target;
  const rng = new Rng(spec.seed);
  const measurement = new Measurement({ ...spec, resultCache: target.resultCache === true });
  const queries = new QueryStream(source, preparer, spec.queries, spec.chunk ?? 2048, onProgress);
  serving.stopMeasuring();
  const run: ReplayRun = {
    clock,
    serving,
    queries,
    rng,
    measuredFrom: spec.warmupQueries,
    arrive(q: PreparedQuery, then?: (o: QueryOutcome) => void): void {
      if (q.seq === spec.warmupQueries) serving.startMeasuring();
      measurement.arrived(q.seq, clock.nowMs);
      serving.submit(q, (o) => {
        measurement.completed(o, clock.nowMs);
        spec.onOutcome?.(o);
        then?.(o);
      });
    },
  };

  let freshness: Omit<FreshnessReport, 'updateUtilisation'> | null = null;
  if (spec.arrival.kind === 'closed') {
    if (spec.updates) throw errors.option('updates', 'used with an open-loop workload (fixed, poisson, diurnal or trace arrivals)', 'closed');
    await driveClosedLoop(run, spec.arrival);
  } else if (spec.updates) {
    freshness = await driveWithUpdates(run, spec.updates, openArrivals(spec.arrival, rng.fork('arrivals')));
  } else {
    await driveOpenLoop(run, openArrivals(spec.arrival, rng.fork('arrivals')));
  }

  const total = queries.prepared;
  invariant(measurement.outcomes === total, `every query completes (${measurement.outcomes} of ${total})`);
  if (total <= spec.warmupQueries) {
    throw errors.option('workload.warmupQueries', `fewer than the ${total} queries the workload has`, spec.warmupQueries);
  }
  const { startMs, endMs, windowMs } = measurement.window;
  const figures = serving.figures(startMs, endMs);
  return {
    ...measurement.figures(total, figures, spec.reportCache === true),
    freshness: freshness && {
      ...freshness,
      updateUtilisation: figures.updateBusyMs / (windowMs * serving.machines * figures.serversPerMachine),
    },
    events: clock.processedEvents,
  };
}

function checkCounts(spec: ReplaySpec): void {
  if (!Number.isInteger(spec.queries) || spec.queries < 1) throw errors.option('workload.queries', 'a positive integer', spec.queries);
  if (!Number.isInteger(spec.warmupQueries) || spec.warmupQueries < 0 || spec.warmupQueries >= spec.queries) {
    throw errors.option('workload.warmupQueries', `an integer from 0 to ${spec.queries - 1} (fewer than workload.queries)`, spec.warmupQueries);
  }
}
