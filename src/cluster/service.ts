import { errors, type Rng } from '../core/index.ts';
import { recordCandidates, recordDecoded, recordForward, recordHits, recordTerms, tripleAt, type GlobalStats, type QueryWork, type SearchRequest } from '../index/index.ts';

/**
 * One query as the cluster sees it: the work of each shard, from real shard receipts (scaled to the
 * modelled index) or drawn from a named distribution (the synthetic service).
 */
export interface PreparedQuery {
  /** Position in the workload (0-based). */
  seq: number;
  /** Terms after analysis (and expansion). */
  termCount: number;
  /** Cluster-wide ids of the terms: keys of the buffer caches. */
  termKeys: Int32Array;
  /** Its real work on the shards (sparse; see `QueryWork`); null for the synthetic service. */
  work: QueryWork | null;
  /**
   * What a result cache keys on: queries with the same key get the same answer from the same index (the
   * analysed, weighted terms; the text for the synthetic service). Absent: never cached.
   */
  resultKey?: string;
  /**
   * The request itself and its collection statistics, for a serving model that runs queries as they
   * arrive (the live cluster) rather than timing receipts run ahead.
   */
  search?: { request: SearchRequest; globals: GlobalStats };
}


/** What one leaf request asks of a machine, filled in by a service model. */
export interface LeafDemand {
  /** CPU service time, excluding memory reads of posting lists. */
  cpuMs: number;
  /** Posting-list reads: their cache keys and modelled bytes (memory or disk, decided by the machine). */
  reads: number;
  readKeys: Int32Array;
  readBytes: Float64Array;
  /** Of each read, the share a memory-resident index actually touches (blocks decoded / all blocks). */
  touchedShare: number;
  /**
   * The reads are prefixes of their lists (early termination): a cached copy serves a read only when it
   * holds at least as many bytes. Otherwise a list is always read whole and any cached copy serves.
   */
  prefixReads: boolean;
  /** Modelled postings decoded. */
  postingsDecoded: number;
  hits: number;
  /** With a ranking funnel: the share of `cpuMs` that is the re-ranking stage, and first-stage candidates (modelled). */
  rerankCpuMs: number;
  candidates: number;
}

export function newLeafDemand(maxTerms = 64): LeafDemand {
  return { cpuMs: 0, reads: 0, readKeys: new Int32Array(maxTerms), readBytes: new Float64Array(maxTerms), touchedShare: 1, prefixReads: false, postingsDecoded: 0, hits: 0, rerankCpuMs: 0, candidates: 0 };
}

/** The service-model seam: the index (receipts) or a synthetic distribution. */
export interface ServiceModel {
  readonly kind: string;
  /** Fills `out` with what `q` asks of the machine serving `shard`. */
  demand(q: PreparedQuery, shard: number, out: LeafDemand): void;
}

/** Synthetic service times for validation against queueing theory and what-if studies. */
export type SyntheticService =
  | { kind: 'exponential'; meanMs: number }
  | { kind: 'deterministic'; ms: number }
  | { kind: 'lognormal'; medianMs: number; sigma: number }
  | { kind: 'mixture'; parts: { p: number; ms: number }[] };

export class SyntheticServiceModel implements ServiceModel {
  readonly kind: string;
  private readonly cumulative: number[] = [];
  constructor(
    private readonly spec: SyntheticService,
    private readonly rng: Rng,
    private readonly hitsPerLeaf: number,
  ) {
    this.kind = spec.kind;
    if (spec.kind === 'mixture') {
      let acc = 0;
      for (const p of spec.parts) this.cumulative.push((acc += p.p));
      if (Math.abs(acc - 1) > 1e-9) throw errors.option('service.parts', 'probabilities that add up to 1', acc);
    }
  }
  demand(_q: PreparedQuery, _shard: number, out: LeafDemand): void {
    out.cpuMs = this.draw();
    out.reads = 0;
    out.prefixReads = false;
    out.postingsDecoded = 0;
    out.touchedShare = 1;
    out.hits = this.hitsPerLeaf;
    out.rerankCpuMs = 0;
    out.candidates = 0;
  }
  private draw(): number {
    const s = this.spec;
    switch (s.kind) {
      case 'exponential':
        return this.rng.exponential(s.meanMs);
      case 'deterministic':
        return s.ms;
      case 'lognormal':
        return this.rng.lognormal(s.medianMs, s.sigma);
      case 'mixture': {
        const u = this.rng.next();
        let i = 0;
        while (i < this.cumulative.length - 1 && u >= this.cumulative[i]) i++;
        return s.parts[i].ms;
      }
    }
  }
}

/** How receipts measured on the real shards scale to the modelled index (docs/DESIGN.md section 2, Scale). */
export interface IndexScale {
  /** Modelled documents / real documents. */
  postings: number;
  /** Modelled index bytes / real index bytes. */
  bytes: number;
}

/** CPU cost per leaf, from the hardware profile. */
export interface LeafCpuCost {
  nsPerPosting: number;
  nsPerTerm: number;
  nsPerRequest: number;
}

/**
 * A second tier's list of a term is another list: its buffer-cache key is the term's key plus this
 * (term keys stay far below it).
 */
export const SECOND_TIER_KEY = 1 << 29;

/**
 * A ranking funnel's leaf stages, as the cost model sizes them: a leaf keeps `candidates` by BM25 (the
 * request's k), re-ranks them when `rerank`, and returns `keep`.
 */
export interface LeafFunnel {
  candidates: number;
  keep: number;
  rerank: boolean;
  /** Shards of the layout (a scaled-up index spreads a query's candidates over all of them). */
  shards: number;
}

/**
 * Candidates a modelled shard has where the real one had `real` of at most `cap` (or, on a scaled-up
 * index, where the real shards had `real` on average): a real shard that filled its cap would fill it on
 * the larger modelled index too; one that ran out of matching documents had all of them, and the
 * modelled shard has that many times the index's scale (at most the cap).
 */
export function modelledCandidates(real: number, cap: number, scale: number): number {
  return real >= cap ? cap : Math.min(cap, Math.round(real * scale));
}

/**
 * Leaf work from real receipts, scaled uniformly to the modelled index (every posting by modelled /
 * real documents, every byte by modelled / real index bytes). The cluster asks for a query's shards in
 * ascending order, so a cursor walks the query's sparse list of working shards.
 *
 * With a ranking funnel, a leaf's candidates and the hits it sends up are counted on the modelled index
 * (`modelledCandidates`), and its re-ranking stage costs the forward-index entries the real shards read
 * per candidate times the modelled candidates, each at the cost of a posting (a varint pair decoded and
 * its term's weight looked up: the same work as decoding and scoring a posting). On the real index
 * (scale 1) each shard's own counts are the modelled shard's. On a scaled-up index each modelled shard
 * is a uniform sample (documents are hashed to shards) many times a real shard's size, so every leaf
 * gets the query's real candidates a shard on average, scaled: a real shard too small to hold a query's
 * terms (1,200 shards of 117,000 glosses hold about 98 each) still stands for a modelled shard that does.
 */
export class IndexServiceModel implements ServiceModel {
  readonly kind = 'index';
  private query: PreparedQuery | null = null;
  private pos = 0;
  constructor(
    private readonly scale: IndexScale,
    private readonly cpu: LeafCpuCost,
    /** Receipts are of prefixes (the searcher terminates early). */
    private readonly prefixReads = false,
    private readonly funnel: LeafFunnel | null = null,
  ) {}
  demand(q: PreparedQuery, shard: number, out: LeafDemand): void {
    const t = q.termCount;
    const qw = q.work;
    const ws = qw ? qw.shards : EMPTY;
    if (q !== this.query || (this.pos > 0 && shard < ws[this.pos - 1])) {
      this.query = q;
      this.pos = 0;
    }
    while (this.pos < ws.length && ws[this.pos] < shard) this.pos++;
    out.prefixReads = this.prefixReads;
    if (!qw || this.pos >= ws.length || ws[this.pos] !== shard) {
      out.reads = 0;
      out.touchedShare = 1;
      out.postingsDecoded = 0;
      out.hits = 0;
      out.rerankCpuMs = 0;
      out.candidates = 0;
      out.cpuMs = (t * this.cpu.nsPerTerm + this.cpu.nsPerRequest) / 1e6;
      if (this.funnel && qw && this.scale.postings > 1) this.evenFunnelDemand(q, qw, out);
      return;
    }
    const w = qw.work;
    const k = this.pos;
    const r = qw.offsets[k];
    const decodedReal = recordDecoded(qw, k);
    const m = recordTerms(qw, k);
    if (out.readKeys.length < m) {
      out.readKeys = new Int32Array(m * 2);
      out.readBytes = new Float64Array(m * 2);
    }
    let postings = 0;
    for (let j = 0; j < m; j++) {
      const at = tripleAt(r, j);
      postings += w[at + 1];
      // Entries past the terms are second-tier reads (receipt.ts).
      const term = w[at];
      out.readKeys[j] = term < t ? q.termKeys[term] : q.termKeys[term - t] + SECOND_TIER_KEY;
      out.readBytes[j] = w[at + 2] * this.scale.bytes;
    }
    const decoded = decodedReal * this.scale.postings;
    out.reads = m;
    out.touchedShare = postings > 0 ? Math.min(1, decodedReal / postings) : 1;
    out.postingsDecoded = decoded;
    out.hits = recordHits(qw, k);
    out.cpuMs = (decoded * this.cpu.nsPerPosting + t * this.cpu.nsPerTerm + this.cpu.nsPerRequest) / 1e6;
    out.rerankCpuMs = 0;
    out.candidates = 0;
    if (this.funnel) this.funnelDemand(qw, k, out);
  }

  /** The funnel's part of a leaf's demand, from this shard's receipt (scale 1) or the query's even share. */
  private funnelDemand(qw: QueryWork, k: number, out: LeafDemand): void {
    const f = this.funnel!;
    if (this.scale.postings > 1) {
      this.evenFunnelDemand(this.query!, qw, out);
      return;
    }
    const real = this.realCandidates(qw, k);
    const candidates = modelledCandidates(real, f.candidates, this.scale.postings);
    out.candidates = candidates;
    out.hits = Math.min(f.keep, candidates);
    if (f.rerank && real > 0) {
      out.rerankCpuMs = ((recordForward(qw, k) / real) * candidates * this.cpu.nsPerPosting) / 1e6;
      out.cpuMs += out.rerankCpuMs;
    }
  }

  private realCandidates(qw: QueryWork, k: number): number {
    return this.funnel!.rerank ? recordCandidates(qw, k) : recordHits(qw, k);
  }

  /** The query whose even share is `evenCandidates`, and its forward entries a candidate. */
  private evenFor: PreparedQuery | null = null;
  private evenCandidates = 0;
  private forwardPerCandidate = 0;

  private evenFunnelDemand(q: PreparedQuery, qw: QueryWork, out: LeafDemand): void {
    const f = this.funnel!;
    if (this.evenFor !== q) {
      let real = 0;
      let forward = 0;
      let filled = false;
      for (let k = 0; k < qw.shards.length; k++) {
        const c = this.realCandidates(qw, k);
        real += c;
        forward += recordForward(qw, k);
        if (c >= f.candidates) filled = true;
      }
      this.evenFor = q;
      this.evenCandidates = filled ? f.candidates : modelledCandidates(real / f.shards, f.candidates, this.scale.postings);
      this.forwardPerCandidate = real > 0 ? forward / real : 0;
    }
    out.candidates = this.evenCandidates;
    out.hits = Math.min(f.keep, this.evenCandidates);
    if (f.rerank) {
      out.rerankCpuMs = (this.forwardPerCandidate * this.evenCandidates * this.cpu.nsPerPosting) / 1e6;
      out.cpuMs += out.rerankCpuMs;
    }
  }
}

const EMPTY = new Int32Array(0);

/** A term's list in the whole modelled index: documents holding it and bytes (see WebTermScale). */
export interface ModelledList {
  df: number;
  bytes: number;
}

/** How a per-term service reads lists: exhaustively, or as prefixes up to a match budget. */
export interface PerTermSearcher {
  /** Matching documents each shard looks for before it stops; null: exhaustive. */
  budgetPerShard: number | null;
  /** Share of each shard's documents in its first tier; null: one tier. */
  firstTierShare: number | null;
  mode: 'or' | 'and';
  /** Hits a shard returns at most (k). */
  k: number;
}

/**
 * Leaf work from each term's modelled list (per-term scale): the modelled index has every term on
 * every shard, with df / shards documents and bytes / shards bytes there (documents are spread evenly).
 * Exhaustive, a leaf reads each whole list and decodes the share of it the real shards decoded for the
 * query. With a match budget, a shard reads its lists in its static order until `budget` documents
 * matched: with term t on a share p_t of documents, independently, a document matches with
 * probability P = 1 - prod(1 - p_t) (or prod p_t for `and`), so about budget / P documents are scanned
 * and list t is read for p_t budget / P postings, a prefix. With two tiers, the first tier's lists are
 * read first (to their end when its N share x P matches fall short of the budget), the second tier's
 * only for the rest, and each is a read of its own. The real receipts still give which documents a
 * query returns; they no longer size the work.
 */
export class PerTermServiceModel implements ServiceModel {
  readonly kind = 'index';
  private query: PreparedQuery | null = null;
  private readonly keys: number[] = [];
  private readonly bytes: number[] = [];
  private decoded = 0;
  private hits = 0;
  private touched = 1;

  constructor(
    /** The modelled list of a term, by its cluster-wide key. */
    private readonly list: (termKey: number) => ModelledList,
    private readonly shards: number,
    /** Modelled documents a shard holds. */
    private readonly docsPerShard: number,
    private readonly cpu: LeafCpuCost,
    private readonly searcher: PerTermSearcher,
  ) {}

  demand(q: PreparedQuery, _shard: number, out: LeafDemand): void {
    if (q !== this.query) this.plan(q);
    const n = this.keys.length;
    if (out.readKeys.length < n) {
      out.readKeys = new Int32Array(n * 2);
      out.readBytes = new Float64Array(n * 2);
    }
    for (let i = 0; i < n; i++) {
      out.readKeys[i] = this.keys[i];
      out.readBytes[i] = this.bytes[i];
    }
    out.reads = n;
    out.prefixReads = this.searcher.budgetPerShard !== null;
    out.touchedShare = this.touched;
    out.postingsDecoded = this.decoded;
    out.rerankCpuMs = 0;
    out.candidates = 0;
    out.hits = this.hits;
    out.cpuMs = (this.decoded * this.cpu.nsPerPosting + q.termCount * this.cpu.nsPerTerm + this.cpu.nsPerRequest) / 1e6;
  }

  /** A query's reads are the same on every shard: worked out once per query. */
  private plan(q: PreparedQuery): void {
    this.query = q;
    this.keys.length = 0;
    this.bytes.length = 0;
    const t = q.termCount;
    const N = this.docsPerShard;
    const df: number[] = [];
    const bytes: number[] = [];
    let none = 1;
    let all = 1;
    for (let i = 0; i < t; i++) {
      const l = this.list(q.termKeys[i]);
      df.push(Math.min(N, l.df / this.shards));
      bytes.push(l.bytes / this.shards);
      none *= 1 - df[i] / N;
      all *= df[i] / N;
    }
    const pMatch = t === 0 ? 0 : this.searcher.mode === 'and' ? all : 1 - none;
    const matches = N * pMatch;
    this.hits = Math.min(this.searcher.k, Math.round(matches));
    const b = this.searcher.budgetPerShard;
    const share = this.searcher.firstTierShare;
    let decoded = 0;
    this.touched = 1;
    const read = (i: number, key: number, docsScanned: number): void => {
      const postings = (df[i] / N) * docsScanned;
      this.keys.push(key);
      this.bytes.push(df[i] > 0 ? (bytes[i] * postings) / df[i] : 0);
      decoded += postings;
    };
    if (b === null || matches <= 0) {
      // Whole lists; the real shards' decoded share (MaxScore skips blocks) carries over.
      for (let i = 0; i < t; i++) read(i, q.termKeys[i], N);
      this.touched = realDecodedShare(q);
      decoded *= this.touched;
    } else if (share === null) {
      const scanned = Math.min(N, b / pMatch);
      for (let i = 0; i < t; i++) read(i, q.termKeys[i], scanned);
    } else {
      const first = share * N;
      const inFirst = first * pMatch;
      const scannedFirst = inFirst >= b ? b / pMatch : first;
      for (let i = 0; i < t; i++) read(i, q.termKeys[i], scannedFirst);
      if (inFirst < b) {
        const scannedSecond = Math.min(N - first, (b - inFirst) / pMatch);
        for (let i = 0; i < t; i++) read(i, q.termKeys[i] + SECOND_TIER_KEY, scannedSecond);
      }
    }
    this.decoded = decoded;
  }
}

/** The share of the postings in a query's real lists that the real shards decoded (1 without receipts). */
function realDecodedShare(q: PreparedQuery): number {
  const w = q.work;
  if (!w) return 1;
  let decoded = 0;
  let postings = 0;
  for (let k = 0; k < w.shards.length; k++) {
    decoded += recordDecoded(w, k);
    const r = w.offsets[k];
    for (let j = 0; j < recordTerms(w, k); j++) postings += w.work[tripleAt(r, j) + 1];
  }
  return postings > 0 ? Math.min(1, decoded / postings) : 1;
}
