export { WorkerShards } from './pool.ts';
export type { WorkerShardsOptions } from './pool.ts';
export { PROTOCOL_VERSION } from './protocol.ts';
export { LiveMachines } from './liveMachines.ts';
export type { LiveMachinesSpec } from './liveMachines.ts';
export type { LeafAnswer, LiveDiskSpec } from './liveMachine.ts';
export { WallWait, sleepUntil, wallMs } from './wallTimer.ts';
export type { Reply, ShardReplies, ShardTask } from './protocol.ts';

import { LocalShards, type ShardSet, type ShardSetSpec } from '../index/index.ts';
import { WorkerShards } from './pool.ts';

/** Opens shards in worker threads, or in this thread when `threads` is 0. */
export async function openShards(spec: ShardSetSpec, threads?: number): Promise<ShardSet> {
  return threads === 0 ? LocalShards.open(spec) : WorkerShards.open(spec, { threads });
}
