import { invariant } from '../core/index.ts';
import { ByteWriter, IntColumn } from './bytes.ts';
import { encodePostings } from './postings.ts';
import { createStore, type PostingStore, type StorageSpec } from './storage.ts';

/** Bump when the byte layout of postings or the forward index changes. */
export const SEGMENT_FORMAT_VERSION = 1;

/**
 * An immutable set of documents with their posting lists (Lucene's segment). Only the tombstones change:
 * a deleted document stays in the lists until a merge drops it, and queries skip it.
 *
 * Besides the postings, a segment keeps for each term the Pareto frontier of (tf high, length low) over
 * its postings: the BM25 contribution grows with tf and falls with document length, so its maximum for
 * any average length is reached on that frontier. That gives exact per-term score bounds for dynamic
 * pruning even as collection statistics change. It also keeps a forward index (each document's terms and
 * frequencies), so a delete can correct document frequencies exactly and a merge can rebuild.
 */
export class Segment {
  readonly formatVersion = SEGMENT_FORMAT_VERSION;
  /** Unique within a process; names the segment in an id map. */
  readonly serial: number;
  readonly docIds: string[];
  readonly docLens: Uint32Array;
  readonly terms: string[];
  readonly termOrdinal: Map<string, number>;
  readonly df: Uint32Array;
  readonly postOffset: Float64Array;
  readonly postBytes: Uint32Array;
  readonly frontierStart: Uint32Array;
  readonly frontierTf: Uint32Array;
  readonly frontierLen: Uint32Array;
  readonly fwdStart: Uint32Array;
  readonly fwd: Uint8Array;
  readonly store: PostingStore;
  /** 1 where a document is deleted. */
  readonly deleted: Uint8Array;
  /** Per term, postings that belong to deleted documents (allocated on first delete). */
  deletedDf: Int32Array | null = null;
  liveCount: number;
  liveLenSum: number;
  /** A tiered shard's first (1) or second (2) tier; 0 when the shard has no tiers (merges leave tiers alone). */
  tier: 0 | 1 | 2 = 0;

  private static nextSerial = 1;
  /** Segments sharing this one's store (forks): the last to close closes it. */
  private readonly storeUsers: { n: number };

  constructor(parts: {
    docIds: string[];
    docLens: Uint32Array;
    terms: string[];
    termOrdinal: Map<string, number>;
    df: Uint32Array;
    postOffset: Float64Array;
    postBytes: Uint32Array;
    frontierStart: Uint32Array;
    frontierTf: Uint32Array;
    frontierLen: Uint32Array;
    fwdStart: Uint32Array;
    fwd: Uint8Array;
    store: PostingStore;
  }, storeUsers: { n: number } = { n: 1 }) {
    this.serial = Segment.nextSerial++;
    this.storeUsers = storeUsers;
    this.docIds = parts.docIds;
    this.docLens = parts.docLens;
    this.terms = parts.terms;
    this.termOrdinal = parts.termOrdinal;
    this.df = parts.df;
    this.postOffset = parts.postOffset;
    this.postBytes = parts.postBytes;
    this.frontierStart = parts.frontierStart;
    this.frontierTf = parts.frontierTf;
    this.frontierLen = parts.frontierLen;
    this.fwdStart = parts.fwdStart;
    this.fwd = parts.fwd;
    this.store = parts.store;
    this.deleted = new Uint8Array(parts.docIds.length);
    this.liveCount = parts.docIds.length;
    let sum = 0;
    for (let i = 0; i < parts.docLens.length; i++) sum += parts.docLens[i];
    this.liveLenSum = sum;
  }

  get docCount(): number {
    return this.docIds.length;
  }

  /** Document frequency of a term among live documents (0 when absent). */
  liveDf(term: string): number {
    const o = this.termOrdinal.get(term);
    if (o === undefined) return 0;
    return this.df[o] - (this.deletedDf ? this.deletedDf[o] : 0);
  }

  /** Calls `emit(ordinal, tf)` for each distinct term of a document, in ordinal order. */
  forEachTermOf(local: number, emit: (ordinal: number, tf: number) => void): void {
    const b = this.fwd;
    let p = this.fwdStart[local];
    const end = this.fwdStart[local + 1];
    let ord = 0;
    while (p < end) {
      let byte = b[p++];
      let v = byte & 0x7f;
      for (let s = 7; byte & 0x80; s += 7) {
        byte = b[p++];
        v |= (byte & 0x7f) << s;
      }
      ord += v;
      byte = b[p++];
      let tf = byte & 0x7f;
      for (let s = 7; byte & 0x80; s += 7) {
        byte = b[p++];
        tf |= (byte & 0x7f) << s;
      }
      emit(ord, tf);
    }
  }

  /** Tombstones a document; returns false if it was already deleted. */
  delete(local: number, changed?: Set<string>): boolean {
    if (this.deleted[local]) return false;
    this.deleted[local] = 1;
    this.liveCount--;
    this.liveLenSum -= this.docLens[local];
    const dd = (this.deletedDf ??= new Int32Array(this.terms.length));
    this.forEachTermOf(local, (o) => {
      dd[o]++;
      changed?.add(this.terms[o]);
    });
    return true;
  }

  /** Encoded bytes of posting lists. */
  get postingBytes(): number {
    return this.store.bytes;
  }

  /**
   * A copy whose tombstones change apart from this one's: postings, dictionary and forward index are
   * shared (they never change), the deletions so far are copied.
   */
  fork(): Segment {
    this.storeUsers.n++;
    const f = new Segment(this, this.storeUsers);
    f.deleted.set(this.deleted);
    f.deletedDf = this.deletedDf ? this.deletedDf.slice() : null;
    f.liveCount = this.liveCount;
    f.liveLenSum = this.liveLenSum;
    f.tier = this.tier;
    return f;
  }

  close(): void {
    if (--this.storeUsers.n === 0) this.store.close();
  }
}

/**
 * Collects documents (already analyzed) and writes a segment. Postings are appended as (term, doc, tf)
 * columns and grouped by term with one counting sort at the end: no per-term arrays while building.
 */
export class SegmentBuilder {
  private readonly termOrdinal = new Map<string, number>();
  private readonly terms: string[] = [];
  private readonly docIds: string[] = [];
  private readonly docLens = new IntColumn();
  private readonly colTerm = new IntColumn(1 << 14);
  private readonly colTf = new IntColumn(1 << 14);
  /** Per document, where its postings start in the columns. */
  private readonly docStart = new IntColumn();
  private scratch = new Int32Array(1024);

  get docCount(): number {
    return this.docIds.length;
  }

  private ordinal(term: string): number {
    let o = this.termOrdinal.get(term);
    if (o === undefined) {
      o = this.terms.length;
      this.termOrdinal.set(term, o);
      this.terms.push(term);
    }
    return o;
  }

  /** Adds a document from its terms in text order (repeats included). */
  add(id: string, terms: readonly string[]): void {
    const n = terms.length;
    if (this.scratch.length < n) this.scratch = new Int32Array(n * 2);
    const s = this.scratch;
    for (let i = 0; i < n; i++) s[i] = this.ordinal(terms[i]);
    const sorted = s.subarray(0, n).sort();
    this.docIds.push(id);
    this.docLens.push(n);
    this.docStart.push(this.colTerm.length);
    for (let i = 0; i < n; ) {
      const o = sorted[i];
      let j = i + 1;
      while (j < n && sorted[j] === o) j++;
      this.colTerm.push(o);
      this.colTf.push(j - i);
      i = j;
    }
  }

  /** Adds a document from distinct (term, tf) pairs, as a merge does; `length` is the sum of tfs. */
  addCounts(id: string, pairs: ReadonlyArray<readonly [string, number]>, length: number): void {
    const ords = pairs.map(([t, tf]) => [this.ordinal(t), tf] as const).sort((a, b) => a[0] - b[0]);
    this.docIds.push(id);
    this.docLens.push(length);
    this.docStart.push(this.colTerm.length);
    for (const [o, tf] of ords) {
      this.colTerm.push(o);
      this.colTf.push(tf);
    }
  }

  finish(storage: StorageSpec): Segment {
    const nTerms = this.terms.length;
    const nDocs = this.docIds.length;
    const nPost = this.colTerm.length;
    const colTerm = this.colTerm.view();
    const colTf = this.colTf.view();
    const docStart = this.docStart.view();
    const docLens = Uint32Array.from(this.docLens.view());

    // Counting sort of postings by term; documents stay ascending within each term.
    const df = new Uint32Array(nTerms);
    for (let i = 0; i < nPost; i++) df[colTerm[i]]++;
    const start = new Int32Array(nTerms + 1);
    for (let t = 0; t < nTerms; t++) start[t + 1] = start[t] + df[t];
    const fill = start.slice(0, nTerms);
    const pDoc = new Int32Array(nPost);
    const pTf = new Int32Array(nPost);
    const fwd = new ByteWriter(nPost * 2 + 16);
    const fwdStart = new Uint32Array(nDocs + 1);
    for (let d = 0; d < nDocs; d++) {
      const e = d + 1 < nDocs ? docStart[d + 1] : nPost;
      fwdStart[d] = fwd.length;
      let prevOrd = 0;
      for (let i = docStart[d]; i < e; i++) {
        const t = colTerm[i];
        const at = fill[t]++;
        pDoc[at] = d;
        pTf[at] = colTf[i];
        fwd.varint(t - prevOrd);
        fwd.varint(colTf[i]);
        prevOrd = t;
      }
    }
    fwdStart[nDocs] = fwd.length;

    const out = new ByteWriter(nPost * 2 + 16);
    const postOffset = new Float64Array(nTerms);
    const postBytes = new Uint32Array(nTerms);
    const frontierStart = new Uint32Array(nTerms + 1);
    const fTf = new IntColumn(nTerms + 16);
    const fLen = new IntColumn(nTerms + 16);
    for (let t = 0; t < nTerms; t++) {
      postOffset[t] = out.length;
      postBytes[t] = encodePostings(pDoc, pTf, start[t], start[t + 1], out);
      frontierStart[t] = fTf.length;
      paretoFrontier(pDoc, pTf, docLens, start[t], start[t + 1], fTf, fLen);
    }
    frontierStart[nTerms] = fTf.length;
    invariant(nPost === 0 || out.length > 0, 'postings encoded');

    return new Segment({
      docIds: this.docIds,
      docLens,
      terms: this.terms,
      termOrdinal: this.termOrdinal,
      df,
      postOffset,
      postBytes,
      frontierStart,
      frontierTf: Uint32Array.from(fTf.view()),
      frontierLen: Uint32Array.from(fLen.view()),
      fwdStart,
      fwd: fwd.finish(),
      store: createStore(storage, out.finish()),
    });
  }
}

/**
 * Appends the (tf, length) points of one list that no other point dominates (higher-or-equal tf with
 * lower-or-equal length). Sorted by tf descending, a point joins when its length is below every length
 * seen so far.
 */
function paretoFrontier(
  docs: Int32Array,
  tfs: Int32Array,
  lens: Uint32Array,
  from: number,
  to: number,
  outTf: IntColumn,
  outLen: IntColumn,
): void {
  if (to - from === 1) {
    outTf.push(tfs[from]);
    outLen.push(lens[docs[from]]);
    return;
  }
  // Pack (tf desc, len asc) into one sortable number: tf and lengths are far below 2^26.
  const keys = new Float64Array(to - from);
  for (let i = from; i < to; i++) keys[i - from] = -tfs[i] * 67108864 + lens[docs[i]];
  keys.sort();
  let minLen = Infinity;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const tf = Math.ceil(-k / 67108864);
    const len = k + tf * 67108864;
    if (len < minLen) {
      outTf.push(tf);
      outLen.push(len);
      minLen = len;
    }
  }
}
