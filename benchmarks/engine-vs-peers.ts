/**
 * Index build and query throughput of searchsim's engine beside MiniSearch and FlexSearch, in the same
 * process run, on the same documents and queries.
 *
 *   npm run bench:engine [-- --queries 2000 --corpus PATH --rounds 3]
 *
 * Corpus: GCIDE (126k dictionary entries, ../shared/data/gcide/docs.jsonl, markup stripped) when present,
 * else the bundled CACM collection (the run says so). Queries: the TREC 2005 efficiency queries
 * (workloads/trec-2005-efficiency), top 10, disjunctive.
 *
 * What each engine computes:
 * - searchsim: exact BM25 top 10 over all documents matching any term (MaxScore, rank-safe), with SMART
 *   stop words and plural stripping, plus a receipt.
 * - MiniSearch 7: BM25+ over every matching document (all matches scored and sorted), default tokenizer,
 *   no stop words; we keep the first 10.
 * - FlexSearch 0.8 (`suggest: true`, `limit: 10`): any-term matches ranked by FlexSearch's own
 *   position-based resolution, no BM25 and no document-length or idf weighting. Its default (AND) mode is
 *   reported too.
 *
 * Heap: V8 heap plus ArrayBuffer bytes retained after the build (gc forced), so typed arrays count.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Index as FlexIndex } from 'flexsearch';
import MiniSearch from 'minisearch';
import { Analyzer } from '../src/analysis/index.ts';
import { readCorpus, readQueries, type Doc } from '../src/corpus/index.ts';
import { ShardIndex, analyzeQuery } from '../src/index/index.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
};
const gcide = resolve(root, '../shared/data/gcide/docs.jsonl');
const corpusPath = arg('corpus', existsSync(gcide) ? gcide : join(root, 'workloads/cacm/docs.jsonl'));
const queryCount = Number(arg('queries', '2000'));
const rounds = Number(arg('rounds', '3'));

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc (npm run bench:engine does)');
  process.exit(2);
}
function retained(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Engine {
  name: string;
  build(docs: Doc[]): unknown;
  query(handle: unknown, q: string): number;
}

const analyzer = new Analyzer();
function buildFlexSearch(docs: Doc[]): FlexIndex {
  const fx = new FlexIndex();
  docs.forEach((d, i) => fx.add(i, d.title ? `${d.title} ${d.text}` : d.text));
  return fx;
}
const engines: Engine[] = [
  {
    name: 'searchsim (BM25 top-10, MaxScore)',
    build(docs) {
      const idx = new ShardIndex();
      const b = idx.bulk();
      for (const d of docs) b.add(d.id, analyzer.terms(d.title ? `${d.title}\n${d.text}` : d.text));
      b.finish();
      return idx;
    },
    query(h, q) {
      const idx = h as ShardIndex;
      const terms = analyzeQuery(analyzer, q);
      if (terms.length === 0) return 0;
      const st = idx.stats(terms.map((t) => t.term));
      return idx.search({ terms, k: 10, mode: 'or' }, st).hits.length;
    },
  },
  {
    name: 'MiniSearch (BM25+, all matches)',
    build(docs) {
      const ms = new MiniSearch<Doc>({ fields: ['title', 'text'], storeFields: [], idField: 'id' });
      ms.addAll(docs);
      return ms;
    },
    query(h, q) {
      return (h as MiniSearch<Doc>).search(q).slice(0, 10).length;
    },
  },
  {
    name: 'FlexSearch (suggest: any term, no BM25)',
    build: buildFlexSearch,
    query(h, q) {
      return ((h as FlexIndex).search(q, { limit: 10, suggest: true }) as unknown[]).length;
    },
  },
  {
    name: 'FlexSearch (default: all terms, no BM25)',
    build: buildFlexSearch,
    query(h, q) {
      return ((h as FlexIndex).search(q, { limit: 10 }) as unknown[]).length;
    },
  },
];

async function main(): Promise<void> {
  const docs: Doc[] = [];
  for await (const { doc } of readCorpus(corpusPath, { markup: corpusPath === gcide ? 'gcide' : 'none' })) docs.push(doc);
  const allQueries = (await readQueries(join(root, 'workloads/trec-2005-efficiency/queries.jsonl'))).map((q) => q.text);
  const queries = allQueries.slice(0, queryCount);
  console.log(`corpus: ${corpusPath}${corpusPath === gcide ? ' (GCIDE, markup stripped)' : ' (GCIDE absent: ../shared/data/gcide/docs.jsonl not found, using this instead)'}`);
  console.log(`documents: ${docs.length}; queries: ${queries.length} TREC 2005 efficiency queries, top 10; rounds: ${rounds} (median)`);
  console.log(`node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`);

  const rows: { name: string; buildDocsPerS: number; heapBytes: number; qps: number; hits: number }[] = [];
  for (const e of engines) {
    const buildMs: number[] = [];
    const qps: number[] = [];
    let heapBytes = 0;
    let hits = 0;
    for (let r = 0; r < rounds; r++) {
      const before = retained();
      const t0 = performance.now();
      let h: unknown = e.build(docs);
      buildMs.push(performance.now() - t0);
      heapBytes = retained() - before;
      for (const q of queries.slice(0, 500)) e.query(h, q); // warm-up
      hits = 0;
      const t1 = performance.now();
      for (const q of queries) hits += e.query(h, q);
      qps.push(queries.length / ((performance.now() - t1) / 1000));
      if (h instanceof ShardIndex) h.close();
      h = null; // released before the next build's baseline
    }
    rows.push({ name: e.name, buildDocsPerS: docs.length / (median(buildMs) / 1000), heapBytes, qps: median(qps), hits });
  }

  const us = rows[0];
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log('| engine | build docs/s | heap MB | queries/s | hits returned |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${fmt(r.buildDocsPerS)} | ${(r.heapBytes / 2 ** 20).toFixed(1)} | ${fmt(r.qps)} | ${r.hits} |`);
  console.log('\nsearchsim relative to each peer (build: higher is better; heap: lower is better; queries: higher is better):');
  for (const r of rows.slice(1)) {
    console.log(
      `- vs ${r.name}: build ${(us.buildDocsPerS / r.buildDocsPerS).toFixed(2)}x, heap ${(us.heapBytes / r.heapBytes).toFixed(2)}x, queries/s ${(us.qps / r.qps).toFixed(2)}x`,
    );
  }
}

await main();
