import { invariant } from '../core/index.ts';
import { Bm25Scorer, DEFAULT_BM25, idf, type Bm25Params, type CollectionStats } from './bm25.ts';
import { END_DOC, PostingCursor } from './postings.ts';
import type { SearchRequest } from './query.ts';
import { Segment, SegmentBuilder } from './segment.ts';
import type { StorageSpec } from './storage.ts';
import { TopK, type Hit } from './topk.ts';
import { DENSE_CANDIDATES, DENSE_DECODED, DENSE_FORWARD, DENSE_HITS, WORK_HEAD, workStride, type Receipt } from './receipt.ts';
import { rm3Rerank, type ForwardSource } from './rerank.ts';

/** A document ready for indexing: its id and its index terms in text order. */
export interface AnalyzedDoc {
  id: string;
  terms: string[];
}

/** Statistics one shard contributes to the collection-wide ones, for the terms of some queries. */
export interface ShardStats extends CollectionStats {
  /** Live-document frequency of each asked term, in the order asked. */
  df: number[];
}

/** The collection-wide statistics a shard scores with: summed over all shards by the caller. */
export interface GlobalStats extends CollectionStats {
  /** Document frequency of each request term, aligned with `SearchRequest.terms`. */
  df: number[];
}

export interface ShardResult {
  hits: Hit[];
  receipt: Receipt;
}

export interface ShardIndexOptions {
  storage: StorageSpec;
  bm25: Bm25Params;
  /** Segments kept before the smallest are merged. Default 8. */
  maxSegments: number;
}

const LOC_SCALE = 2 ** 26; // documents per segment < 64 M; serials < 2^27

/**
 * One shard's live index: immutable segments plus tombstones. An update batch becomes a new small
 * segment (the delta) and tombstones in older ones; when segments pile up, the smallest are merged and
 * deleted documents dropped. A query always sees exactly the live documents.
 */
export class ShardIndex {
  readonly options: ShardIndexOptions;
  private segments: Segment[] = [];
  private readonly loc = new Map<string, number>();
  private readonly bySerial = new Map<number, Segment>();
  /** Bumped by every change; receipts cached under an older version are stale. */
  version = 0;

  constructor(options: Partial<ShardIndexOptions> = {}) {
    this.options = { storage: { kind: 'memory' }, bm25: DEFAULT_BM25, maxSegments: 8, ...options };
  }

  get docCount(): number {
    return this.loc.size;
  }
  /** Distinct terms over segments (a term in two segments counts twice: lists are per segment). */
  get listCount(): number {
    let n = 0;
    for (const g of this.segments) n += g.terms.length;
    return n;
  }
  get segmentCount(): number {
    return this.segments.length;
  }
  get postingBytes(): number {
    let s = 0;
    for (const g of this.segments) s += g.postingBytes;
    return s;
  }
  /** Calls `fn` for every term of every segment (a term in several segments more than once). */
  forEachTerm(fn: (term: string) => void): void {
    for (const seg of this.segments) for (const t of seg.terms) fn(t);
  }

  /** Whether a live document has this id. */
  has(id: string): boolean {
    return this.loc.has(id);
  }

  /** Adds a built segment (all its documents must be new). */
  private attach(seg: Segment): void {
    this.segments.push(seg);
    this.bySerial.set(seg.serial, seg);
    for (let i = 0; i < seg.docCount; i++) {
      invariant(!this.loc.has(seg.docIds[i]), `document ${seg.docIds[i]} attached twice`);
      this.loc.set(seg.docIds[i], seg.serial * LOC_SCALE + i);
    }
  }

  /**
   * Starts a bulk load: documents added to the returned builder become one segment on `finish()`. The
   * caller guarantees the ids are new (a corpus loader rejects duplicates with their file and line).
   */
  bulk(): { add(id: string, terms: readonly string[]): void; finish(): void } {
    const b = new SegmentBuilder();
    return {
      add: (id, terms) => b.add(id, terms),
      finish: () => {
        if (b.docCount === 0) return;
        this.attach(b.finish(this.options.storage));
        this.version++;
        this.maybeMerge();
      },
    };
  }

  /** A copy that changes apart from this one: segments forked, the same documents live. */
  fork(): ShardIndex {
    const f = new ShardIndex(this.options);
    for (const seg of this.segments) {
      const copy = seg.fork();
      f.segments.push(copy);
      f.bySerial.set(copy.serial, copy);
      for (let i = 0; i < copy.docCount; i++) if (!copy.deleted[i]) f.loc.set(copy.docIds[i], copy.serial * LOC_SCALE + i);
    }
    f.version = this.version;
    return f;
  }

  /**
   * Loads new documents (ids unique, not yet in the shard), one segment per group in this order;
   * `tiered`: the groups are the first and second tiers.
   */
  load(groups: readonly (readonly AnalyzedDoc[])[], tiered: boolean): void {
    groups.forEach((docs, g) => {
      if (docs.length === 0) return;
      const b = new SegmentBuilder();
      for (const d of docs) b.add(d.id, d.terms);
      const seg = b.finish(this.options.storage);
      if (tiered) seg.tier = g === 0 ? 1 : 2;
      this.attach(seg);
    });
    this.version++;
    this.maybeMerge();
  }

  /** Adds or replaces documents; within a batch the last version of an id wins. */
  upsert(docs: readonly AnalyzedDoc[], changed?: Set<string>): void {
    if (docs.length === 0) return;
    const last = new Map<string, number>();
    docs.forEach((d, i) => last.set(d.id, i));
    const b = new SegmentBuilder();
    docs.forEach((d, i) => {
      if (last.get(d.id) !== i) return;
      this.remove(d.id, changed);
      b.add(d.id, d.terms);
      if (changed) for (const t of d.terms) changed.add(t);
    });
    this.attach(b.finish(this.options.storage));
    this.version++;
    this.maybeMerge();
  }

  /** Deletes documents by id; returns the ids that were not there. */
  delete(ids: readonly string[], changed?: Set<string>): string[] {
    const unknown: string[] = [];
    for (const id of ids) if (!this.remove(id, changed)) unknown.push(id);
    if (unknown.length < ids.length) {
      this.version++;
      this.maybeMerge();
    }
    return unknown;
  }

  private remove(id: string, changed?: Set<string>): boolean {
    const l = this.loc.get(id);
    if (l === undefined) return false;
    const seg = this.bySerial.get(Math.floor(l / LOC_SCALE));
    invariant(seg, `segment of ${id}`);
    seg.delete(l % LOC_SCALE, changed);
    this.loc.delete(id);
    return true;
  }

  /**
   * Tiered merging in its simplest form: drop empty segments; when more than maxSegments remain, merge
   * the smaller half (by live documents) into one, leaving deleted documents behind.
   */
  private maybeMerge(): void {
    for (const s of this.segments.filter((g) => g.liveCount === 0)) this.dropSegment(s);
    // A tier stays a segment of its own: merges take only the segments updates added.
    const mergeable = this.segments.filter((g) => g.tier === 0);
    if (mergeable.length <= this.options.maxSegments || mergeable.length < 2) return;
    const bySize = mergeable.sort((a, b) => a.liveCount - b.liveCount || a.serial - b.serial);
    const victims = bySize.slice(0, Math.ceil(bySize.length / 2));
    const b = new SegmentBuilder();
    for (const seg of victims) {
      for (let d = 0; d < seg.docCount; d++) {
        if (seg.deleted[d]) continue;
        const pairs: [string, number][] = [];
        seg.forEachTermOf(d, (o, tf) => pairs.push([seg.terms[o], tf]));
        b.addCounts(seg.docIds[d], pairs, seg.docLens[d]);
      }
    }
    for (const s of victims) {
      for (let d = 0; d < s.docCount; d++) if (!s.deleted[d]) this.loc.delete(s.docIds[d]);
      this.dropSegment(s);
    }
    this.attach(b.finish(this.options.storage));
  }

  private dropSegment(s: Segment): void {
    this.segments = this.segments.filter((g) => g !== s);
    this.bySerial.delete(s.serial);
    s.close();
  }

  /** Encoded bytes of `term`'s posting lists over every segment (0: the shard does not hold it): what a disk read of it moves. */
  listBytes(term: string): number {
    let bytes = 0;
    for (const s of this.segments) {
      const o = s.termOrdinal.get(term);
      if (o !== undefined && o >= 0) bytes += s.postBytes[o];
    }
    return bytes;
  }

  /** Live documents holding `term`. */
  liveDf(term: string): number {
    let n = 0;
    for (const s of this.segments) n += s.liveDf(term);
    return n;
  }

  /** This shard's part of the collection statistics, for the given terms. */
  stats(terms: readonly string[]): ShardStats {
    let docCount = 0;
    let totalLength = 0;
    for (const s of this.segments) {
      docCount += s.liveCount;
      totalLength += s.liveLenSum;
    }
    return { docCount, totalLength, df: terms.map((t) => this.liveDf(t)) };
  }

  /** Evaluates one query with collection-wide statistics: this shard's top k and its receipt. */
  search(req: SearchRequest, global: GlobalStats): ShardResult {
    const nq = req.terms.length;
    const packed = new Float64Array(workStride(req.tiered ? 2 * nq : nq));
    const heap = this.evaluate(req, global, packed, 0);
    // A second tier's reads count with their term.
    if (req.tiered) for (let q = 0; q < nq; q++) for (const k of [0, 1]) packed[WORK_HEAD + 2 * q + k] += packed[WORK_HEAD + 2 * (nq + q) + k];
    const receipt: Receipt = {
      terms: nq,
      hits: heap.size,
      candidates: packed[DENSE_CANDIDATES],
      forwardEntries: packed[DENSE_FORWARD],
      postings: 0,
      bytes: 0,
      decoded: packed[DENSE_DECODED],
      scored: this.lastScored,
      termPostings: new Array<number>(nq),
      termBytes: new Array<number>(nq),
    };
    for (let q = 0; q < nq; q++) {
      receipt.termPostings[q] = packed[WORK_HEAD + 2 * q];
      receipt.termBytes[q] = packed[WORK_HEAD + 2 * q + 1];
      receipt.postings += receipt.termPostings[q];
      receipt.bytes += receipt.termBytes[q];
    }
    return { hits: heap.sorted(), receipt };
  }

  /**
   * Evaluates one query and writes only its receipt, packed (see receipt.ts), into `out` at `at`: the
   * simulator's path, which needs no hit objects. `present`, when given, lists the request terms this
   * shard may hold (others are not looked up); `plan`, the request's weights and scorer, computed once
   * for all shards. With `collect`, the shard's hits are offered to it (a top k over several shards).
   * Returns the number of hits.
   */
  searchPacked(req: SearchRequest, global: GlobalStats, out: Float64Array, at: number, present?: PresentTerms, plan?: QueryPlan, collect?: TopK): number {
    const heap = this.evaluate(req, global, out, at, present, plan);
    if (collect) heap.offerAllTo(collect);
    return heap.size;
  }

  /** Postings scored by the last evaluation (for the full receipt). */
  private lastScored = 0;

  /** The first segment's serial: a caller's ordinals of it (`PresentTerms.baseOrds`) hold while it is. */
  get baseSerial(): number {
    return this.segments.length > 0 ? this.segments[0].serial : -1;
  }
  /** The first segment (a bulk-loaded shard's only one until updates come). */
  get base(): Segment | null {
    return this.segments[0] ?? null;
  }

  private evaluate(req: SearchRequest, global: GlobalStats, out: Float64Array, at: number, present?: PresentTerms, plan: QueryPlan = planQuery(req, global, this.options.bm25)): TopK {
    const nq = req.terms.length;
    invariant(global.df.length === nq, 'one df per request term');
    // One heap and one scratch for every shard of the thread (evaluation never nests): they stay in the
    // CPU's caches across the shards of a query.
    const heap = SHARED_HEAP.reset(req.k);
    const scratch = SHARED_SCRATCH.prepare(nq);
    scratch.present = present?.terms ?? null;
    const ordsHold = present?.baseOrds !== undefined && present.baseSerial === this.baseSerial;
    scratch.baseOrds = ordsHold ? present!.baseOrds! : null;
    scratch.baseSerialOf = ordsHold ? present!.baseSerial! : -1;
    this.lastScored = 0;
    const w = plan.weights;
    if (!plan.anyWeight && req.mode === 'or') {
      // Nothing can score; the receipt still books each list's size (a lookup reads it).
      for (const seg of this.segments) openLists(seg, req, w, out, at, scratch);
      return heap;
    }
    const scorer = plan.scorer;
    if (req.budget !== undefined) {
      // Segments in order (a first tier before the second), each until the budget is spent.
      let left = req.budget;
      for (const seg of this.segments) {
        if (left <= 0) break;
        left -= searchBudget(seg, req, w, scorer, heap, out, at, scratch, left);
      }
    } else {
      for (const seg of this.segments) {
        if (req.mode === 'and') searchAnd(seg, req, w, scorer, heap, out, at, scratch);
        else searchOr(seg, req, w, scorer, heap, out, at, scratch);
      }
    }
    this.lastScored = scratch.scored;
    if (req.rerank) return this.rerank(req, global, plan, heap, out, at);
    out[at + DENSE_HITS] = heap.size;
    return heap;
  }

  /** The funnel's second stage on this shard: the first stage's candidates rescored (rerank.ts). */
  private rerank(req: SearchRequest, global: GlobalStats, plan: QueryPlan, candidates: TopK, out: Float64Array, at: number): TopK {
    const kept = SHARED_RERANKED.reset(req.rerank!.keep);
    const list = candidates.sorted();
    const entries = rm3Rerank(this.forward, req, plan.weights, plan.scorer, global, list, kept);
    out[at + DENSE_CANDIDATES] = list.length;
    out[at + DENSE_FORWARD] = entries;
    out[at + DENSE_HITS] = kept.size;
    return kept;
  }

  /** This shard's documents' forward vectors and statistics, for a re-ranker. */
  private readonly forward: ForwardSource = {
    locate: (id) => {
      const l = this.loc.get(id);
      invariant(l !== undefined, `candidate ${id} is a live document`);
      const seg = this.bySerial.get(Math.floor(l / LOC_SCALE));
      invariant(seg, `segment of ${id}`);
      return { seg, local: l % LOC_SCALE };
    },
    liveDf: (term) => this.liveDf(term),
    liveDocs: () => this.docCount,
  };

  close(): void {
    for (const s of this.segments) s.close();
    this.segments = [];
    this.bySerial.clear();
    this.loc.clear();
  }
}

/**
 * What every shard needs of a request and its collection statistics, computed once for all of them:
 * each term's weight (query weight x idf; 0 for a term no document holds) and the BM25 scorer.
 */
export interface QueryPlan {
  weights: Float64Array;
  anyWeight: boolean;
  scorer: Bm25Scorer;
}

export function planQuery(req: SearchRequest, global: GlobalStats, bm25: Bm25Params): QueryPlan {
  const nq = req.terms.length;
  const weights = new Float64Array(nq);
  let anyWeight = false;
  for (let i = 0; i < nq; i++) {
    weights[i] = global.df[i] > 0 ? req.terms[i].weight * idf(global.docCount, global.df[i]) : 0;
    if (weights[i] > 0) anyWeight = true;
  }
  return { weights, anyWeight, scorer: new Bm25Scorer(bm25, global) };
}

/**
 * The request terms a shard may hold (indices into the request's terms, ascending), and, when known,
 * their ordinals in the shard's first segment (-1: not there), valid while that segment is `baseSerial`:
 * the segment's dictionary then need not be asked.
 */
export interface PresentTerms {
  terms: readonly number[];
  baseOrds?: readonly number[];
  baseSerial?: number;
}

interface OpenList {
  /** Index of the term in the request. */
  q: number;
  /** The term's ordinal in the segment. */
  ord: number;
  cur: PostingCursor;
  weight: number;
  upper: number;
}

/** Per-shard buffers reused from query to query: evaluation allocates almost nothing. */
class SearchScratch {
  contrib = new Float64Array(16);
  matched = new Uint8Array(16);
  prefix = new Float64Array(16);
  lists: OpenList[] = [];
  scored = 0;
  /** The request terms to look up (all when null). */
  present: readonly number[] | null = null;
  /** Ordinals of the present terms in the first segment (serial `baseSerialOf`), when the caller knows them. */
  baseOrds: readonly number[] | null = null;
  baseSerialOf = -1;
  private pool: OpenList[] = [];
  private used = 0;
  prepare(nq: number): this {
    this.scored = 0;
    if (this.contrib.length < nq) {
      this.contrib = new Float64Array(nq * 2);
      this.matched = new Uint8Array(nq * 2);
      this.prefix = new Float64Array(nq * 2);
    }
    this.used = 0;
    return this;
  }
  /** A list slot for the current segment (valid until the next `prepare`). */
  take(q: number, ord: number, bytes: Uint8Array, offset: number, df: number, weight: number): OpenList {
    let l = this.pool[this.used];
    if (!l) this.pool.push((l = { q: 0, ord: 0, cur: new PostingCursor(), weight: 0, upper: 0 }));
    this.used++;
    l.q = q;
    l.ord = ord;
    l.weight = weight;
    l.upper = 0;
    l.cur.reset(bytes, offset, df);
    return l;
  }
}

/** The thread's evaluation buffers (see `evaluate`). */
const SHARED_HEAP = new TopK(10);
const SHARED_RERANKED = new TopK(10);
const SHARED_SCRATCH = new SearchScratch();

/**
 * Opens the cursors of the request's terms present in a segment and books each list's postings and
 * bytes into the packed receipt at `at`. Returns the opened lists (those that can score).
 */
function openLists(seg: Segment, req: SearchRequest, w: Float64Array, out: Float64Array, at: number, scratch: SearchScratch, bookSizes = true): OpenList[] {
  const lists = scratch.lists;
  lists.length = 0;
  const terms = req.terms;
  const present = scratch.present;
  const n = present ? present.length : terms.length;
  const whole = seg.store.whole();
  const ords = scratch.baseOrds !== null && seg.serial === scratch.baseSerialOf ? scratch.baseOrds : null;
  for (let i = 0; i < n; i++) {
    const q = present ? present[i] : i;
    const o = ords !== null ? ords[i] : seg.termOrdinal.get(terms[q].term);
    if (o === undefined || o < 0) continue;
    const bytes = seg.postBytes[o];
    if (bookSizes) {
      out[at + WORK_HEAD + 2 * q] += seg.df[o];
      out[at + WORK_HEAD + 2 * q + 1] += bytes;
    }
    if (w[q] <= 0) continue;
    lists.push(
      whole ? scratch.take(q, o, whole, seg.postOffset[o], seg.df[o], w[q]) : scratch.take(q, o, seg.store.read(seg.postOffset[o], bytes), 0, seg.df[o], w[q]),
    );
  }
  return lists;
}

/** Exact score of a candidate: contributions summed in request-term order. */
function sumInOrder(contrib: Float64Array, matched: Uint8Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) if (matched[i]) s += contrib[i];
  return s;
}

/**
 * Pruning margin: bounds and partial sums are rounded differently from the exact in-order sum, so a
 * candidate is dropped only when its bound is below the threshold by more than this relative slack.
 */
const SLACK = 1e-9;

/**
 * Disjunctive top-k with MaxScore (Turtle & Flood, "Query evaluation: strategies and optimizations",
 * IP&M 31(6), 1995): lists sorted by their score bound; those whose bounds together cannot reach the
 * current k-th score are non-essential and only probed for candidates found in the essential ones.
 * Rank-safe: it returns exactly the exhaustive top k.
 */
function searchOr(
  seg: Segment,
  req: SearchRequest,
  w: Float64Array,
  scorer: Bm25Scorer,
  heap: TopK,
  out: Float64Array,
  at: number,
  scratch: SearchScratch,
): void {
  const lists = openLists(seg, req, w, out, at, scratch);
  const n = lists.length;
  if (n === 0 || req.k <= 0) return;
  for (const l of lists) {
    const o = l.ord;
    let best = 0;
    for (let f = seg.frontierStart[o]; f < seg.frontierStart[o + 1]; f++) {
      const s = scorer.termScore(l.weight, seg.frontierTf[f], seg.frontierLen[f]);
      if (s > best) best = s;
    }
    l.upper = best * (1 + SLACK);
    l.cur.next();
  }
  lists.sort((a, b) => a.upper - b.upper || a.q - b.q);
  const prefix = scratch.prefix;
  let acc = 0;
  for (let j = 0; j < n; j++) prefix[j] = acc += lists[j].upper;
  const nq = req.terms.length;
  const contrib = scratch.contrib;
  const matched = scratch.matched;
  matched.fill(0, 0, nq);
  const deleted = seg.deleted;
  const docIds = seg.docIds;
  const lens = seg.docLens;

  let theta = heap.threshold;
  let cut = theta - Math.abs(theta) * SLACK;
  let ess = 0;
  while (ess < n && prefix[ess] < cut) ess++;
  let scored = 0;

  for (;;) {
    if (ess >= n) break;
    let cand = END_DOC;
    for (let j = ess; j < n; j++) if (lists[j].cur.doc < cand) cand = lists[j].cur.doc;
    if (cand === END_DOC) break;
    if (deleted[cand]) {
      for (let j = ess; j < n; j++) if (lists[j].cur.doc === cand) lists[j].cur.next();
      continue;
    }
    const len = lens[cand];
    let partial = 0;
    for (let j = ess; j < n; j++) {
      const l = lists[j];
      if (l.cur.doc === cand) {
        const s = scorer.termScore(l.weight, l.cur.tf, len);
        contrib[l.q] = s;
        matched[l.q] = 1;
        partial += s;
        scored++;
        l.cur.next();
      }
    }
    let pruned = false;
    for (let j = ess - 1; j >= 0; j--) {
      if (partial + prefix[j] < cut) {
        pruned = true;
        break;
      }
      const l = lists[j];
      if (l.cur.advance(cand) === cand) {
        const s = scorer.termScore(l.weight, l.cur.tf, len);
        contrib[l.q] = s;
        matched[l.q] = 1;
        partial += s;
        scored++;
      }
    }
    if (!pruned) {
      heap.offer(sumInOrder(contrib, matched, nq), docIds[cand]);
      if (heap.threshold !== theta) {
        theta = heap.threshold;
        cut = theta - Math.abs(theta) * SLACK;
        while (ess < n && prefix[ess] < cut) ess++;
      }
    }
    matched.fill(0, 0, nq);
  }
  for (const l of lists) out[at + DENSE_DECODED] += l.cur.decoded;
  scratch.scored += scored;
}

/**
 * Early termination: documents in the segment's order (the best first, with a static order), each one
 * that matches (any term; every term in `and` mode) scored and offered, until `budget` matches are
 * found. Books what was read: per list the postings decoded and the bytes of its prefix (the skip table
 * and every block decoded), in the second-tier entries when the segment is a second tier of a tiered
 * request. Not rank-safe: a better document beyond the budget is never seen. Returns the matches found.
 */
function searchBudget(
  seg: Segment,
  req: SearchRequest,
  w: Float64Array,
  scorer: Bm25Scorer,
  heap: TopK,
  out: Float64Array,
  at: number,
  scratch: SearchScratch,
  budget: number,
): number {
  const lists = openLists(seg, req, w, out, at, scratch, false);
  const nq = req.terms.length;
  const slot = req.tiered && seg.tier === 2 ? nq : 0;
  let found = 0;
  const needAll = req.mode === 'and';
  if (lists.length > 0 && !(needAll && lists.length < nq)) {
    const contrib = scratch.contrib;
    const matched = scratch.matched;
    matched.fill(0, 0, nq);
    for (const l of lists) l.cur.next();
    let scored = 0;
    while (found < budget) {
      let cand = END_DOC;
      for (const l of lists) if (l.cur.doc < cand) cand = l.cur.doc;
      if (cand === END_DOC) break;
      const len = seg.docLens[cand];
      let terms = 0;
      for (const l of lists) {
        if (l.cur.doc !== cand) continue;
        contrib[l.q] = scorer.termScore(l.weight, l.cur.tf, len);
        matched[l.q] = 1;
        terms++;
      }
      if (!seg.deleted[cand] && (!needAll || terms === nq)) {
        found++;
        scored += terms;
        heap.offer(sumInOrder(contrib, matched, nq), seg.docIds[cand]);
      }
      matched.fill(0, 0, nq);
      // The budget spent, no list is read further.
      if (found === budget) break;
      for (const l of lists) if (l.cur.doc === cand) l.cur.next();
    }
    scratch.scored += scored;
  }
  for (const l of lists) {
    out[at + DENSE_DECODED] += l.cur.decoded;
    out[at + WORK_HEAD + 2 * (slot + l.q)] += l.cur.decoded;
    out[at + WORK_HEAD + 2 * (slot + l.q) + 1] += l.cur.prefixBytes;
  }
  return found;
}

/** Conjunctive top-k: the shortest list leads, the others are advanced to its documents. */
function searchAnd(
  seg: Segment,
  req: SearchRequest,
  w: Float64Array,
  scorer: Bm25Scorer,
  heap: TopK,
  out: Float64Array,
  at: number,
  scratch: SearchScratch,
): void {
  const lists = openLists(seg, req, w, out, at, scratch);
  // Every term must match: a term absent from this segment, or from the whole collection (weight 0),
  // leaves nothing to find here.
  if (req.k <= 0 || lists.length < req.terms.length) return;
  lists.sort((a, b) => a.cur.df - b.cur.df || a.q - b.q);
  const nq = req.terms.length;
  const contrib = scratch.contrib;
  const matched = scratch.matched;
  matched.fill(1, 0, nq);
  const lead = lists[0].cur;
  let d = lead.next();
  let scored = 0;
  while (d !== END_DOC) {
    let ok = true;
    for (let j = 1; j < lists.length; j++) {
      const x = lists[j].cur.advance(d);
      if (x !== d) {
        ok = false;
        d = lead.advance(x);
        break;
      }
    }
    if (!ok) continue;
    if (!seg.deleted[d]) {
      const len = seg.docLens[d];
      for (const l of lists) contrib[l.q] = scorer.termScore(l.weight, l.cur.tf, len);
      scored += lists.length;
      heap.offer(sumInOrder(contrib, matched, nq), seg.docIds[d]);
    }
    d = lead.next();
  }
  for (const l of lists) out[at + DENSE_DECODED] += l.cur.decoded;
  scratch.scored += scored;
}

/** Collection statistics summed over shards, aligned with the request's terms. */
export function sumStats(parts: readonly ShardStats[]): GlobalStats {
  invariant(parts.length > 0, 'at least one shard');
  const df = parts[0].df.map(() => 0);
  let docCount = 0;
  let totalLength = 0;
  for (const p of parts) {
    docCount += p.docCount;
    totalLength += p.totalLength;
    p.df.forEach((v, i) => (df[i] += v));
  }
  return { docCount, totalLength, df };
}
