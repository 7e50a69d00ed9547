import { Command } from 'commander';
import { Analyzer } from '../../analysis/index.ts';
import { collectionPaths, readQrels, readQueries, requireFile } from '../../corpus/index.ts';
import { analyzeQuery, type SearchRequest } from '../../index/index.ts';
import { evaluateRuns } from '../../quality/index.ts';
import { openShards } from '../../shard/index.ts';
import { addIndexOptions, analyzerFrom, positiveInt, specFrom, type IndexCliOptions } from '../options.ts';
import { table, writeJson } from '../output.ts';

interface EvalOptions extends IndexCliOptions {
  k: number;
  json?: string;
}

export function evalCommand(): Command {
  const cmd = new Command('eval')
    .description('Run every judged query of a test collection and report MAP, nDCG@10, P@10 and recall@100.')
    .argument('<collectionDir>', 'folder with docs.jsonl, queries.jsonl and qrels.tsv (as workloads/cranfield)')
    .option('--k <n>', 'documents ranked per query', positiveInt, 1000)
    .option('--json <file>', 'also write the measures as JSON to a file (- for stdout)')
    .addHelpText('after', '\nExamples:\n  searchsim eval workloads/cranfield\n  searchsim eval workloads/cacm --shards 13 --json cacm.json');
  addIndexOptions(cmd);
  return cmd.action(async (dir: string, o: EvalOptions) => {
    const paths = collectionPaths(dir);
    for (const [what, p] of [['queries file', paths.queries], ['qrels file', paths.qrels], ['corpus file', paths.docs]] as const) requireFile(p, what);
    const [queries, qrels] = await Promise.all([readQueries(paths.queries), readQrels(paths.qrels)]);
    const analyzer = new Analyzer(analyzerFrom(o));
    const set = await openShards(specFrom(paths.docs, o), o.threads);
    let report;
    try {
      const requests: SearchRequest[] = queries.map((q) => ({ terms: analyzeQuery(analyzer, q.text), k: o.k, mode: 'or' }));
      const results = await set.search(requests);
      report = evaluateRuns(new Map(queries.map((q, i) => [q.id, results[i].hits.map((h) => h.id)])), qrels);
    } finally {
      await set.close();
    }
    if (o.json === '-') {
      writeJson('-', report);
      return;
    }
    console.log(`${dir}: ${report.queries} judged queries, ${o.shards} shard${o.shards === 1 ? '' : 's'}, top ${o.k}`);
    console.log(
      table(
        ['measure', 'value'],
        [
          ['MAP', report.map.toFixed(4)],
          ['nDCG@10', report.ndcg10.toFixed(4)],
          ['P@10', report.p10.toFixed(4)],
          ['recall@100', report.recall100.toFixed(4)],
        ],
      ),
    );
    if (o.json) writeJson(o.json, report);
  });
}
