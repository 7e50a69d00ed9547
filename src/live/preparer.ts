import type { Analyzer } from '../analysis/index.ts';
import type { PreparedQuery } from '../cluster/index.ts';
import { StatsCache, analyzeQuery, type MatchMode, type SearchRequest, type WeightedTerm } from '../index/index.ts';
import type { LiveMachines } from '../shard/index.ts';
import type { Preparer } from '../workload/index.ts';

export interface LivePreparerOptions {
  k: number;
  mode: MatchMode;
  /** Rewrites a query's terms before it runs (query expansion). */
  rewrite?: (terms: WeightedTerm[]) => WeightedTerm[];
}

/**
 * Prepares queries for the live cluster: analysed (and rewritten) into search requests with their
 * collection statistics, which the machines answer once per new term (a statistics round per chunk, off
 * the clock: a real engine keeps them precomputed). Nothing runs ahead: the query's search happens on the
 * machines when it arrives.
 */
export class LivePreparer implements Preparer {
  private readonly stats = new StatsCache();
  private termsTotal = 0;
  private queriesTotal = 0;

  constructor(
    private readonly machines: LiveMachines,
    private readonly analyzer: Analyzer,
    private readonly options: LivePreparerOptions,
  ) {}

  /** Mean terms per prepared query, after rewriting. */
  get meanTerms(): number {
    return this.queriesTotal > 0 ? this.termsTotal / this.queriesTotal : 0;
  }

  /** After changes: these terms' collection statistics are asked of the machines again. */
  forget(changedTerms: readonly string[]): void {
    this.stats.forget(changedTerms);
  }

  async prepare(texts: readonly string[], firstSeq: number): Promise<PreparedQuery[]> {
    const o = this.options;
    const requests: SearchRequest[] = texts.map((t) => {
      const base = analyzeQuery(this.analyzer, t);
      return { terms: o.rewrite ? o.rewrite(base) : base, k: o.k, mode: o.mode };
    });
    for (const r of requests) this.termsTotal += r.terms.length;
    this.queriesTotal += requests.length;
    const missing = this.stats.missing(requests);
    if (this.stats.needsRound(missing)) this.stats.add(missing, await this.machines.stats(missing));
    const globals = this.stats.globalsFor(requests);
    return requests.map((request, i) => ({
      seq: firstSeq + i,
      termCount: request.terms.length,
      termKeys: new Int32Array(0),
      work: null,
      resultKey: request.terms.map((t) => `${t.term}\u0002${t.weight}`).join('\u0001'),
      search: { request, globals: globals[i] },
    }));
  }
}
