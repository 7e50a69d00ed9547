import { Command } from 'commander';
import { Analyzer, EXPANSION_POLICIES, Expander, WordNet, type ExpansionPolicy, type WeightedTerm } from '../../analysis/index.ts';
import { readQrels, readQueries, requireCollection } from '../../corpus/index.ts';
import { funnelRankings, judgedQueries } from '../judged.ts';
import { errors } from '../../core/index.ts';
import { hardwarePreset } from '../../hardware/index.ts';
import { analyzeQuery, type QueryResult, type SearchRequest } from '../../index/index.ts';
import { evaluateRuns, type QualityReport } from '../../quality/index.ts';
import { formatBytes } from '../../report/index.ts';
import { openShards } from '../../shard/index.ts';
import { checkWorkBudget, estimateWork, funnelPlan, parseStages, searcherFor, stageLabel, type FunnelStage, type Searcher } from '../../scenarios/index.ts';
import { ticker } from '../progress.ts';
import { addIndexOptions, analyzerFrom, nonNegativeInt, oneOf, positiveInt, specFrom, unitWeight, type IndexCliOptions } from '../options.ts';
import { JSON_FLAGS, jsonHelp, jsonTarget, table, writeJson } from '../output.ts';

interface EvalOptions extends IndexCliOptions {
  k: number;
  json?: string | boolean;
  expansion?: ExpansionPolicy;
  senses: 'all' | 'first';
  maxTerms: number;
  weight: number;
  matchBudget?: number;
  order?: 'corpus' | 'static-rank';
  firstTierShare?: number;
  seed: number;
  funnel?: FunnelStage[];
}

/** What the queries read on the real shards, a query on average (receipts: whole lists, or prefixes). */
interface Reads {
  postings: number;
  bytes: number;
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
    .option(
      '--match-budget <n>',
      "also run every query with early termination, as the simulator's searcher does: each shard stops once it has found its share of n matching documents (n / shards, at least k); show both",
      positiveInt,
    )
    .option('--order <order>', 'with --match-budget: documents in each shard best first by a seeded static order (static-rank, the default) or as the corpus has them (corpus)', oneOf(['corpus', 'static-rank'] as const))
    .option('--first-tier-share <x>', 'with --match-budget: two tiers per shard, this share of its documents (the best by static order) searched first', unitWeight)
    .option('--seed <n>', 'seed of the static document order', nonNegativeInt, 1)
    .option(
      '--funnel <stages>',
      'also run every query through a ranking funnel, e.g. "bm25:1000,rm3:1000" (rm3 re-ranks each shard\'s BM25 candidates; a model stage keeps the order): show the funnel beside its first stage alone, both ranking as many documents as the last stage keeps (instead of --k)',
      (v: string) => parseStages(v, '--funnel'),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  searchsim eval workloads/cranfield\n  searchsim eval workloads/cacm --shards 13 --json cacm.json\n  searchsim eval workloads/cranfield --expansion synonyms --senses first --weight 0.3\n  searchsim eval workloads/cacm --match-budget 2000 --first-tier-share 0.1\n  searchsim eval workloads/cranfield --funnel bm25:1000,rm3:1000',
    );
  addIndexOptions(cmd);
  return cmd.action(async (dir: string, o: EvalOptions) => {
    const json = jsonTarget(o.json);
    const searcher = searcherOption(o);
    const paths = requireCollection(dir);
    const [queries, all] = await Promise.all([readQueries(paths.queries), readQrels(paths.qrels)]);
    const qrels = judgedQueries(paths, queries.map((q) => q.id), all);
    const analyzer = new Analyzer(analyzerFrom(o));
    const run = { queries: queries.length, shards: o.shards };
    const twice = o.expansion !== undefined || searcher !== null || o.funnel !== undefined;
    checkWorkBudget(estimateWork(twice ? [run, run] : [run], o.shards), o.force, 'use fewer --shards');
    const tick = ticker(`indexing ${paths.docs} into ${o.shards} shard${o.shards === 1 ? '' : 's'} and running ${queries.length} queries${twice ? ' twice' : ''}`);
    let set;
    try {
      set = await openShards({ ...specFrom(paths.docs, o), ...searcher?.layout }, o.threads);
    } catch (e) {
      tick.stop();
      throw e;
    }
    let report: QualityReport;
    let expanded: QualityReport | null = null;
    let cut: { budgetPerShard: number; exhaustive: Reads; report: QualityReport; reads: Reads } | null = null;
    let funnel: { stages: string; results: number; firstStage: QualityReport; funnel: QualityReport } | null = null;
    try {
      const typed = queries.map((q) => analyzeQuery(analyzer, q.text));
      const search = (terms: WeightedTerm[][], extra?: Partial<SearchRequest>) => set.search(terms.map((t) => ({ terms: t, k: o.k, mode: 'or' as const, ...extra })));
      const quality = (results: QueryResult[]) => evaluateRuns(new Map(queries.map((q, i) => [q.id, results[i].hits.map((h) => h.id)])), qrels);
      const evaluate = async (terms: WeightedTerm[][]) => quality(await search(terms));
      if (o.funnel) {
        const plan = funnelPlan(o.funnel, hardwarePreset('2001'), o.shards);
        const r = await funnelRankings(set, typed, plan);
        const byId = (ids: string[][]) => evaluateRuns(new Map(queries.map((q, i) => [q.id, ids[i]])), qrels);
        report = byId(r.firstStage);
        funnel = { stages: o.funnel.map(stageLabel).join(','), results: plan.results, firstStage: report, funnel: byId(r.funnel) };
      } else if (searcher !== null) {
        // The simulator's split (searcherFor): eval's index is the real one, so modelled = real documents.
        const docs = (await set.info()).reduce((a, i) => a + i.docs, 0);
        const budgetPerShard = searcher.realBudgetPerShard(docs, docs)!;
        const whole = await search(typed);
        const prefix = await search(typed, { budget: budgetPerShard, tiered: searcher.layout.tiers !== undefined });
        report = quality(whole);
        cut = { budgetPerShard, exhaustive: meanReads(whole), report: quality(prefix), reads: meanReads(prefix) };
      } else report = await evaluate(typed);
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
    if (funnel !== null) {
      const f = funnel;
      if (json === '-') {
        writeJson('-', f);
        return;
      }
      console.log(`${dir}: ${report.queries} judged queries, ${o.shards} shard${o.shards === 1 ? '' : 's'}, funnel ${f.stages}, top ${f.results} ranked`);
      console.log(table(['measure', `${stageLabel(o.funnel![0])} alone`, 'funnel', 'change'], qualityRows(f.firstStage, f.funnel)));
      if (json) writeJson(json, f);
      return;
    }
    if (cut !== null && searcher !== null) {
      const c = cut;
      const out = {
        searcher: { matchBudget: o.matchBudget, order: searcher.layout.order?.kind ?? 'corpus', firstTierShare: searcher.firstTierShare, seed: o.seed, budgetPerShard: c.budgetPerShard },
        exhaustive: report,
        earlyTermination: c.report,
        readPerQuery: { exhaustive: c.exhaustive, earlyTermination: c.reads },
      };
      if (json === '-') {
        writeJson('-', out);
        return;
      }
      const tiers = searcher.firstTierShare !== null ? `two tiers (first ${searcher.firstTierShare})` : 'one tier';
      const order = searcher.layout.order ? `static-rank order (seed ${o.seed})` : 'corpus order';
      console.log(
        `${dir}: ${report.queries} judged queries, ${o.shards} shard${o.shards === 1 ? '' : 's'}, top ${o.k}; match budget ${o.matchBudget} (${c.budgetPerShard} a shard), ${order}, ${tiers}`,
      );
      const read = (name: string, k: keyof Reads, show: (x: number) => string) => {
        const [a, b] = [c.exhaustive[k], c.reads[k]];
        return [name, show(a), show(b), a === 0 ? '-' : `${b >= a ? '+' : ''}${((100 * (b - a)) / a).toFixed(1)} %`];
      };
      const count = (x: number) => Math.round(x).toLocaleString('en-US');
      console.log(
        table(
          ['measure', 'exhaustive', 'early termination', 'change'],
          [
            ...qualityRows(report, c.report),
            read('postings read a query', 'postings', count),
            read('list bytes read a query', 'bytes', formatBytes),
          ],
        ),
      );
      if (json) writeJson(json, out);
      return;
    }
    if (expanded) {
      const out = { expansion: { policy: o.expansion, senses: o.senses, maxTerms: o.maxTerms, weight: o.weight }, without: report, with: expanded };
      if (json === '-') {
        writeJson('-', out);
        return;
      }
      console.log(`${dir}: ${report.queries} judged queries, expansion ${o.expansion} (senses ${o.senses}, at most ${o.maxTerms} terms, added weight ${o.weight})`);
      console.log(table(['measure', 'without', 'with', 'change'], qualityRows(report, expanded)));
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
 * The searcher `--match-budget`, `--order` and `--first-tier-share` ask for (null: exhaustive only), built
 * by the simulator's own `searcherFor`; the options' values are checked by their parsers, the rest here.
 */
function searcherOption(o: EvalOptions): Searcher | null {
  if (o.funnel !== undefined && (o.matchBudget !== undefined || o.expansion !== undefined)) {
    throw errors.option('--funnel', 'used without --match-budget and --expansion (eval compares one change at a time)', o.funnel.map(stageLabel).join(','));
  }
  if (o.matchBudget === undefined) {
    if (o.order !== undefined) throw errors.option('--order', 'used with --match-budget (without one every search is exhaustive, whatever the order)', o.order);
    if (o.firstTierShare !== undefined) throw errors.option('--first-tier-share', 'used with --match-budget (without one every search reads both tiers)', o.firstTierShare);
    return null;
  }
  if (o.expansion !== undefined) throw errors.option('--match-budget', 'used without --expansion (eval compares one change at a time)', o.matchBudget);
  if (o.firstTierShare !== undefined && o.order === 'corpus') throw errors.option('--order', '"static-rank" with --first-tier-share (the first tier holds the best documents)', o.order);
  return searcherFor({ matchBudget: o.matchBudget, order: o.order, firstTierShare: o.firstTierShare }, o.shards, o.seed, o.k);
}

/** The four measures of two runs side by side, with the change (second less first). */
function qualityRows(a: QualityReport, b: QualityReport): string[][] {
  const row = (name: string, k: keyof QualityReport) => [name, a[k].toFixed(4), b[k].toFixed(4), `${b[k] >= a[k] ? '+' : ''}${(b[k] - a[k]).toFixed(4)}`];
  return [row('MAP', 'map'), row('nDCG@10', 'ndcg10'), row('P@10', 'p10'), row('recall@100', 'recall100')];
}

/** Postings and bytes the receipts booked, summed over shards, a query on average. */
function meanReads(results: readonly QueryResult[]): Reads {
  let postings = 0;
  let bytes = 0;
  for (const r of results) for (const c of r.receipts) {
    postings += c.postings;
    bytes += c.bytes;
  }
  const n = Math.max(1, results.length);
  return { postings: postings / n, bytes: bytes / n };
}
