/**
 * What the engine benchmark compares (benchmarks/engine-vs-peers.ts runs it, benchmarks/engine-run.ts
 * measures one engine in one fresh process): the corpora with their queries, the analysis variants, and
 * one adapter per engine, plus the plain BM25 reference the top 10s are checked against.
 *
 * Same tokens for every engine: under the `none` and `smart` analyses every engine, the reference
 * included, turns text into terms with the same searchsim `Analyzer` (MiniSearch through its `tokenize`
 * option with `processTerm` the identity, FlexSearch through its `encode` option), inside its own build
 * and query calls, so tokenizing costs each engine the same. Under `own` each engine uses its own
 * defaults: the old benchmark's condition, kept to show what the old figure measured.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Analyzer, DEFAULT_ANALYZER, type AnalyzerOptions } from '../src/analysis/index.ts';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------------------
// Corpora and their queries

/** A corpus, its queries, and how many timed evaluations one process runs. */
export interface CorpusSpec {
  name: CorpusName;
  label: string;
  docs: string;
  /** GCIDE keeps its dictionary markup; it is stripped on loading (../shared/data/README.md). */
  markup: 'none' | 'gcide';
  queries: string;
  queriesLabel: string;
  /**
   * The timed queries and the warm-up ones, from the query file's texts, for about `evaluations` timed
   * evaluations. A long log (TREC) gives its first `evaluations` queries and warms up on the 500 after
   * them; a small test collection's queries are all timed, in as many passes as reach `evaluations`,
   * after one warm-up pass. No timed evaluations (`evaluations` 0) for the reference, which is run for
   * its answers only.
   */
  pick(all: readonly string[], evaluations: number): { timed: string[]; passes: number; warm: string[] };
}

export type CorpusName = 'gcide' | 'cacm' | 'cranfield';
export const CORPUS_NAMES: readonly CorpusName[] = ['gcide', 'cacm', 'cranfield'];

const WARMUP_QUERIES = 500;
const pickFromLog = (all: readonly string[], evaluations: number) => ({
  timed: all.slice(0, evaluations),
  passes: 1,
  warm: all.slice(evaluations, evaluations + WARMUP_QUERIES),
});
const pickAllInPasses = (all: readonly string[], evaluations: number) => ({
  timed: [...all],
  passes: Math.ceil(evaluations / all.length),
  warm: [...all],
});

export const CORPORA: Record<CorpusName, CorpusSpec> = {
  gcide: {
    name: 'gcide',
    label: 'GCIDE',
    docs: resolve(root, '../shared/data/gcide/docs.jsonl'),
    markup: 'gcide',
    queries: join(root, 'workloads/trec-2005-efficiency/queries.jsonl'),
    queriesLabel: 'TREC 2005 efficiency queries',
    pick: pickFromLog,
  },
  cacm: {
    name: 'cacm',
    label: 'CACM',
    docs: join(root, 'workloads/cacm/docs.jsonl'),
    markup: 'none',
    queries: join(root, 'workloads/cacm/queries.jsonl'),
    queriesLabel: 'CACM queries',
    pick: pickAllInPasses,
  },
  cranfield: {
    name: 'cranfield',
    label: 'Cranfield',
    docs: join(root, 'workloads/cranfield/docs.jsonl'),
    markup: 'none',
    queries: join(root, 'workloads/cranfield/queries.jsonl'),
    queriesLabel: 'Cranfield queries',
    pick: pickAllInPasses,
  },
};

export function corpusAvailable(c: CorpusSpec): boolean {
  return existsSync(c.docs) && existsSync(c.queries);
}

// ---------------------------------------------------------------------------------------------------
// Analysis variants

export type AnalysisName = 'none' | 'smart' | 'own';
export const ANALYSIS_NAMES: readonly AnalysisName[] = ['none', 'smart', 'own'];

export interface AnalysisSpec {
  label: string;
  /** What searchsim and the reference index with (and the peers too when `shared`). */
  analyzer: Partial<AnalyzerOptions>;
  /** Whether the peers get the same analyzer (true) or keep their own defaults (false). */
  shared: boolean;
}

export const ANALYSES: Record<AnalysisName, AnalysisSpec> = {
  none: {
    label: "every engine the same tokens, the peers' analysis: no stop words, no stemming",
    analyzer: { stopWords: 'none', stemmer: 'none' },
    shared: true,
  },
  smart: {
    label: "every engine the same tokens, searchsim's defaults: SMART stop words, plural stripping",
    analyzer: DEFAULT_ANALYZER,
    shared: true,
  },
  own: {
    label: "each engine its own defaults (the old benchmark's condition): searchsim drops SMART stop words and plurals, the peers index every word",
    analyzer: DEFAULT_ANALYZER,
    shared: false,
  },
};

// ---------------------------------------------------------------------------------------------------
// Engines

/** A document as every engine receives it: `body` is title and text, as searchsim indexes them. */
export interface BenchDoc {
  id: string;
  title: string;
  text: string;
  body: string;
}

/** One engine, built once: `count` is the timed call, `top` the ids of its first 10 results. */
export interface Engine {
  count(query: string): number;
  top(query: string): string[];
}

export type EngineName = 'searchsim' | 'minisearch' | 'flexsearch' | 'flexsearch-and' | 'reference';
export const ENGINE_NAMES: readonly EngineName[] = ['searchsim', 'minisearch', 'flexsearch', 'flexsearch-and', 'reference'];
/** The engines timed by default (the reference is only run for its results). */
export const TIMED_ENGINES: readonly EngineName[] = ['searchsim', 'minisearch', 'flexsearch', 'flexsearch-and'];

export const ENGINE_LABELS: Record<EngineName, string> = {
  searchsim: 'searchsim (exact BM25 top 10, OR, MaxScore)',
  minisearch: 'MiniSearch 7.2 (BM25+, all matches scored, first 10 kept)',
  flexsearch: 'FlexSearch 0.8 (suggest: any term, limit 10, no BM25)',
  'flexsearch-and': 'FlexSearch 0.8 (default: all terms, limit 10, no BM25)',
  reference: 'plain BM25 reference (k1 1.2, b 0.75, exhaustive)',
};

export const TOP_K = 10;

/**
 * Builds one engine over `docs` (the timed part of a run) and returns it. Each engine's module is
 * imported here, so a process loads only the engine it measures.
 */
export async function buildEngine(name: EngineName, analysis: AnalysisName, docs: readonly BenchDoc[]): Promise<{ engine: Engine; buildMs: number }> {
  const spec = ANALYSES[analysis];
  const analyzer = new Analyzer(spec.analyzer);
  const make = await loadMaker(name);
  const t0 = performance.now();
  const engine = make(docs, analyzer, spec.shared);
  return { engine, buildMs: performance.now() - t0 };
}

type Maker = (docs: readonly BenchDoc[], analyzer: Analyzer, shared: boolean) => Engine;

async function loadMaker(name: EngineName): Promise<Maker> {
  switch (name) {
    case 'searchsim':
      return searchsimMaker();
    case 'minisearch':
      return miniSearchMaker();
    case 'flexsearch':
      return flexSearchMaker(true);
    case 'flexsearch-and':
      return flexSearchMaker(false);
    case 'reference':
      return (docs, analyzer) => new Bm25Reference(docs, analyzer);
  }
}

async function searchsimMaker(): Promise<Maker> {
  const { ShardIndex, analyzeQuery } = await import('../src/index/index.ts');
  return (docs, analyzer) => {
    const idx = new ShardIndex();
    const b = idx.bulk();
    for (const d of docs) b.add(d.id, analyzer.terms(d.body));
    b.finish();
    const search = (q: string) => {
      const terms = analyzeQuery(analyzer, q);
      if (terms.length === 0) return [];
      return idx.search({ terms, k: TOP_K, mode: 'or' }, idx.stats(terms.map((t) => t.term))).hits;
    };
    return { count: (q) => search(q).length, top: (q) => search(q).map((h) => h.id) };
  };
}

async function miniSearchMaker(): Promise<Maker> {
  const { default: MiniSearch } = await import('minisearch');
  return (docs, analyzer, shared) => {
    // Shared analysis: one field, the body, as searchsim and FlexSearch index it. Own: the old
    // benchmark's MiniSearch, title and text as two fields with its default tokenizer.
    const ms = shared
      ? new MiniSearch<BenchDoc>({
          fields: ['body'],
          storeFields: [],
          idField: 'id',
          tokenize: (text) => analyzer.terms(text),
          processTerm: (term) => term,
        })
      : new MiniSearch<BenchDoc>({ fields: ['title', 'text'], storeFields: [], idField: 'id' });
    ms.addAll(docs as BenchDoc[]);
    return {
      count: (q) => Math.min(TOP_K, ms.search(q).length),
      top: (q) => ms.search(q).slice(0, TOP_K).map((r) => String(r.id)),
    };
  };
}

async function flexSearchMaker(suggest: boolean): Promise<Maker> {
  const { Index } = await import('flexsearch');
  return (docs, analyzer, shared) => {
    const fx = shared ? new Index({ encode: (text: string) => analyzer.terms(text) }) : new Index();
    docs.forEach((d, i) => fx.add(i, d.body));
    const search = (q: string) => fx.search(q, suggest ? { limit: TOP_K, suggest: true } : { limit: TOP_K }) as number[];
    return { count: (q) => search(q).length, top: (q) => search(q).map((i) => docs[i].id) };
  };
}

/**
 * Plain Okapi BM25 (k1 1.2, b 0.75, Lucene's idf ln(1 + (N - df + 0.5) / (df + 0.5)), a repeated query
 * word counted again), scored exhaustively term at a time into one accumulator per document, written
 * apart from src/index so that it checks searchsim rather than repeating it. Ties: score descending,
 * then id ascending, as searchsim orders them.
 */
export class Bm25Reference implements Engine {
  static readonly k1 = 1.2;
  static readonly b = 0.75;
  private readonly postings = new Map<string, { docs: number[]; tfs: number[] }>();
  private readonly lengths: Float64Array;
  private readonly ids: string[];
  private readonly avgLength: number;

  constructor(
    docs: readonly BenchDoc[],
    private readonly analyzer: Analyzer,
  ) {
    this.ids = docs.map((d) => d.id);
    this.lengths = new Float64Array(docs.length);
    let total = 0;
    docs.forEach((d, i) => {
      const tf = new Map<string, number>();
      const terms = analyzer.terms(d.body);
      for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const [t, f] of tf) {
        let p = this.postings.get(t);
        if (!p) this.postings.set(t, (p = { docs: [], tfs: [] }));
        p.docs.push(i);
        p.tfs.push(f);
      }
      this.lengths[i] = terms.length;
      total += terms.length;
    });
    this.avgLength = docs.length > 0 ? total / docs.length : 1;
  }

  top(query: string): string[] {
    const qtf = new Map<string, number>();
    for (const t of this.analyzer.terms(query)) qtf.set(t, (qtf.get(t) ?? 0) + 1);
    const n = this.ids.length;
    const { k1, b } = Bm25Reference;
    const acc = new Map<number, number>();
    for (const [t, q] of qtf) {
      const p = this.postings.get(t);
      if (!p) continue;
      const df = p.docs.length;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (let j = 0; j < df; j++) {
        const d = p.docs[j];
        const tf = p.tfs[j];
        const s = (q * idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * this.lengths[d]) / this.avgLength));
        acc.set(d, (acc.get(d) ?? 0) + s);
      }
    }
    return [...acc]
      .sort((x, y) => y[1] - x[1] || (this.ids[x[0]] < this.ids[y[0]] ? -1 : this.ids[x[0]] > this.ids[y[0]] ? 1 : 0))
      .slice(0, TOP_K)
      .map(([d]) => this.ids[d]);
  }

  count(query: string): number {
    return this.top(query).length;
  }
}

/**
 * Mean over queries of |A ∩ B| / |B| for top-10 lists: the share of `base`'s top 10 that `other` also
 * returns in its top 10. Queries where `base` returns nothing are left out (and counted).
 */
export function topOverlap(other: readonly string[][], base: readonly string[][]): { overlap: number; queries: number; identical: number } {
  let sum = 0;
  let queries = 0;
  let identical = 0;
  base.forEach((b, i) => {
    if (b.length === 0) return;
    const o = new Set(other[i]);
    let shared = 0;
    for (const id of b) if (o.has(id)) shared++;
    sum += shared / b.length;
    queries++;
    if (other[i].length === b.length && other[i].every((id, j) => id === b[j])) identical++;
  });
  return { overlap: queries > 0 ? sum / queries : 1, queries, identical };
}
