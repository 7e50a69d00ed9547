import { Command } from 'commander';
import { Analyzer, EXPANSION_POLICIES, Expander, WordNet, type ExpansionPolicy, type WeightedTerm } from '../../analysis/index.ts';
import { readQrels, readQueries, requireCollection, type CollectionPaths, type Qrels } from '../../corpus/index.ts';
import { errors } from '../../core/index.ts';
import { analyzeQuery } from '../../index/index.ts';
import { evaluateRuns, judgedCount, matchJudgments, type QualityReport } from '../../quality/index.ts';
import { openShards } from '../../shard/index.ts';
import { checkWorkBudget, estimateWork } from '../../scenarios/index.ts';
import { ticker } from '../progress.ts';
import { addIndexOptions, analyzerFrom, oneOf, positiveInt, specFrom, unitWeight, type IndexCliOptions } from '../options.ts';
import { JSON_FLAGS, jsonHelp, jsonTarget, table, warn, writeJson } from '../output.ts';

interface EvalOptions extends IndexCliOptions {
  k: number;
  json?: string | boolean;
  expansion?: ExpansionPolicy;
  senses: 'all' | 'first';
  maxTerms: number;
  weight: number;
}

export function evalCommand(): Command {
  const cmd = new Command('eval')
    .description('Run every judged query of a test collection and report MAP, nDCG@10, P@10 and recall@100.')
    .argument('<collectionDir>', 'folder with docs.jsonl, queries.jsonl and qrels.tsv (as workloads/cranfield)')
    .option('--k <n>', 'documents ranked per query', positiveInt, 1000)
    .option(JSON_FLAGS, jsonHelp('the measures'))
    .option('--expansion <policy>', `also run every query expanded (${EXPANSION_POLICIES.join(', ')}) and show both`, oneOf(EXPANSION_POLICIES))
    .option('--senses <s>', 'WordNet senses for synonyms: all or first', oneOf(['all', 'first'] as const), 'all')
    .option('--max-terms <n>', 'cap on terms per expanded query', positiveInt, 50)
    .option('--weight <x>', 'weight of an added term', unitWeight, 0.5)
    .addHelpText(
      'after',
      '\nExamples:\n  searchsim eval workloads/cranfield\n  searchsim eval workloads/cacm --shards 13 --json cacm.json\n  searchsim eval workloads/cranfield --expansion synonyms --senses first --weight 0.3',
    );
  addIndexOptions(cmd);
  return cmd.action(async (dir: string, o: EvalOptions) => {
    const json = jsonTarget(o.json);
    const paths = requireCollection(dir);
    const [queries, all] = await Promise.all([readQueries(paths.queries), readQrels(paths.qrels)]);
    const qrels = judgedQueries(paths, queries.map((q) => q.id), all);
    const analyzer = new Analyzer(analyzerFrom(o));
    const run = { queries: queries.length, shards: o.shards };
    checkWorkBudget(estimateWork(o.expansion ? [run, run] : [run], o.shards), o.force, 'use fewer --shards');
    const tick = ticker(`indexing ${paths.docs} into ${o.shards} shard${o.shards === 1 ? '' : 's'} and running ${queries.length} queries${o.expansion ? ' twice' : ''}`);
    let set;
    try {
      set = await openShards(specFrom(paths.docs, o), o.threads);
    } catch (e) {
      tick.stop();
      throw e;
    }
    let report: QualityReport;
    let expanded: QualityReport | null = null;
    try {
      const typed = queries.map((q) => analyzeQuery(analyzer, q.text));
      const evaluate = async (terms: WeightedTerm[][]) => {
        const results = await set.search(terms.map((t) => ({ terms: t, k: o.k, mode: 'or' as const })));
        return evaluateRuns(new Map(queries.map((q, i) => [q.id, results[i].hits.map((h) => h.id)])), qrels);
      };
      report = await evaluate(typed);
      if (o.expansion) {
        const p = o.expansion;
        const expander = new Expander(
          analyzer,
          { policy: p, senses: o.senses, maxTerms: o.maxTerms, addedWeight: o.weight },
          p === 'synonyms' || p === 'both' ? WordNet.load() : null,
          p === 'morph' || p === 'both' ? await set.vocabulary() : [],
        );
        expanded = await evaluate(typed.map((t) => expander.expandTerms(t).map((x) => ({ term: x.term, weight: x.weight }))));
      }
    } finally {
      tick.stop();
      await set.close();
    }
    if (expanded) {
      const out = { expansion: { policy: o.expansion, senses: o.senses, maxTerms: o.maxTerms, weight: o.weight }, without: report, with: expanded };
      if (json === '-') {
        writeJson('-', out);
        return;
      }
      console.log(`${dir}: ${report.queries} judged queries, expansion ${o.expansion} (senses ${o.senses}, at most ${o.maxTerms} terms, added weight ${o.weight})`);
      const row = (name: string, k: keyof QualityReport) => [name, report[k].toFixed(4), expanded![k].toFixed(4), `${expanded![k] >= report[k] ? '+' : ''}${(expanded![k] - report[k]).toFixed(4)}`];
      console.log(table(['measure', 'without', 'with', 'change'], [row('MAP', 'map'), row('nDCG@10', 'ndcg10'), row('P@10', 'p10'), row('recall@100', 'recall100')]));
      if (json) writeJson(json, out);
      return;
    }
    if (json === '-') {
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
    if (json) writeJson(json, report);
  });
}

/**
 * The judgments eval averages over: those of queries in queries.jsonl (trec_eval's rule); judged ids the
 * queries lack are reported on stderr and left out, and no judged query at all is a mistake.
 */
function judgedQueries(paths: CollectionPaths, queryIds: string[], all: Qrels): Qrels {
  if (judgedCount(all) === 0) throw errors.input({ file: paths.qrels }, 'at least one judged query (one with a relevant document)', 'none');
  const { judged, unmatched } = matchJudgments(queryIds, all);
  const n = unmatched.length;
  const first = `${unmatched.slice(0, 5).join(', ')}${n > 5 ? ', ...' : ''}`;
  if (judgedCount(judged) === 0) {
    throw errors.input({ file: paths.qrels }, `at least one judged query in ${paths.queries}`, `${n} judged quer${n === 1 ? 'y' : 'ies'} with other ids (${first})`);
  }
  if (n > 0) warn(`${paths.qrels}: ${n} judged quer${n === 1 ? 'y is' : 'ies are'} not in ${paths.queries} (${first}); left out, as trec_eval does`);
  return judged;
}
