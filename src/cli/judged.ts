import { Analyzer, type AnalyzerOptions } from '../analysis/index.ts';
import { readQrels, readQueries, requireCollection, type CollectionPaths, type Qrels } from '../corpus/index.ts';
import { errors } from '../core/index.ts';
import { analyzeQuery, type SearchRequest, type ShardSet, type WeightedTerm } from '../index/index.ts';
import { evaluateRuns, judgedCount, matchJudgments, type QualityReport } from '../quality/index.ts';
import type { FunnelPlan } from '../scenarios/index.ts';
import { openShards } from '../shard/index.ts';
import { warn } from './output.ts';

/**
 * The judgments eval averages over: those of queries in queries.jsonl (trec_eval's rule); judged ids the
 * queries lack are reported on stderr and left out, and no judged query at all is a mistake.
 */
export function judgedQueries(paths: CollectionPaths, queryIds: string[], all: Qrels): Qrels {
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

/**
 * A ranking funnel's quality on a judged collection (a folder as workloads/cranfield), on `shards` real
 * shards analysed as `analyzer`: each judged query ranked by the funnel's first stage alone and by the
 * whole funnel, both cut to the documents the funnel's last stage keeps.
 */
export async function funnelQuality(dir: string, plan: FunnelPlan, shards: number, analyzer: Partial<AnalyzerOptions> | undefined, threads?: number): Promise<{ firstStage: QualityReport; funnel: QualityReport }> {
  const paths = requireCollection(dir);
  const [queries, all] = await Promise.all([readQueries(paths.queries), readQrels(paths.qrels)]);
  const qrels = judgedQueries(paths, queries.map((q) => q.id), all);
  const a = new Analyzer(analyzer);
  const set = await openShards({ corpus: paths.docs, shards, analyzer }, threads);
  try {
    const r = await funnelRankings(set, queries.map((q) => analyzeQuery(a, q.text)), plan);
    const quality = (ids: string[][]) => evaluateRuns(new Map(queries.map((q, i) => [q.id, ids[i]])), qrels);
    return { firstStage: quality(r.firstStage), funnel: quality(r.funnel) };
  } finally {
    await set.close();
  }
}

/**
 * Each query's ranking by a funnel's first stage alone and by the whole funnel (the re-ranker on the
 * shards; model stages keep the order), both cut to what the last stage keeps.
 */
export async function funnelRankings(set: ShardSet, typed: readonly WeightedTerm[][], plan: FunnelPlan): Promise<{ firstStage: string[][]; funnel: string[][] }> {
  const rank = async (extra: Partial<SearchRequest>) => {
    const results = await set.search(typed.map((terms) => ({ terms, k: plan.k, mode: 'or' as const, ...extra })));
    return results.map((r) => r.hits.slice(0, plan.results).map((h) => h.id));
  };
  const firstStage = await rank({});
  return { firstStage, funnel: plan.rerank ? await rank({ rerank: plan.rerank }) : firstStage };
}
