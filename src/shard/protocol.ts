import type { ErrorData } from '../core/index.ts';
import type { LeafAnswer, LiveDiskSpec } from './liveMachine.ts';
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
export const PROTOCOL_VERSION = 3;

/**
 * A worker may hold several sets of its shards (a set and its forks), each named by `set`: `load` builds
 * set 0 from the corpus, `fork` copies a set under a new name, `close` drops one.
 */
export type ShardTask =
  | { type: 'load'; version: number; set: number; spec: ShardSetSpec; shards: number[] }
  | { type: 'fork'; set: number; to: number }
  | { type: 'info'; set: number }
  | { type: 'vocabulary'; set: number }
  | { type: 'stats'; set: number; terms: string[] }
  | { type: 'search'; set: number; requests: SearchRequest[]; globals: GlobalStats[] }
  /** Packed work only, sparse: see `ShardGroup.work`. */
  | { type: 'work'; set: number; requests: SearchRequest[]; globals: GlobalStats[]; hits?: boolean }
  | { type: 'update'; set: number; ops: UpdateOp[] }
  | { type: 'close'; set: number }
  /** Live mode (src/live): this worker is one machine, with a disk or none (memory mode, synthetic service). */
  | { type: 'machine'; disk: LiveDiskSpec | null; slowdown: number }
  /** One leaf request on the machine's shard, timed for real (disk waits, then the search). */
  | { type: 'serve'; set: number; shard: number; request: SearchRequest; globals: GlobalStats }
  /** A synthetic leaf, or CPU charged to the machine: `cpuMs` holding its core (LiveMachine.holdCore). */
  | { type: 'holdCore'; cpuMs: number; leaf: boolean }
  /** Disk time charged to the machine (applying a change). */
  | { type: 'diskCharge'; ioMs: number }
  /** Makes this worker fail (tests of how a live run ends): throw an error, or end its thread. */
  | { type: 'fail'; how: 'throw' | 'exit' };

/** What each task answers; results are per owned shard, in the order of `load.shards`. */
export interface ShardReplies {
  load: { docs: number };
  fork: null;
  info: ShardInfo[];
  vocabulary: string[];
  stats: ShardStats[];
  search: ShardResult[][];
  work: { work: Float64Array; hits: Hit[][] | null };
  update: UpdateResult;
  close: null;
  machine: null;
  serve: LeafAnswer;
  holdCore: LeafAnswer;
  diskCharge: LeafAnswer;
  fail: null;
}

/**
 * Errors cross the thread as data: a structured clone keeps an Error's message but not its class or
 * code, and the CLI needs the code to tell a user's mistake (exit 2) from a bug.
 */
export type Reply<T> = { ok: true; value: T } | ({ ok: false } & ErrorData);
