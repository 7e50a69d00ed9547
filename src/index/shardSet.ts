import { Analyzer, type AnalyzerOptions } from '../analysis/index.ts';
import { errors, shardOf, staticRankKey } from '../core/index.ts';
import { readCorpus, type CorpusOptions } from '../corpus/index.ts';
import { DEFAULT_BM25, validateBm25, type Bm25Params } from './bm25.ts';
import { resultCount, type SearchRequest } from './query.ts';
import type { QueryWork, Receipt } from './receipt.ts';
import type { ShardInfo } from './shardGroup.ts';
import { ShardIndex, sumStats, type AnalyzedDoc, type GlobalStats, type ShardResult, type ShardStats } from './shardIndex.ts';
import type { StorageSpec } from './storage.ts';
import { mergeTopK, type Hit } from './topk.ts';
import type { UpdateOp, UpdateResult } from './updates.ts';

/** How to build a set of shards from a corpus. Plain data: it crosses to worker threads. */
export interface ShardSetSpec {
  /** The corpus to load; without one the shards start empty and fill through `update`. */
  corpus?: string;
  corpusOptions?: CorpusOptions;
  analyzer?: Partial<AnalyzerOptions>;
  shards: number;
  storage?: StorageSpec;
  bm25?: Bm25Params;
  /**
   * The order of documents in each shard. `corpus` (default): as read. `static-rank`: the best first,
   * by a seeded static order (`staticRankKey`) standing in for a static rank such as PageRank, so an
   * early-terminating search reads the best documents first (Brin and Page 1998, section 4.5).
   */
  order?: { kind: 'corpus' } | { kind: 'static-rank'; seed: number };
  /**
   * Two tiers per shard (a static order required): the `firstShare` of documents ranked highest form a
   * first tier, the rest a second; an early-terminating search reads the second tier's lists (other
   * lists, so other reads) only when the first held too few matches (Brin and Page 1998, section 4.5,
   * checked their small barrels first; Risvik, Aasheim and Lidal, "Multi-tier architecture for web
   * search engines", LA-WEB 2003, tier by document quality).
   */
  tiers?: { firstShare: number };
}

/** One query's answer across all shards: the merged top k and each shard's receipt (index = shard id). */
export interface QueryResult {
  hits: Hit[];
  receipts: Receipt[];
}

/**
 * The seam between the engine and whoever runs it: a set of shards that answers batches of queries with
 * collection-wide statistics and merges their top k. Two implementations share one contract suite
 * (tests/index/shardSet.contract.test.ts): `LocalShards` here, in this thread, and `WorkerShards` in
 * src/shard, in piscina worker threads. Both give identical results and receipts.
 */
export interface ShardSet {
  readonly shardCount: number;
  info(): Promise<ShardInfo[]>;
  /** Every distinct index term of the collection (for morphological expansion). */
  vocabulary(): Promise<string[]>;
  search(requests: readonly SearchRequest[]): Promise<QueryResult[]>;
  /** Only the packed work of each request (no hits): what the simulator needs, at a fraction of the cost. */
  work(requests: readonly SearchRequest[], options?: { hits?: boolean }): Promise<QueryWork[]>;
  update(ops: readonly UpdateOp[]): Promise<UpdateResult>;
  /**
   * A set of the same shards as they are now that changes apart from this one (updates to either leave
   * the other as it was), without reading the corpus again. Close it like any set.
   */
  fork(): Promise<ShardSet>;
  close(): Promise<void>;
}

export function validateSpec(spec: ShardSetSpec): void {
  if (!Number.isInteger(spec.shards) || spec.shards < 1) throw errors.option('shards', 'a positive integer', spec.shards);
  if (spec.bm25) validateBm25(spec.bm25);
  if (spec.tiers) {
    const share = spec.tiers.firstShare;
    if (!(share > 0 && share <= 1)) throw errors.option('tiers.firstShare', 'a share in (0, 1]', share);
    if (spec.order?.kind !== 'static-rank') throw errors.option('tiers', 'used with a static document order (order.kind "static-rank")', spec.order?.kind ?? 'corpus');
  }
}

/**
 * Reads the corpus once and builds the shards in `owned` (all when omitted); documents of other shards
 * are skipped after their id is read. A duplicate id is an error naming both lines.
 */
export async function loadShards(spec: ShardSetSpec, owned?: readonly number[]): Promise<Map<number, ShardIndex>> {
  validateSpec(spec);
  const analyzer = new Analyzer(spec.analyzer);
  const mine = new Set(owned ?? Array.from({ length: spec.shards }, (_, i) => i));
  const shards = new Map<number, ShardIndex>();
  // In the corpus's order documents stream into each shard's builder; a static order needs them all first.
  const ordered = spec.order?.kind === 'static-rank';
  const docs = new Map<number, AnalyzedDoc[]>();
  const bulks = new Map<number, ReturnType<ShardIndex['bulk']>>();
  for (const s of mine) {
    const idx = new ShardIndex({ storage: spec.storage ?? { kind: 'memory' }, bm25: spec.bm25 ?? DEFAULT_BM25 });
    shards.set(s, idx);
    if (ordered) docs.set(s, []);
    else bulks.set(s, idx.bulk());
  }
  const firstLine = new Map<string, number>();
  if (spec.corpus !== undefined) {
    for await (const { doc, file, line } of readCorpus(spec.corpus, spec.corpusOptions)) {
      const s = shardOf(doc.id, spec.shards);
      if (!shards.has(s)) continue;
      const seen = firstLine.get(doc.id);
      if (seen !== undefined) throw errors.input({ file, line, field: 'id' }, `a unique document id ("${doc.id}" is already at line ${seen})`);
      firstLine.set(doc.id, line);
      const terms = analyzer.terms(doc.title ? `${doc.title}\n${doc.text}` : doc.text);
      if (ordered) docs.get(s)!.push({ id: doc.id, terms });
      else bulks.get(s)!.add(doc.id, terms);
    }
  }
  for (const b of bulks.values()) b.finish();
  const order = spec.order;
  if (order?.kind === 'static-rank') {
    for (const [s, list] of docs) {
      const key = new Map(list.map((d) => [d.id, staticRankKey(d.id, order.seed)] as const));
      list.sort((a, b) => key.get(b.id)! - key.get(a.id)! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const first = spec.tiers ? Math.ceil(spec.tiers.firstShare * list.length) : list.length;
      shards.get(s)!.load([list.slice(0, first), list.slice(first)], spec.tiers !== undefined);
    }
  }
  return shards;
}

/** Every distinct term of a batch, for one statistics round. */
export function batchTerms(requests: readonly SearchRequest[]): string[] {
  const set = new Set<string>();
  for (const r of requests) for (const t of r.terms) set.add(t.term);
  return [...set];
}

/** Per-request global statistics from per-shard statistics of the batch's terms. */
export function globalStatsFor(requests: readonly SearchRequest[], terms: readonly string[], parts: readonly ShardStats[]): GlobalStats[] {
  const sum = sumStats(parts);
  const at = new Map(terms.map((t, i) => [t, i] as const));
  return requests.map((r) => ({
    docCount: sum.docCount,
    totalLength: sum.totalLength,
    df: r.terms.map((t) => sum.df[at.get(t.term)!]),
  }));
}

/**
 * Collection statistics already summed over every shard, for the index as it is now: a batch asks the
 * shards only for the terms not known yet (and, once, for the document count and total length), so a
 * batch of known terms needs no statistics round at all. Cleared when the index changes.
 */
export class StatsCache {
  private readonly df = new Map<string, number>();
  private totals: { docCount: number; totalLength: number } | null = null;

  /** The batch terms whose document frequency is not known. */
  missing(requests: readonly SearchRequest[]): string[] {
    return batchTerms(requests).filter((t) => !this.df.has(t));
  }
  /** Whether a statistics round is needed for `missing` terms. */
  needsRound(missing: readonly string[]): boolean {
    return missing.length > 0 || this.totals === null;
  }
  /** Takes in the shards' statistics for `terms`. */
  add(terms: readonly string[], parts: readonly ShardStats[]): void {
    const sum = sumStats(parts);
    this.totals = { docCount: sum.docCount, totalLength: sum.totalLength };
    terms.forEach((t, i) => this.df.set(t, sum.df[i]));
  }
  globalsFor(requests: readonly SearchRequest[]): GlobalStats[] {
    const { docCount, totalLength } = this.totals!;
    return requests.map((r) => ({ docCount, totalLength, df: r.terms.map((t) => this.df.get(t.term)!) }));
  }
  clear(): void {
    this.df.clear();
    this.totals = null;
  }
  /** After changes: forgets these terms' frequencies and the totals; what else it knew still holds. */
  forget(terms: readonly string[]): void {
    for (const t of terms) this.df.delete(t);
    this.totals = null;
  }
}

/** Merges each request's per-shard results (outer index: shard) into one result per request. */
export function mergeShardResults(requests: readonly SearchRequest[], perShard: readonly ShardResult[][]): QueryResult[] {
  return requests.map((r, q) => ({
    hits: mergeTopK(
      perShard.map((s) => s[q].hits),
      resultCount(r),
    ),
    receipts: perShard.map((s) => s[q].receipt),
  }));
}

