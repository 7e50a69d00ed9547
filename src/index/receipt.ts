/**
 * The packed receipt formats, in one place: what a shard's evaluation writes, what a shard group sends
 * across the thread, and what the simulator reads. Three layouts, each with its writer and its reader
 * here (round trip: tests/index/receipt.test.ts):
 *
 * 1. Dense, one shard and one request (`workStride(terms)` numbers): postings decoded, hits returned,
 *    candidates re-ranked and forward-index entries read (0 without a re-ranking stage), then per
 *    request term its postings and encoded bytes on the shard. The evaluation adds into it segment by
 *    segment (`DENSE_*` offsets).
 * 2. Group, many requests over the shards one thread holds (Float64, sent to the main thread): per
 *    request the count n, then n shard records (shard id, decoded, hits, candidates, forward entries, m,
 *    then m term triples (term index, postings, bytes)) for the shards holding a term of the request,
 *    terms with postings only.
 * 3. `QueryWork`, one request over every shard (Float32, cached): the shards (ascending) and, for the
 *    k-th, from `offsets[k]`, its record: decoded, hits, candidates, forward entries, m, then m term
 *    triples.
 *
 * Single precision keeps a receipt cache small: counts and byte sizes below 2^24 (16.7 M) are exact,
 * larger ones round to 1 part in 10^7, far below what the cost model can tell apart.
 */
import type { SearchRequest } from './query.ts';
import { F64Column } from './bytes.ts';
import { mergeTopK, type Hit } from './topk.ts';

/**
 * The work one shard did for one query: what the simulator turns into time. Per term: the postings in
 * its lists on this shard and their encoded bytes (what a disk read moves); in all: the postings decoded
 * (whole blocks) and scored. Identical whatever the storage mode.
 */
export interface Receipt {
  terms: number;
  /** Hits this shard returned (at most k; with a re-ranking stage, at most what it keeps). */
  hits: number;
  /** First-stage candidates the shard's re-ranking stage rescored (0 without one). */
  candidates: number;
  /** Forward-index entries (a document's term and frequency) the re-ranking stage read (0 without one). */
  forwardEntries: number;
  postings: number;
  bytes: number;
  decoded: number;
  scored: number;
  termPostings: number[];
  termBytes: number[];
}

/** Dense layout: postings decoded (whole blocks). */
export const DENSE_DECODED = 0;
/** Dense layout: hits the shard returned. */
export const DENSE_HITS = 1;
/** Dense layout: first-stage candidates re-ranked. */
export const DENSE_CANDIDATES = 2;
/** Dense layout: forward-index entries the re-ranking read. */
export const DENSE_FORWARD = 3;
/** Dense layout: numbers before the per-term pairs (postings, bytes). */
export const WORK_HEAD = 4;
/** Numbers one dense receipt takes for a request of `terms` terms. */
export function workStride(terms: number): number {
  return WORK_HEAD + 2 * terms;
}

/** Numbers before the term triples of a shard's record (decoded, hits, candidates, forward entries, m). */
export const RECORD_HEAD = 5;
/** Numbers a term triple takes (term index, postings, bytes). */
export const TERM_TRIPLE = 3;

/**
 * One query's work on the shards, sparse twice over: `shards` lists (ascending) the shards holding a term
 * of the query; for the k-th, `work` from `offsets[k]` holds its record (see the module comment). Shards
 * not listed, and terms not listed, did no work beyond the lookup.
 */
export interface QueryWork {
  shards: Int32Array;
  /** The ids the query returns (its top k), when asked for. */
  hitIds?: string[];
  offsets: Int32Array;
  work: Float32Array;
}

/** Writes the group layout: `request(n)` then n `shard(...)` calls, request after request. */
export class GroupWorkWriter {
  private readonly out = new F64Column(1024);

  /** Starts a request that has records for `shards` shards. */
  request(shards: number): void {
    this.out.push(shards);
  }

  /** One shard's record, from its dense receipt at `dense[0..]`, for the request terms in `terms`. */
  shard(shardId: number, dense: Float64Array, terms: readonly number[]): void {
    const out = this.out;
    out.push(shardId);
    out.push(dense[DENSE_DECODED]);
    out.push(dense[DENSE_HITS]);
    out.push(dense[DENSE_CANDIDATES]);
    out.push(dense[DENSE_FORWARD]);
    const mAt = out.length;
    out.push(0);
    let m = 0;
    for (const t of terms) {
      const p = dense[WORK_HEAD + 2 * t];
      if (p === 0) continue;
      out.push(t);
      out.push(p);
      out.push(dense[WORK_HEAD + 2 * t + 1]);
      m++;
    }
    out.set(mAt, m);
  }

  /** The written numbers (a copy: it crosses a thread). */
  finish(): Float64Array {
    return this.out.view().slice();
  }
}

/**
 * Splits group-layout output (from one or more groups) into one `QueryWork` per request, shards
 * ascending: each record is placed by its shard id in a table as long as the largest id, so a request
 * costs one pass over its records and one over the table, no sort.
 */
export function unpackWork(requests: readonly SearchRequest[], parts: readonly Float64Array[]): QueryWork[] {
  const at = parts.map(() => 0);
  let slotPart = new Int32Array(64).fill(-1);
  let slotFrom = new Int32Array(64);
  let slotLen = new Int32Array(64);
  return requests.map(() => {
    let size = 0;
    let count = 0;
    let maxShard = -1;
    parts.forEach((p, i) => {
      const n = p[at[i]++];
      for (let k = 0; k < n; k++) {
        const shard = p[at[i]];
        // The record follows the shard id; its last head number is m.
        const len = RECORD_HEAD + TERM_TRIPLE * p[at[i] + RECORD_HEAD];
        if (shard >= slotPart.length) {
          const grow = Math.max(shard + 1, 2 * slotPart.length);
          const part = new Int32Array(grow).fill(-1);
          part.set(slotPart);
          slotPart = part;
          const from = new Int32Array(grow);
          from.set(slotFrom);
          slotFrom = from;
          const l = new Int32Array(grow);
          l.set(slotLen);
          slotLen = l;
        }
        slotPart[shard] = i;
        slotFrom[shard] = at[i] + 1;
        slotLen[shard] = len;
        if (shard > maxShard) maxShard = shard;
        size += len;
        count++;
        at[i] += 1 + len;
      }
    });
    const shards = new Int32Array(count);
    const offsets = new Int32Array(count + 1);
    const work = new Float32Array(size);
    let w = 0;
    let k = 0;
    for (let shard = 0; shard <= maxShard; shard++) {
      const part = slotPart[shard];
      if (part < 0) continue;
      slotPart[shard] = -1;
      shards[k] = shard;
      offsets[k] = w;
      work.set(parts[part].subarray(slotFrom[shard], slotFrom[shard] + slotLen[shard]), w);
      w += slotLen[shard];
      k++;
    }
    offsets[count] = w;
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

/** `QueryWork` reader: the record of the k-th listed shard starts at `offsets[k]`. */
export function recordDecoded(w: QueryWork, k: number): number {
  return w.work[w.offsets[k]];
}
export function recordHits(w: QueryWork, k: number): number {
  return w.work[w.offsets[k] + 1];
}
/** First-stage candidates the k-th listed shard re-ranked (0 without a re-ranking stage). */
export function recordCandidates(w: QueryWork, k: number): number {
  return w.work[w.offsets[k] + 2];
}
/** Forward-index entries the k-th listed shard's re-ranking read. */
export function recordForward(w: QueryWork, k: number): number {
  return w.work[w.offsets[k] + 3];
}
/** Terms with postings in the k-th listed shard's record. */
export function recordTerms(w: QueryWork, k: number): number {
  return w.work[w.offsets[k] + RECORD_HEAD - 1];
}
/** Position of the j-th term triple of the record at `r` (= offsets[k]): term index, postings, bytes. */
export function tripleAt(r: number, j: number): number {
  return r + RECORD_HEAD + TERM_TRIPLE * j;
}

/** Expands a sparse `QueryWork` to one dense block per shard (zeros where absent). */
export function denseWork(w: QueryWork, shardCount: number, terms: number): Float32Array {
  const stride = workStride(terms);
  const out = new Float32Array(shardCount * stride);
  w.shards.forEach((s, k) => {
    const r = w.offsets[k];
    out[s * stride + DENSE_DECODED] = recordDecoded(w, k);
    out[s * stride + DENSE_HITS] = recordHits(w, k);
    out[s * stride + DENSE_CANDIDATES] = recordCandidates(w, k);
    out[s * stride + DENSE_FORWARD] = recordForward(w, k);
    for (let j = 0; j < recordTerms(w, k); j++) {
      const at = tripleAt(r, j);
      const t = w.work[at];
      out[s * stride + WORK_HEAD + 2 * t] = w.work[at + 1];
      out[s * stride + WORK_HEAD + 2 * t + 1] = w.work[at + 2];
    }
  });
  return out;
}

/** Packs a receipt object in the dense layout (the inverse of what the evaluation writes). */
export function packWork(r: Receipt, out: Float64Array, at: number): void {
  out[at + DENSE_DECODED] = r.decoded;
  out[at + DENSE_HITS] = r.hits;
  out[at + DENSE_CANDIDATES] = r.candidates;
  out[at + DENSE_FORWARD] = r.forwardEntries;
  for (let j = 0; j < r.termPostings.length; j++) {
    out[at + WORK_HEAD + 2 * j] = r.termPostings[j];
    out[at + WORK_HEAD + 2 * j + 1] = r.termBytes[j];
  }
}
