import { LRUCache } from 'lru-cache';
import type { Analyzer } from '../analysis/index.ts';
import type { PreparedQuery } from '../cluster/index.ts';
import { analyzeQuery, type MatchMode, type QueryWork, type RerankRequest, type ShardSet, type WeightedTerm } from '../index/index.ts';

export interface PreparerOptions {
  k: number;
  mode: MatchMode;
  /** Bytes of receipts kept for repeated queries (default 512 MiB). */
  receiptCacheBytes?: number;
  /** Rewrites a query's terms before it runs (query expansion). */
  rewrite?: (terms: WeightedTerm[]) => WeightedTerm[];
  /** Also learn which documents each query returns (for staleness under updates). */
  hits?: boolean;
  /** Early termination: matching documents each real shard looks for (SearchRequest.budget). */
  budget?: number;
  /** Book second-tier reads apart (SearchRequest.tiered). */
  tiered?: boolean;
  /** A re-ranking stage on the shards (SearchRequest.rerank): k is then the first stage's candidates. */
  rerank?: RerankRequest;
}

interface CachedWork {
  termKeys: Int32Array;
  work: QueryWork;
}

/**
 * Receipts of queries already run, shared by the runs on one shard set (a comparison, a study): keyed by
 * the index version, k, the match mode and the weighted terms. Also the cluster-wide term ids.
 */
export class ReceiptCache {
  readonly termIds = new Map<string, number>();
  /** Each term by its id. */
  readonly termNames: string[] = [];
  readonly cache: LRUCache<string, CachedWork>;
  constructor(maxBytes = 512 * 2 ** 20) {
    this.cache = new LRUCache<string, CachedWork>({
      maxSize: maxBytes,
      sizeCalculation: (v) => v.work.work.byteLength + v.work.shards.byteLength + v.work.offsets.byteLength + v.termKeys.byteLength + 96,
    });
  }
  termId(t: string): number {
    let id = this.termIds.get(t);
    if (id === undefined) {
      this.termIds.set(t, (id = this.termIds.size));
      this.termNames.push(t);
    }
    return id;
  }
}

/**
 * Turns query texts into the cluster's prepared queries: analysed (and rewritten), run for real on every
 * shard in one batch, their receipts packed into one typed array each. Receipts depend only on the query
 * and the index version, never on timing, so a repeated query's come from a cache (docs/DESIGN.md section 2).
 */
export class QueryPreparer {
  private readonly cache: LRUCache<string, CachedWork>;
  private readonly receipts: ReceiptCache;
  /** Bumped when the index changes, so older receipts are not reused. */
  indexVersion = 0;
  receiptHits = 0;
  receiptMisses = 0;
  private termsTotal = 0;
  private queriesTotal = 0;

  /** Mean terms per prepared query, after rewriting. */
  get meanTerms(): number {
    return this.queriesTotal > 0 ? this.termsTotal / this.queriesTotal : 0;
  }

  constructor(
    private readonly shards: ShardSet,
    private readonly analyzer: Analyzer,
    private readonly options: PreparerOptions,
    receipts?: ReceiptCache,
  ) {
    this.receipts = receipts ?? new ReceiptCache(options.receiptCacheBytes);
    this.cache = this.receipts.cache;
  }

  private termId(t: string): number {
    return this.receipts.termId(t);
  }

  async prepare(texts: readonly string[], firstSeq: number): Promise<PreparedQuery[]> {
    const terms = texts.map((t) => {
      const base = analyzeQuery(this.analyzer, t);
      return this.options.rewrite ? this.options.rewrite(base) : base;
    });
    for (const t of terms) this.termsTotal += t.length;
    this.queriesTotal += terms.length;
    const o = this.options;
    const r = o.rerank;
    const searcher = (o.budget === undefined ? '' : `b${o.budget}${o.tiered ? 't' : ''}`) + (r ? `r${r.kind}/${r.keep}/${r.fbDocs}/${r.fbTerms}/${r.originalWeight}` : '');
    // A result cache's key: the weighted terms (the same terms give the same answer on one index).
    const resultKeys = terms.map((ts) => ts.map((t) => `${t.term}\u0002${t.weight}`).join('\u0001'));
    const keys = resultKeys.map((rk) => `${this.indexVersion}\u0001${o.hits ? 'h' : ''}${o.k}\u0001${o.mode}${searcher}\u0001${rk}`);
    // Entries are taken out of the cache now: a concurrent batch may evict them while this one waits.
    const fresh = new Map<string, CachedWork>();
    const missing = new Map<string, number>();
    keys.forEach((k, i) => {
      if (terms[i].length === 0 || fresh.has(k) || missing.has(k)) return;
      const c = this.cache.get(k);
      if (c) fresh.set(k, c);
      else missing.set(k, i);
    });
    if (missing.size > 0) {
      const idx = [...missing.values()];
      const works = await this.shards.work(
        idx.map((i) => ({ terms: terms[i], k: o.k, mode: o.mode, ...(o.budget !== undefined ? { budget: o.budget, tiered: o.tiered === true } : {}), ...(r ? { rerank: r } : {}) })),
        { hits: this.options.hits === true },
      );
      idx.forEach((i, n) => {
        const w = { termKeys: Int32Array.from(terms[i].map((t) => this.termId(t.term))), work: works[n] };
        fresh.set(keys[i], w);
        this.cache.set(keys[i], w);
      });
    }
    return texts.map((_, i) => {
      const seq = firstSeq + i;
      if (terms[i].length === 0) return { seq, termCount: 0, termKeys: new Int32Array(0), work: null, resultKey: '' };
      const c = fresh.get(keys[i])!;
      if (missing.get(keys[i]) === i) this.receiptMisses++;
      else this.receiptHits++;
      return { seq, termCount: terms[i].length, termKeys: c.termKeys, work: c.work, resultKey: resultKeys[i] };
    });
  }
}
