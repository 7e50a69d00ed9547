import { Analyzer } from '../analysis/index.ts';
import { resultCount, type SearchRequest } from './query.ts';
import { GroupWorkWriter, workStride } from './receipt.ts';
import { TopK, type Hit } from './topk.ts';
import { planQuery, type GlobalStats, type PresentTerms, type ShardIndex, type ShardResult, type ShardStats } from './shardIndex.ts';
import type { Bm25Params } from './bm25.ts';
import { applyUpdates, routeUpdates, type UpdateOp, type UpdateResult } from './updates.ts';

/** What a shard holds, for reports and the memory-fit check. */
export interface ShardInfo {
  shard: number;
  docs: number;
  postingBytes: number;
  /** Posting lists held (terms per segment). */
  lists: number;
  segments: number;
}


/**
 * The shards one thread holds, in a fixed order, and what it answers for them all at once. `LocalShards`
 * holds one group of every shard; each shard worker holds one group of its own.
 *
 * It also knows which of its shards hold each term, so a query only visits shards that hold one of its
 * terms: with many small shards most hold none, and their receipts (all zero) need no evaluation.
 */
export class ShardGroup {
  /**
   * term -> positions (in `order`) of the shards whose index has held it, and for each its ordinal in
   * that shard's first segment as it was when noted (-1: not there); `baseSerial[pos]` names that
   * segment, so the ordinals hold while the shard's first segment is still it (a merge replaces it).
   */
  private readonly termShards = new Map<string, { pos: number[]; ord: number[] }>();
  private readonly baseSerial: Int32Array;
  /** presentTerms' reused buffers: per position its list, the request that last touched it, the touched. */
  private readonly present: { terms: number[]; baseOrds: number[]; baseSerial: number }[];
  private readonly stamps: Int32Array;
  private readonly touched: Int32Array;
  private stamp = 0;

  constructor(
    readonly order: readonly number[],
    private readonly shards: ReadonlyMap<number, ShardIndex>,
    private readonly shardCount: number,
    private readonly analyzer: Analyzer,
    from?: ShardGroup,
  ) {
    this.baseSerial = Int32Array.from(order, (s) => shards.get(s)!.baseSerial);
    this.present = order.map(() => ({ terms: [], baseOrds: [], baseSerial: -1 }));
    this.stamps = new Int32Array(order.length);
    this.touched = new Int32Array(order.length);
    if (from) {
      // A fork: the same dictionaries, under new segment serials where the first segments are the same.
      for (const [t, e] of from.termShards) this.termShards.set(t, { pos: e.pos.slice(), ord: e.ord.slice() });
      order.forEach((_, pos) => {
        if (from.baseSerial[pos] !== from.shard(pos).baseSerial) this.baseSerial[pos] = -1;
      });
    } else {
      order.forEach((s, pos) => {
        const idx = shards.get(s)!;
        idx.base?.terms.forEach((t, ord) => this.noteTerm(t, pos, ord));
        idx.forEachTerm((t) => this.noteTerm(t, pos));
      });
    }
  }

  /** A copy whose shards change apart from these (a run that applies changes gets one). */
  fork(): ShardGroup {
    const shards = new Map<number, ShardIndex>();
    for (const [s, idx] of this.shards) shards.set(s, idx.fork());
    return new ShardGroup(this.order, shards, this.shardCount, this.analyzer, this);
  }

  private noteTerm(term: string, pos: number, baseOrd = -1): void {
    const e = this.termShards.get(term);
    if (!e) this.termShards.set(term, { pos: [pos], ord: [baseOrd] });
    else if (e.pos[e.pos.length - 1] !== pos && !e.pos.includes(pos)) {
      e.pos.push(pos);
      e.ord.push(baseOrd);
    }
  }

  /** BM25 parameters (every shard of a set has the same). */
  private get bm25(): Bm25Params {
    return this.shard(0).options.bm25;
  }

  private shard(pos: number): ShardIndex {
    return this.shards.get(this.order[pos])!;
  }

  /** Every term any of these shards has held. */
  vocabulary(): string[] {
    return [...this.termShards.keys()];
  }

  info(): ShardInfo[] {
    return this.order.map((s, pos) => {
      const i = this.shard(pos);
      return { shard: s, docs: i.docCount, postingBytes: i.postingBytes, lists: i.listCount, segments: i.segmentCount };
    });
  }

  /**
   * The group's part of the collection statistics, summed over its shards (one entry): each term's
   * frequency is asked only of the shards that hold it.
   */
  stats(terms: readonly string[]): ShardStats[] {
    let docCount = 0;
    let totalLength = 0;
    for (let pos = 0; pos < this.order.length; pos++) {
      const st = this.shard(pos).stats([]);
      docCount += st.docCount;
      totalLength += st.totalLength;
    }
    const df = terms.map((t) => {
      let n = 0;
      for (const pos of this.termShards.get(t)?.pos ?? []) n += this.shard(pos).liveDf(t);
      return n;
    });
    return [{ docCount, totalLength, df }];
  }

  /** One shard of the group (a live machine's worker holds exactly one). */
  index(shard: number): ShardIndex {
    const idx = this.shards.get(shard);
    if (!idx) throw new Error(`shard ${shard} is not in this group (it holds ${this.order.join(', ')})`);
    return idx;
  }

  /** Per request, per shard in `order`: the hits and receipt. */
  search(requests: readonly SearchRequest[], globals: readonly GlobalStats[]): ShardResult[][] {
    return this.order.map((_, pos) => {
      const idx = this.shard(pos);
      return requests.map((r, q) => idx.search(r, globals[q]));
    });
  }

  /**
   * Receipts of the shards that hold a term of each request, in the group layout of receipt.ts (shards
   * in `order`; a shard not listed did no work beyond looking the terms up) and, when asked, each
   * request's top k over these shards (for a caller that needs to know which documents a query returns,
   * such as staleness under updates).
   */
  work(requests: readonly SearchRequest[], globals: readonly GlobalStats[], withHits = false): { work: Float64Array; hits: Hit[][] | null } {
    const hits: Hit[][] | null = withHits ? [] : null;
    const out = new GroupWorkWriter();
    const width = (r: SearchRequest): number => (r.tiered ? 2 : 1) * r.terms.length;
    const scratch = new Float64Array(workStride(Math.max(1, ...requests.map(width))));
    requests.forEach((r, q) => {
      const { shards, terms } = this.presentTerms(r);
      out.request(shards.length);
      const stride = workStride(width(r));
      const plan = shards.length > 0 ? planQuery(r, globals[q], this.bm25) : null;
      // The group's top k, offered each shard's: the same as merging the shards' sorted lists.
      const top = hits ? new TopK(resultCount(r)) : undefined;
      for (let k = 0; k < shards.length; k++) {
        scratch.fill(0, 0, stride);
        this.shard(shards[k]).searchPacked(r, globals[q], scratch, 0, terms[k], plan!, top);
        // A tiered request's second-tier reads sit at terms + q.
        out.shard(this.order[shards[k]], scratch, r.tiered ? [...terms[k].terms, ...terms[k].terms.map((t) => t + r.terms.length)] : terms[k].terms);
      }
      if (hits) hits.push(top!.sorted());
    });
    return { work: out.finish(), hits };
  }

  /**
   * The shards (positions, ascending) holding a term of the request, and for each the indices of the
   * request terms it holds (with their ordinals in its first segment): a shard then looks up only those,
   * not every term of a 50-term query, and mostly without its dictionary.
   */
  private presentTerms(r: SearchRequest): { shards: Int32Array; terms: PresentTerms[] } {
    // One list per shard position, reused from request to request (the work of one request is done
    // before the next is asked): no allocation per shard a query touches.
    const stamp = ++this.stamp;
    let touched = 0;
    const lists = this.present;
    r.terms.forEach((t, q) => {
      const e = this.termShards.get(t.term);
      if (!e) return;
      for (let i = 0; i < e.pos.length; i++) {
        const pos = e.pos[i];
        const p = lists[pos];
        if (this.stamps[pos] !== stamp) {
          this.stamps[pos] = stamp;
          p.terms.length = 0;
          p.baseOrds.length = 0;
          p.baseSerial = this.baseSerial[pos];
          this.touched[touched++] = pos;
        }
        p.terms.push(q);
        p.baseOrds.push(e.ord[i]);
      }
    });
    const shards = this.touched.subarray(0, touched).sort();
    return { shards, terms: Array.from(shards, (pos) => lists[pos]) };
  }

  update(ops: readonly UpdateOp[]): UpdateResult {
    const out: UpdateResult = { applied: 0, unknownDeletes: [], changedTerms: [] };
    const posOf = new Map(this.order.map((s, pos) => [s, pos] as const));
    const changed = new Set<string>();
    for (const [s, list] of routeUpdates(ops, this.shardCount)) {
      const pos = posOf.get(s);
      if (pos === undefined) continue;
      const r = applyUpdates(this.shard(pos), this.analyzer, list, (t) => this.noteTerm(t, pos), changed);
      out.applied += r.applied;
      out.unknownDeletes.push(...r.unknownDeletes);
    }
    out.changedTerms = [...changed];
    return out;
  }

  close(): void {
    for (const s of this.shards.values()) s.close();
  }
}


