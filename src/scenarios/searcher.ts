import type { ShardSetSpec } from '../index/index.ts';
import type { Scenario } from './schema.ts';

/** A scenario's `searcher` section: the match budget, document order and tiers (schema.ts). */
export type SearcherSpec = NonNullable<Scenario['searcher']>;

/**
 * The era's searcher (docs/EXPERIMENTS.md): the shards' document order and tiers, and the match budget
 * split over the shards, for the modelled index and for the real shards that stand for it (a real shard
 * looks for its modelled share scaled by real / modelled documents, at least k, so the hits it returns
 * come from a prefix of its lists too).
 */
export interface Searcher {
  layout: Pick<ShardSetSpec, 'order' | 'tiers'>;
  budgetPerShard: number | null;
  firstTierShare: number | null;
  realBudgetPerShard(realDocs: number, modelledDocs: number): number | null;
}

/**
 * The searcher of a spec on `shards` shards, returning `k` hits a query, its static order seeded by
 * `seed`. The one place the budget is split: the simulator (`searcherOf`) and `searchsim eval` both
 * use it, so eval measures the quality of what the simulator's real shards return.
 */
export function searcherFor(r: SearcherSpec, shards: number, seed: number, k: number): Searcher {
  const budgetPerShard = r.matchBudget !== undefined ? r.matchBudget / shards : null;
  const firstTierShare = r.firstTierShare ?? null;
  const ordered = (r.order ?? (budgetPerShard !== null || firstTierShare !== null ? 'static-rank' : 'corpus')) === 'static-rank';
  return {
    layout: {
      ...(ordered ? { order: { kind: 'static-rank' as const, seed } } : {}),
      ...(firstTierShare !== null ? { tiers: { firstShare: firstTierShare } } : {}),
    },
    budgetPerShard,
    firstTierShare,
    realBudgetPerShard: (realDocs, modelledDocs) =>
      budgetPerShard === null ? null : Math.max(k, Math.ceil((budgetPerShard * realDocs) / Math.max(1, modelledDocs))),
  };
}

/** A scenario's searcher: its `searcher` section on its shards, seed and k. */
export function searcherOf(s: Scenario): Searcher {
  return searcherFor(s.searcher ?? {}, s.cluster.shards, s.seed, s.workload.k);
}
