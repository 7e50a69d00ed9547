import type { PreparedQuery, QueryOutcome, ServingModel } from '../cluster/index.ts';
import type { Rng } from '../core/index.ts';
import type { DrivenClock } from '../sim/index.ts';
import type { QueryStream } from './queryStream.ts';

/**
 * What a workload driver works with: the clock it moves, the serving model it submits to, the queries in
 * order, and `arrive`, which submits a query at the clock's now and has its outcome measured. A driver
 * decides only when queries arrive (open loop, closed loop, among a change stream).
 */
export interface ReplayRun {
  readonly clock: DrivenClock;
  readonly serving: ServingModel;
  readonly queries: QueryStream;
  /** The first measured query's `seq` (the warm-up's length). */
  readonly measuredFrom: number;
  /** The run's random stream (drivers fork their own from it). */
  readonly rng: Rng;
  /** Submits `q` now; its outcome is measured, and `then` hears it too. */
  arrive(q: PreparedQuery, then?: (o: QueryOutcome) => void): void;
}

/** Arrivals simulated between two yields to the event loop. */
export const SLICE = 128;

/** Lets other work of the process (the next chunk's preparation on the shard workers) proceed. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
