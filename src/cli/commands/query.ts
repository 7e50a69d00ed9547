import { Command } from 'commander';
import { Analyzer } from '../../analysis/index.ts';
import { errors } from '../../core/index.ts';
import { readCorpus } from '../../corpus/index.ts';
import { analyzeQuery, MATCH_MODES, type MatchMode } from '../../index/index.ts';
import { openShards } from '../../shard/index.ts';
import { checkWorkBudget, estimateWork } from '../../scenarios/index.ts';
import { ticker } from '../progress.ts';
import { addIndexOptions, analyzerFrom, oneOf, positiveInt, specFrom, type IndexCliOptions } from '../options.ts';
import { JSON_FLAGS, jsonHelp, jsonTarget, table, writeJson } from '../output.ts';

interface QueryOptions extends IndexCliOptions {
  k: number;
  mode: MatchMode;
  json?: string | boolean;
}

export function queryCommand(): Command {
  const cmd = new Command('query')
    .description('Index a corpus into shards and run one query: ranked hits (BM25) and the work receipt.')
    .argument('<corpus>', 'corpus file (JSONL, TREC or SMART) or a collection folder holding docs.jsonl')
    .argument('<text>', 'the query text')
    .option('--k <n>', 'number of hits', positiveInt, 10)
    .option('--mode <mode>', 'or: any term matches (ranked by BM25); and: every term must match', oneOf(MATCH_MODES), 'or')
    .option(JSON_FLAGS, jsonHelp('{"hits":[{"id","score"}],"receipt":{...}}'))
    .addHelpText('after', '\nExample:\n  searchsim query workloads/cranfield "boundary layer heat transfer" --shards 4 --k 5');
  addIndexOptions(cmd);
  return cmd.action(async (corpus: string, text: string, o: QueryOptions) => {
    const json = jsonTarget(o.json);
    const spec = specFrom(corpus, o);
    const terms = analyzeQuery(new Analyzer(analyzerFrom(o)), text);
    if (terms.length === 0) throw errors.option('query text', 'at least one indexable word (all were stop words or empty)', text);
    checkWorkBudget(estimateWork([{ queries: 1, shards: o.shards }], o.shards), o.force, 'use fewer --shards');
    const tick = ticker(`indexing ${corpus} into ${o.shards} shard${o.shards === 1 ? '' : 's'}`);
    let set;
    try {
      set = await openShards(spec, o.threads);
    } finally {
      tick.stop();
    }
    try {
      const [r] = await set.search([{ terms, k: o.k, mode: o.mode }]);
      const receipt = {
        terms: terms.length,
        shards: r.receipts.length,
        postings: sum(r.receipts.map((x) => x.postings)),
        bytes: sum(r.receipts.map((x) => x.bytes)),
        decoded: sum(r.receipts.map((x) => x.decoded)),
        scored: sum(r.receipts.map((x) => x.scored)),
      };
      const out = { hits: r.hits.map((h) => ({ id: h.id, score: h.score })), receipt };
      if (json === '-') {
        writeJson('-', out);
        return;
      }
      const titles = await titlesOf(corpus, spec.corpusOptions, new Set(r.hits.map((h) => h.id)));
      const rows = r.hits.map((h, i) => [i + 1, h.id, h.score.toFixed(4), (titles.get(h.id) ?? '').slice(0, 70)]);
      console.log(`query terms: ${terms.map((t) => t.term).join(' ')}`);
      console.log(table(['rank', 'id', 'score', 'title'], rows));
      console.log(
        `receipt: ${receipt.terms} terms on ${receipt.shards} shards, ${receipt.postings} postings (${receipt.bytes} bytes), ${receipt.decoded} decoded, ${receipt.scored} scored`,
      );
      if (json) writeJson(json, out);
    } finally {
      await set.close();
    }
  });
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** Titles for display: one more pass over the corpus (the index keeps no stored fields). */
async function titlesOf(corpus: string, options: Parameters<typeof readCorpus>[1], ids: Set<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (ids.size === 0) return out;
  for await (const { doc } of readCorpus(corpus, options)) {
    if (ids.has(doc.id)) out.set(doc.id, (doc.title ?? doc.text).replace(/\s+/g, ' ').trim());
    if (out.size === ids.size) break;
  }
  return out;
}
