import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { errorFromData, errors } from '../core/index.ts';
import {
  StatsCache,
  mergeShardResults,
  resultCount,
  validateSpec,
  unpackWork,
  withHitIds,
  type QueryResult,
  type QueryWork,
  type SearchRequest,
  type GlobalStats,
  type ShardInfo,
  type ShardResult,
  type ShardSet,
  type ShardSetSpec,
  type ShardStats,
  type UpdateOp,
  type UpdateResult,
} from '../index/index.ts';
import { PROTOCOL_VERSION, type Reply, type ShardReplies, type ShardTask } from './protocol.ts';

/**
 * tsx's loader, resolved from here so workers find it whatever the current directory, when a pool starts (resolving it while this module loads breaks
 * loading .ts files in a worker thread that imports this module).
 */
const tsxLoader = (): string => import.meta.resolve('tsx');
const WORKER_FILE = new URL('./worker.ts', import.meta.url).href;

/**
 * A pool of exactly one shard worker thread that lives until destroyed: a shard (or a live machine)
 * always runs on the same thread, which piscina otherwise would not promise.
 */
export function oneThreadPool(options: { concurrentTasksPerWorker?: number; atomics?: 'sync' | 'async' | 'disabled' } = {}): Piscina {
  return new Piscina({ filename: WORKER_FILE, execArgv: ['--import', tsxLoader()], minThreads: 1, maxThreads: 1, idleTimeout: Number.POSITIVE_INFINITY, ...options });
}

export interface WorkerShardsOptions {
  /** Worker threads; each owns shards s with s % threads == its index. Default min(cores, shards). */
  threads?: number;
}

/**
 * Shards in piscina worker threads: the `ShardSet` seam's threaded implementation. Each worker is its own
 * single-thread pool, so a shard always lives in the same thread (piscina otherwise hands a task to any
 * idle thread). Queries go in batches: one statistics round and one search round per worker per batch.
 */
export class WorkerShards implements ShardSet {
  private readonly statsCache = new StatsCache();

  private constructor(
    readonly shardCount: number,
    private readonly pools: Piscina[],
    private readonly owned: number[][],
    /** This set's id in the workers, and what the sets sharing these workers share. */
    private readonly set: number,
    private readonly shared: { nextSet: number; open: number },
  ) {}

  static async open(spec: ShardSetSpec, options: WorkerShardsOptions = {}): Promise<WorkerShards> {
    validateSpec(spec);
    const threads = Math.min(spec.shards, options.threads ?? availableParallelism());
    if (!Number.isInteger(threads) || threads < 1) throw errors.option('threads', 'a positive integer', options.threads);
    const owned = Array.from({ length: threads }, (_, w) => Array.from({ length: spec.shards }, (_, s) => s).filter((s) => s % threads === w));
    const pools = owned.map(() => oneThreadPool());
    const set = new WorkerShards(spec.shards, pools, owned, 0, { nextSet: 1, open: 1 });
    try {
      await Promise.all(pools.map((p, w) => call(p, { type: 'load', version: PROTOCOL_VERSION, set: 0, spec, shards: owned[w] })));
    } catch (e) {
      await set.close();
      throw e;
    }
    return set;
  }

  /** The same workers hold the copy: forking costs no corpus read and no thread. */
  async fork(): Promise<ShardSet> {
    const to = this.shared.nextSet++;
    await Promise.all(this.pools.map((p) => call(p, { type: 'fork', set: this.set, to })));
    this.shared.open++;
    return new WorkerShards(this.shardCount, this.pools, this.owned, to, this.shared);
  }

  /** Collection statistics for a batch: a statistics round only for what is not known yet. */
  private async globals(requests: readonly SearchRequest[]): Promise<GlobalStats[]> {
    const missing = this.statsCache.missing(requests);
    if (this.statsCache.needsRound(missing)) {
      const stats = await Promise.all(this.pools.map((p) => call<ShardStats[]>(p, { type: 'stats', set: this.set, terms: missing })));
      this.statsCache.add(missing, stats.flat());
    }
    return this.statsCache.globalsFor(requests);
  }

  async info(): Promise<ShardInfo[]> {
    const parts = await Promise.all(this.pools.map((p) => call<ShardInfo[]>(p, { type: 'info', set: this.set })));
    return parts.flat().sort((a, b) => a.shard - b.shard);
  }

  async vocabulary(): Promise<string[]> {
    const parts = await Promise.all(this.pools.map((p) => call<string[]>(p, { type: 'vocabulary', set: this.set })));
    return [...new Set(parts.flat())].sort();
  }

  async search(requests: readonly SearchRequest[]): Promise<QueryResult[]> {
    if (requests.length === 0) return [];
    const globals = await this.globals(requests);
    const answers = await Promise.all(
      this.pools.map((p) => call<ShardResult[][]>(p, { type: 'search', set: this.set, requests: [...requests], globals })),
    );
    const perShard = new Array<ShardResult[]>(this.shardCount);
    answers.forEach((a, w) => a.forEach((r, i) => (perShard[this.owned[w][i]] = r)));
    return mergeShardResults(requests, perShard);
  }

  async work(requests: readonly SearchRequest[], options: { hits?: boolean } = {}): Promise<QueryWork[]> {
    if (requests.length === 0) return [];
    const globals = await this.globals(requests);
    const hits = options.hits === true;
    const parts = await Promise.all(
      this.pools.map((p) => call<ShardReplies['work']>(p, { type: 'work', set: this.set, requests: [...requests], globals, hits })),
    );
    return withHitIds(
      unpackWork(
        requests,
        parts.map((x) => x.work),
      ),
      hits ? parts.map((x) => x.hits!) : null,
      requests.map(resultCount),
    );
  }

  async update(ops: readonly UpdateOp[]): Promise<UpdateResult> {
    let parts: UpdateResult[];
    try {
      parts = await Promise.all(this.pools.map((p) => call<UpdateResult>(p, { type: 'update', set: this.set, ops: [...ops] })));
    } catch (e) {
      this.statsCache.clear(); // some workers may have applied their part: trust no frequency
      throw e;
    }
    const changedTerms = [...new Set(parts.flatMap((p) => p.changedTerms))];
    this.statsCache.forget(changedTerms);
    return { applied: parts.reduce((a, p) => a + p.applied, 0), unknownDeletes: parts.flatMap((p) => p.unknownDeletes), changedTerms };
  }

  /** Drops this set in the workers; the last set open on them ends the threads. */
  async close(): Promise<void> {
    const last = --this.shared.open === 0;
    await Promise.all(
      this.pools.map(async (p) => {
        try {
          await call(p, { type: 'close', set: this.set });
        } finally {
          if (last) await p.destroy();
        }
      }),
    );
  }
}

async function call<T extends ShardReplies[keyof ShardReplies]>(pool: Piscina, task: ShardTask): Promise<T> {
  const reply = (await pool.run(task)) as Reply<T>;
  if (reply.ok) return reply.value;
  throw errorFromData(reply, 'shard worker');
}
