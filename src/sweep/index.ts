/**
 * Capacity planning: sweeps of layouts and loads, the highest load a layout holds under an SLO, the
 * Pareto frontier and the cheapest layout for a target. Runs go through the `PointRunner` seam: in this
 * thread (`LocalRunner`), over worker threads (`PoolRunner`) or as jobs on a BullMQ queue in Redis that
 * workers on any machine take (`QueueRunner`, `serveQueue`).
 */
export { MAX_POINTS, axesOf, gridPoints, parseSet } from './grid.ts';
export type { GridPoint, SweepAxes } from './grid.ts';
export { DEFAULT_PLAN_LAYOUTS, plan } from './plan.ts';
export type { PlanOptions, PlanReport } from './plan.ts';
export { PoolRunner } from './pool.ts';
export { LocalRunner, jobScenario, summarise } from './runner.ts';
export type { PointRunner, RunJob } from './runner.ts';
export { DEFAULT_SEARCH, estimate, findMaxQps, probe } from './search.ts';
export type { Estimate, MaxQps, Probe, SearchOptions } from './search.ts';
export { frontiers, sweep } from './sweep.ts';
export type { SweepOptions } from './sweep.ts';
export { DEFAULT_LOCK_MS, DEFAULT_QUEUE_NAME, KEEP_FINISHED_S, QUEUE_FORMAT_VERSION, QueueRunner, decodeJob, encodeJob, parseQueueAddress, serveQueue } from './queue.ts';
export type { QueueAddress, QueueCounts, QueueJobData, QueueWorker, QueueWorkerOptions } from './queue.ts';
