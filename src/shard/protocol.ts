import type { ErrorCode } from '../core/index.ts';
import type {
  GlobalStats,
  Hit,
  SearchRequest,
  ShardInfo,
  ShardResult,
  ShardSetSpec,
  ShardStats,
  UpdateOp,
  UpdateResult,
} from '../index/index.ts';

/**
 * Every message between the main thread and a shard worker, in one place (piscina's habit). Each worker
 * owns a fixed set of shards for its whole life; a task answers for all of them at once, so one round
 * trip (about 50-60 us here) serves a whole batch of queries.
 */
export const PROTOCOL_VERSION = 1;

export type ShardTask =
  | { type: 'load'; version: number; spec: ShardSetSpec; shards: number[] }
  | { type: 'info' }
  | { type: 'vocabulary' }
  | { type: 'stats'; terms: string[] }
  | { type: 'search'; requests: SearchRequest[]; globals: GlobalStats[] }
  /** Packed work only, sparse: see `ShardGroup.work`. */
  | { type: 'work'; requests: SearchRequest[]; globals: GlobalStats[]; hits?: boolean }
  | { type: 'update'; ops: UpdateOp[] }
  | { type: 'close' };

/** What each task answers; results are per owned shard, in the order of `load.shards`. */
export interface ShardReplies {
  load: { docs: number };
  info: ShardInfo[];
  vocabulary: string[];
  stats: ShardStats[];
  search: ShardResult[][];
  work: { work: Float64Array; hits: Hit[][] | null };
  update: UpdateResult;
  close: null;
}

/**
 * Errors cross the thread as data: a structured clone keeps an Error's message but not its class or
 * code, and the CLI needs the code to tell a user's mistake (exit 2) from a bug.
 */
export type Reply<T> = { ok: true; value: T } | { ok: false; code: ErrorCode | 'E_WORKER'; message: string; stack?: string };
