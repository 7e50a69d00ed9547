import { type Rng, errors, staticRankKey } from '../core/index.ts';

/**
 * The pages a crawler keeps copies of: each with its change rate (changes a second, a Poisson process)
 * and its importance (a share of a distribution: how much a stale copy of it costs).
 */
export interface PagePopulation {
  readonly ids: readonly string[];
  readonly changesPerS: Float64Array;
  /** Nonnegative, adding up to 1. */
  readonly importance: Float64Array;
}

/** How far a distribution's sum may stray from 1 (rounding of a sum over a million pages). */
const SUM_TOLERANCE = 1e-6;

/**
 * A population, checked: change rates finite and >= 0, importance a distribution. `field` names where
 * the importance came from in a message (`crawl.importance`).
 */
export function pagePopulation(ids: readonly string[], changesPerS: Float64Array, importance: Float64Array, field = 'importance'): PagePopulation {
  if (changesPerS.length !== ids.length || importance.length !== ids.length) {
    throw errors.option(field, `one value a page (${ids.length} pages)`, `${changesPerS.length} change rates and ${importance.length} importances`);
  }
  for (let i = 0; i < ids.length; i++) {
    if (!(changesPerS[i] >= 0 && Number.isFinite(changesPerS[i]))) throw errors.option('changesPerS', 'finite rates >= 0', changesPerS[i]);
  }
  checkDistribution(importance, field);
  return { ids, changesPerS, importance };
}

/** Refuses weights that are not a distribution (each finite and >= 0, adding up to 1). */
export function checkDistribution(weights: ArrayLike<number>, field: string): void {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (!(w >= 0 && Number.isFinite(w))) throw errors.option(field, 'a distribution (every weight finite and >= 0, adding up to 1)', w);
    sum += w;
  }
  if (weights.length > 0 && !(Math.abs(sum - 1) <= SUM_TOLERANCE)) throw errors.option(field, 'a distribution (weights adding up to 1)', `weights adding up to ${sum}`);
}

/** Weights scaled to add up to 1 (all zero stays all zero, which checkDistribution then refuses). */
export function normalised(weights: Float64Array): Float64Array {
  let sum = 0;
  for (const w of weights) sum += w;
  return sum > 0 ? weights.map((w) => w / sum) : weights;
}

/** The Zipf-skewed change law of a population: page order (a seeded shuffle) and each rank's weight. */
export interface ZipfLaw {
  /** order[k]: the page that is k-th most volatile. */
  order: number[];
  /** weights[k] = 1 / (k + 1)^skew; their sum is `total`. */
  weights: Float64Array;
  total: number;
}

/**
 * Change rates spread over orders of magnitude, as Cho and Garcia-Molina measured ("The evolution of the
 * web and implications for an incremental crawler", VLDB 2000): the k-th most volatile of `pages` pages,
 * in a seeded order, changes in proportion to 1 / k^skew. Generated update streams draw from this law.
 */
export function zipfLaw(pages: number, skew: number, rng: Rng): ZipfLaw {
  const order = Array.from({ length: pages }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const weights = new Float64Array(pages);
  let total = 0;
  for (let k = 0; k < pages; k++) total += weights[k] = 1 / Math.pow(k + 1, skew);
  return { order, weights, total };
}

/** Each page's change rate under a Zipf law, the population changing `totalChangesPerS` a second. */
export function zipfChangeRates(law: ZipfLaw, totalChangesPerS: number): Float64Array {
  const rates = new Float64Array(law.order.length);
  for (let k = 0; k < law.order.length; k++) rates[law.order[k]] = (totalChangesPerS * law.weights[k]) / law.total;
  return rates;
}

/**
 * The static-rank prior: PageRank follows a power law whose density falls as x^-2.1 (Pandurangan,
 * Raghavan and Upfal, "Using PageRank to characterize Web structure", COCOON 2002, matching the in-degree
 * exponent of Broder et al., "Graph structure in the Web", WWW 2000), so the rank-r page's share falls
 * as r^-(1 / (2.1 - 1)) = r^-0.91. Ranks are the seeded static order the searcher uses (`staticRankKey`,
 * higher first), so the pages a searcher reads first are the important ones.
 */
export const STATIC_RANK_ZIPF_EXPONENT = 1 / (2.1 - 1);

export function staticRankImportance(ids: readonly string[], seed: number): Float64Array {
  const keys = ids.map((id) => staticRankKey(id, seed));
  const byRank = ids.map((_, i) => i).sort((a, b) => keys[b] - keys[a] || (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  const w = new Float64Array(ids.length);
  byRank.forEach((page, r) => (w[page] = 1 / Math.pow(r + 1, STATIC_RANK_ZIPF_EXPONENT)));
  return normalised(w);
}

/** Importance classes: each page drawn into a class by its share (seeded), weighing the class's weight. */
export interface ImportanceClass {
  share: number;
  weight: number;
}

export function classImportance(pages: number, classes: readonly ImportanceClass[], rng: Rng, field = 'importance.classes'): Float64Array {
  checkDistribution(classes.map((c) => c.share), `${field} shares`);
  classes.forEach((c, i) => {
    if (!(c.weight >= 0 && Number.isFinite(c.weight))) throw errors.option(`${field}[${i}].weight`, 'a finite number >= 0', c.weight);
  });
  const w = new Float64Array(pages);
  for (let p = 0; p < pages; p++) {
    let u = rng.next();
    let c = 0;
    while (c < classes.length - 1 && u >= classes[c].share) u -= classes[c++].share;
    w[p] = classes[c].weight;
  }
  return normalised(w);
}

/** Demand: each page's share of the results the replayed queries returned (`counts` by page). */
export function demandImportance(counts: Float64Array, field = 'importance'): Float64Array {
  let total = 0;
  for (const c of counts) total += c;
  if (!(total > 0)) throw errors.option(field, '"demand" over queries that return documents', 'no document returned');
  return normalised(counts);
}
