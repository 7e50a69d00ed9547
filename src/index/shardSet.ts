import { Analyzer, type AnalyzerOptions } from '../analysis/index.ts';
import { errors, shardOf } from '../core/index.ts';
import { readCorpus, type CorpusOptions } from '../corpus/index.ts';
import { DEFAULT_BM25, validateBm25, type Bm25Params } from './bm25.ts';
import type { SearchRequest } from './query.ts';
import { ShardGroup } from './shardGroup.ts';
import { ShardIndex, WORK_HEAD, sumStats, workStride, type GlobalStats, type Receipt, type ShardResult, type ShardStats } from './shardIndex.ts';
import type { StorageSpec } from './storage.ts';
import { mergeTopK, type Hit } from './topk.ts';

/** How to build a set of shards from a corpus. Plain data: it crosses to worker threads. */
export interface ShardSetSpec {
  /** The corpus to load; without one the shards start empty and fill through `update`. */
  corpus?: string;
  corpusOptions?: CorpusOptions;
  analyzer?: Partial<AnalyzerOptions>;
  shards: number;
  storage?: StorageSpec;
  bm25?: Bm25Params;
}

/** A change to the collection. */
export type UpdateOp = { op: 'upsert'; id: string; title?: string; text: string } | { op: 'delete'; id: string };

export interface UpdateResult {
  applied: number;
  /** Deletes of ids that were not in the collection: counted and reported, never fatal. */
  unknownDeletes: string[];
}

/** One query's answer across all shards: the merged top k and each shard's receipt (index = shard id). */
export interface QueryResult {
  hits: Hit[];
  receipts: Receipt[];
}

/**
 * One query's work on the shards, sparse twice over: `shards` lists (ascending) the shards holding a term
 * of the query; for the k-th, `work` from `offsets[k]` holds decoded, hits, m, then m times (term index,
 * postings, encoded bytes) for the terms with postings there. Shards not listed, and terms not listed,
 * did no work beyond the lookup. Single precision keeps a receipt cache small: counts and byte sizes
 * below 2^24 (16.7 M) are exact, larger ones round to 1 part in 10^7, far below what the cost model can
 * tell apart.
 */
export interface QueryWork {
  shards: Int32Array;
  /** The ids the query returns (its top k), when asked for. */
  hitIds?: string[];
  offsets: Int32Array;
  work: Float32Array;
}
/** Numbers before the term triples of a shard's record in `QueryWork.work`. */
export const RECORD_HEAD = 3;

/** Splits `ShardGroup.work` output (possibly from several groups) into one `QueryWork` per request. */
export function unpackWork(requests: readonly SearchRequest[], parts: readonly Float64Array[]): QueryWork[] {
  const at = parts.map(() => 0);
  return requests.map(() => {
    const entries: { shard: number; part: number; from: number; len: number }[] = [];
    parts.forEach((p, i) => {
      const n = p[at[i]++];
      for (let k = 0; k < n; k++) {
        const m = p[at[i] + 3];
        const len = RECORD_HEAD + 3 * m;
        entries.push({ shard: p[at[i]], part: i, from: at[i] + 1, len });
        at[i] += 1 + len;
      }
    });
    entries.sort((a, b) => a.shard - b.shard);
    const shards = new Int32Array(entries.length);
    const offsets = new Int32Array(entries.length + 1);
    let size = 0;
    for (const e of entries) size += e.len;
    const work = new Float32Array(size);
    let w = 0;
    entries.forEach((e, k) => {
      shards[k] = e.shard;
      offsets[k] = w;
      work.set(parts[e.part].subarray(e.from, e.from + e.len), w);
      w += e.len;
    });
    offsets[entries.length] = w;
    return { shards, offsets, work };
  });
}

/** Attaches each request's merged top k (from one or more groups) to its work. */
export function withHitIds(works: QueryWork[], groupHits: Hit[][][] | null, k?: number[]): QueryWork[] {
  if (!groupHits) return works;
  works.forEach((w, q) => {
    const merged = groupHits.length === 1 ? groupHits[0][q] : mergeTopK(groupHits.map((g) => g[q]), k ? k[q] : Infinity);
    w.hitIds = merged.map((h) => h.id);
  });
  return works;
}

/** Expands a sparse `QueryWork` to one `workStride` block per shard (zeros where absent). */
export function denseWork(w: QueryWork, shardCount: number, terms: number): Float32Array {
  const stride = workStride(terms);
  const out = new Float32Array(shardCount * stride);
  w.shards.forEach((s, k) => {
    const r = w.offsets[k];
    out[s * stride] = w.work[r];
    out[s * stride + 1] = w.work[r + 1];
    for (let j = 0; j < w.work[r + 2]; j++) {
      const t = w.work[r + RECORD_HEAD + 3 * j];
      out[s * stride + WORK_HEAD + 2 * t] = w.work[r + RECORD_HEAD + 3 * j + 1];
      out[s * stride + WORK_HEAD + 2 * t + 1] = w.work[r + RECORD_HEAD + 3 * j + 2];
    }
  });
  return out;
}

/** Packs a receipt object in the `workStride` layout (the inverse of what `searchPacked` writes). */
export function packWork(r: Receipt, out: Float64Array, at: number): void {
  out[at] = r.decoded;
  out[at + 1] = r.hits;
  for (let j = 0; j < r.termPostings.length; j++) {
    out[at + WORK_HEAD + 2 * j] = r.termPostings[j];
    out[at + WORK_HEAD + 2 * j + 1] = r.termBytes[j];
  }
}

export interface ShardInfo {
  shard: number;
  docs: number;
  postingBytes: number;
  /** Posting lists held (terms per segment). */
  lists: number;
  segments: number;
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
  close(): Promise<void>;
}

export function validateSpec(spec: ShardSetSpec): void {
  if (!Number.isInteger(spec.shards) || spec.shards < 1) throw errors.option('shards', 'a positive integer', spec.shards);
  if (spec.bm25) validateBm25(spec.bm25);
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
  const bulks = new Map<number, ReturnType<ShardIndex['bulk']>>();
  for (const s of mine) {
    const idx = new ShardIndex({ storage: spec.storage ?? { kind: 'memory' }, bm25: spec.bm25 ?? DEFAULT_BM25 });
    shards.set(s, idx);
    bulks.set(s, idx.bulk());
  }
  const firstLine = new Map<string, number>();
  if (spec.corpus === undefined) {
    for (const b of bulks.values()) b.finish();
    return shards;
  }
  for await (const { doc, file, line } of readCorpus(spec.corpus, spec.corpusOptions)) {
    const s = shardOf(doc.id, spec.shards);
    const bulk = bulks.get(s);
    if (!bulk) continue;
    const seen = firstLine.get(doc.id);
    if (seen !== undefined) throw errors.input({ file, line, field: 'id' }, `a unique document id ("${doc.id}" is already at line ${seen})`);
    firstLine.set(doc.id, line);
    bulk.add(doc.id, analyzer.terms(doc.title ? `${doc.title}\n${doc.text}` : doc.text));
  }
  for (const b of bulks.values()) b.finish();
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

/** Merges each request's per-shard results (outer index: shard) into one result per request. */
export function mergeShardResults(requests: readonly SearchRequest[], perShard: readonly ShardResult[][]): QueryResult[] {
  return requests.map((r, q) => ({
    hits: mergeTopK(
      perShard.map((s) => s[q].hits),
      r.k,
    ),
    receipts: perShard.map((s) => s[q].receipt),
  }));
}

/** Groups update operations by owning shard, keeping their order. */
export function routeUpdates(ops: readonly UpdateOp[], shardCount: number): Map<number, UpdateOp[]> {
  const by = new Map<number, UpdateOp[]>();
  for (const op of ops) {
    const s = shardOf(op.id, shardCount);
    let l = by.get(s);
    if (!l) by.set(s, (l = []));
    l.push(op);
  }
  return by;
}

/** Applies one shard's operations in order: runs of upserts become one delta segment. */
export function applyUpdates(index: ShardIndex, analyzer: Analyzer, ops: readonly UpdateOp[], onTerm?: (term: string) => void): UpdateResult {
  const unknownDeletes: string[] = [];
  let pending: { id: string; terms: string[] }[] = [];
  const flush = () => {
    index.upsert(pending);
    pending = [];
  };
  for (const op of ops) {
    if (op.op === 'upsert') {
      const terms = analyzer.terms(op.title ? `${op.title}\n${op.text}` : op.text);
      if (onTerm) for (const t of terms) onTerm(t);
      pending.push({ id: op.id, terms });
    } else {
      // A pending upsert of the same id must land before its delete.
      if (pending.some((p) => p.id === op.id)) flush();
      unknownDeletes.push(...index.delete([op.id]));
    }
  }
  flush();
  return { applied: ops.length - unknownDeletes.length, unknownDeletes };
}

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

  private globals(requests: readonly SearchRequest[]): GlobalStats[] {
    const terms = batchTerms(requests);
    return globalStatsFor(requests, terms, this.group.stats(terms));
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
    return this.group.update(ops);
  }

  async close(): Promise<void> {
    this.group.close();
  }
}
