import { errors, type Rng } from '../core/index.ts';
import { recordDecoded, recordHits, recordTerms, tripleAt, type QueryWork } from '../index/index.ts';

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
  /** Modelled postings decoded. */
  postingsDecoded: number;
  hits: number;
}

export function newLeafDemand(maxTerms = 64): LeafDemand {
  return { cpuMs: 0, reads: 0, readKeys: new Int32Array(maxTerms), readBytes: new Float64Array(maxTerms), touchedShare: 1, postingsDecoded: 0, hits: 0 };
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
    out.postingsDecoded = 0;
    out.touchedShare = 1;
    out.hits = this.hitsPerLeaf;
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
 * Leaf work from real receipts, scaled to the modelled index. The cluster asks for a query's shards in
 * ascending order, so a cursor walks the query's sparse list of working shards.
 */
export class IndexServiceModel implements ServiceModel {
  readonly kind = 'index';
  private query: PreparedQuery | null = null;
  private pos = 0;
  constructor(
    private readonly scale: IndexScale,
    private readonly cpu: LeafCpuCost,
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
    if (!qw || this.pos >= ws.length || ws[this.pos] !== shard) {
      out.reads = 0;
      out.touchedShare = 1;
      out.postingsDecoded = 0;
      out.hits = 0;
      out.cpuMs = (t * this.cpu.nsPerTerm + this.cpu.nsPerRequest) / 1e6;
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
      out.readKeys[j] = q.termKeys[w[at]];
      out.readBytes[j] = w[at + 2] * this.scale.bytes;
    }
    const decoded = decodedReal * this.scale.postings;
    out.reads = m;
    out.touchedShare = postings > 0 ? Math.min(1, decodedReal / postings) : 1;
    out.postingsDecoded = decoded;
    out.hits = recordHits(qw, k);
    out.cpuMs = (decoded * this.cpu.nsPerPosting + t * this.cpu.nsPerTerm + this.cpu.nsPerRequest) / 1e6;
  }
}

const EMPTY = new Int32Array(0);
