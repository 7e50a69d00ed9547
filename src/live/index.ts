/**
 * Live mode: the same shards served on worker threads in wall-clock time (the serving seam's live
 * implementation), so the simulator can be held to a real run.
 */
export { LiveCluster } from './liveCluster.ts';
export type { LiveClusterOptions } from './liveCluster.ts';
export { LivePreparer } from './preparer.ts';
export type { LivePreparerOptions } from './preparer.ts';
export { WallClock } from './wallClock.ts';
export { calibrateHost, fitCpu, measuredOf } from './calibrate.ts';
export type { CalibrateOptions, HostCalibration, Measured } from './calibrate.ts';
