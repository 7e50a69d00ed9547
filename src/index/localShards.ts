import { Analyzer } from '../analysis/index.ts';
import type { SearchRequest } from './query.ts';
import { unpackWork, withHitIds, type QueryWork } from './receipt.ts';
import { ShardGroup, type ShardInfo } from './shardGroup.ts';
import type { GlobalStats } from './shardIndex.ts';
import { StatsCache, loadShards, mergeShardResults, type QueryResult, type ShardSet, type ShardSetSpec } from './shardSet.ts';
import type { UpdateOp, UpdateResult } from './updates.ts';

/** All shards in this thread: for tests, small runs and as the reference for `WorkerShards`. */
export class LocalShards implements ShardSet {
  private constructor(
    readonly spec: ShardSetSpec,
    private readonly group: ShardGroup,
  ) {}

  static async open(spec: ShardSetSpec): Promise<LocalShards> {
    const m = await loadShards(spec);
    const order = Array.from({ length: spec.shards }, (_, i) => i);
    return new LocalShards(spec, new ShardGroup(order, m, spec.shards, new Analyzer(spec.analyzer)));
  }

  get shardCount(): number {
    return this.spec.shards;
  }

  async info(): Promise<ShardInfo[]> {
    return this.group.info();
  }

  async vocabulary(): Promise<string[]> {
    return this.group.vocabulary().sort();
  }

  private readonly statsCache = new StatsCache();

  private globals(requests: readonly SearchRequest[]): GlobalStats[] {
    const missing = this.statsCache.missing(requests);
    if (this.statsCache.needsRound(missing)) this.statsCache.add(missing, this.group.stats(missing));
    return this.statsCache.globalsFor(requests);
  }

  async fork(): Promise<ShardSet> {
    return new LocalShards(this.spec, this.group.fork());
  }

  async search(requests: readonly SearchRequest[]): Promise<QueryResult[]> {
    if (requests.length === 0) return [];
    return mergeShardResults(requests, this.group.search(requests, this.globals(requests)));
  }

  async work(requests: readonly SearchRequest[], options: { hits?: boolean } = {}): Promise<QueryWork[]> {
    if (requests.length === 0) return [];
    const { work, hits } = this.group.work(requests, this.globals(requests), options.hits === true);
    return withHitIds(unpackWork(requests, [work]), hits ? [hits] : null);
  }

  async update(ops: readonly UpdateOp[]): Promise<UpdateResult> {
    let r: UpdateResult;
    try {
      r = this.group.update(ops);
    } catch (e) {
      this.statsCache.clear(); // part of the changes may have landed: trust no frequency
      throw e;
    }
    this.statsCache.forget(r.changedTerms);
    return r;
  }

  async close(): Promise<void> {
    this.group.close();
  }
}
