import { Analyzer } from '../analysis/index.ts';
import type { SearchRequest } from './query.ts';
import { workStride, type GlobalStats, type ShardIndex, type ShardResult, type ShardStats } from './shardIndex.ts';
import { applyUpdates, routeUpdates, type ShardInfo, type UpdateOp, type UpdateResult } from './shardSet.ts';

/**
 * The shards one thread holds, in a fixed order, and what it answers for them all at once. `LocalShards`
 * holds one group of every shard; each shard worker holds one group of its own.
 *
 * It also knows which of its shards hold each term, so a query only visits shards that hold one of its
 * terms: with many small shards most hold none, and their receipts (all zero) need no evaluation.
 */
export class ShardGroup {
  /** term -> positions (in `order`) of the shards whose index has held it. */
  private readonly termShards = new Map<string, number[]>();
  private readonly mark: Uint8Array;

  constructor(
    readonly order: readonly number[],
    private readonly shards: ReadonlyMap<number, ShardIndex>,
    private readonly shardCount: number,
    private readonly analyzer: Analyzer,
  ) {
    this.mark = new Uint8Array(order.length);
    order.forEach((s, pos) => shards.get(s)!.forEachTerm((t) => this.noteTerm(t, pos)));
  }

  private noteTerm(term: string, pos: number): void {
    const l = this.termShards.get(term);
    if (!l) this.termShards.set(term, [pos]);
    else if (l[l.length - 1] !== pos && !l.includes(pos)) l.push(pos);
  }

  /** Marks the shards holding any of the request's terms; returns how many. */
  private markShards(r: SearchRequest): number {
    this.mark.fill(0);
    let n = 0;
    for (const t of r.terms) {
      const l = this.termShards.get(t.term);
      if (!l) continue;
      for (const pos of l) {
        if (!this.mark[pos]) {
          this.mark[pos] = 1;
          n++;
        }
      }
    }
    return n;
  }

  private shard(pos: number): ShardIndex {
    return this.shards.get(this.order[pos])!;
  }

  info(): ShardInfo[] {
    return this.order.map((s, pos) => {
      const i = this.shard(pos);
      return { shard: s, docs: i.docCount, postingBytes: i.postingBytes, segments: i.segmentCount };
    });
  }

  stats(terms: readonly string[]): ShardStats[] {
    return this.order.map((_, pos) => this.shard(pos).stats(terms));
  }

  /** Per request, per shard in `order`: the hits and receipt. */
  search(requests: readonly SearchRequest[], globals: readonly GlobalStats[]): ShardResult[][] {
    return this.order.map((_, pos) => {
      const idx = this.shard(pos);
      return requests.map((r, q) => idx.search(r, globals[q]));
    });
  }

  /**
   * Packed receipts of the shards that hold a term of each request, in one array: per request, the count
   * n, then n times (shard id, `workStride(terms)` numbers), shards in `order`. A shard not listed did no
   * work beyond looking the terms up (its receipt is all zeros).
   */
  work(requests: readonly SearchRequest[], globals: readonly GlobalStats[]): Float64Array {
    const marked = requests.map((r) => this.markedShards(r));
    let size = 0;
    requests.forEach((r, q) => (size += 1 + marked[q].length * (1 + workStride(r.terms.length))));
    const out = new Float64Array(size);
    let at = 0;
    requests.forEach((r, q) => {
      const stride = workStride(r.terms.length);
      out[at++] = marked[q].length;
      for (const pos of marked[q]) {
        out[at++] = this.order[pos];
        this.shard(pos).searchPacked(r, globals[q], out, at);
        at += stride;
      }
    });
    return out;
  }

  private markedShards(r: SearchRequest): number[] {
    const out: number[] = [];
    if (this.markShards(r) === 0) return out;
    for (let pos = 0; pos < this.order.length; pos++) if (this.mark[pos]) out.push(pos);
    return out;
  }

  update(ops: readonly UpdateOp[]): UpdateResult {
    const out: UpdateResult = { applied: 0, unknownDeletes: [] };
    const posOf = new Map(this.order.map((s, pos) => [s, pos] as const));
    for (const [s, list] of routeUpdates(ops, this.shardCount)) {
      const pos = posOf.get(s);
      if (pos === undefined) continue;
      const r = applyUpdates(this.shard(pos), this.analyzer, list, (t) => this.noteTerm(t, pos));
      out.applied += r.applied;
      out.unknownDeletes.push(...r.unknownDeletes);
    }
    return out;
  }

  close(): void {
    for (const s of this.shards.values()) s.close();
  }
}

