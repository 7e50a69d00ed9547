import { errors } from '../core/index.ts';
import { inverseMarginal } from './freshness.ts';
import type { PagePopulation } from './population.ts';

/** What a refresh policy decides: each page's scheduled refresh rate, and whether it follows change hints. */
export interface CrawlPlan {
  /** Scheduled refreshes of each page, fetches a second, at a fixed interval of 1 / rate (0: never). */
  fetchesPerS: Float64Array;
  /** The share of announced changes fetched at once (budget permitting); 0 for a policy without hints. */
  followHintShare: number;
  /** The expected fetches a second spent on hints (followHintShare x hintShare x the changes a second). */
  hintFetchesPerS: number;
}

export const REFRESH_POLICIES = ['uniform', 'proportional', 'optimal', 'importance-optimal', 'hints'] as const;
export type RefreshPolicyName = (typeof REFRESH_POLICIES)[number];

/**
 * The refresh-policy seam (contract: tests/crawl/refreshPolicy.contract.test.ts): given the pages, a
 * budget of fetches a second and the share of changes that are announced (sitemaps), a plan that never
 * spends more than the budget, the same for the same input.
 */
export interface RefreshPolicy {
  readonly name: RefreshPolicyName;
  plan(pages: PagePopulation, budgetFetchesPerS: number, hintShare: number): CrawlPlan;
}

function scheduled(fetchesPerS: Float64Array): CrawlPlan {
  return { fetchesPerS, followHintShare: 0, hintFetchesPerS: 0 };
}

/** Every page refreshed equally often: the budget over the pages. */
export const uniformPolicy: RefreshPolicy = {
  name: 'uniform',
  plan: (pages, budget) => scheduled(new Float64Array(pages.ids.length).fill(pages.ids.length > 0 ? budget / pages.ids.length : 0)),
};

/** Each page refreshed in proportion to its change rate (Cho and Garcia-Molina 2003 show it loses to uniform). */
export const proportionalPolicy: RefreshPolicy = {
  name: 'proportional',
  plan: (pages, budget) => {
    const total = pages.changesPerS.reduce((a, x) => a + x, 0);
    return scheduled(total > 0 ? pages.changesPerS.map((x) => (budget * x) / total) : new Float64Array(pages.ids.length));
  },
};

/**
 * The refresh rates that maximise sum w_i F(lambda_i, f_i) under sum f_i = budget (Cho and Garcia-Molina
 * 2003, section 4, by Lagrange multipliers): every refreshed page has the same marginal gain
 * w_i dF/df = w_i g(lambda_i / f_i) / lambda_i = mu, and a page with w_i / lambda_i <= mu, one that
 * changes too often to be kept fresh, is never refreshed. mu is found by bisection on its logarithm.
 */
export function optimalRates(changesPerS: Float64Array, weights: Float64Array, budget: number): Float64Array {
  const n = changesPerS.length;
  const rates = new Float64Array(n);
  let hi = 0;
  for (let i = 0; i < n; i++) if (changesPerS[i] > 0 && weights[i] > 0) hi = Math.max(hi, weights[i] / changesPerS[i]);
  if (!(budget > 0) || hi === 0) return rates;
  // A rate so small that w / lambda overflows: the bracket starts at the largest double instead.
  hi = Math.min(hi, Number.MAX_VALUE);
  const spend = (mu: number): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const lambda = changesPerS[i];
      const w = weights[i];
      rates[i] = lambda > 0 && w > 0 && w / lambda > mu ? lambda / inverseMarginal((mu * lambda) / w) : 0;
      sum += rates[i];
    }
    return sum;
  };
  // Bracket mu from below: small enough that the rates spend more than the budget.
  let logLo = Math.log(hi) - 10;
  // exp underflows to mu = 0 below -745, where every rate is unbounded, so this ends.
  while (spend(Math.exp(logLo)) < budget) logLo -= 10;
  let logHi = Math.log(hi);
  // 60 halvings of a bracket a few tens wide leave mu exact to about 1e-16 relative.
  for (let it = 0; it < 60; it++) {
    const mid = (logLo + logHi) / 2;
    if (spend(Math.exp(mid)) > budget) logLo = mid;
    else logHi = mid;
  }
  const sum = spend(Math.exp(logHi));
  // The last step spends at most the budget; what rounding leaves is given out in proportion.
  if (sum > 0) for (let i = 0; i < n; i++) rates[i] *= budget / sum;
  return rates;
}

const ones = (n: number): Float64Array => new Float64Array(n).fill(1);

/** The optimum for average freshness (every page weighs the same). */
export const optimalPolicy: RefreshPolicy = {
  name: 'optimal',
  plan: (pages, budget) => scheduled(optimalRates(pages.changesPerS, ones(pages.ids.length), budget)),
};

/** The optimum for importance-weighted freshness. */
export const importanceOptimalPolicy: RefreshPolicy = {
  name: 'importance-optimal',
  plan: (pages, budget) => scheduled(optimalRates(pages.changesPerS, pages.importance, budget)),
};

/**
 * Change hints (sitemaps announce a share of changes): every announced change is fetched at once while
 * the budget lasts (a share of them when hints alone would spend more); what is left goes to the
 * importance-weighted optimum over the changes no followed hint covers.
 */
export const hintsPolicy: RefreshPolicy = {
  name: 'hints',
  plan: (pages, budget, hintShare) => {
    const total = pages.changesPerS.reduce((a, x) => a + x, 0);
    const announcedPerS = hintShare * total;
    const follow = announcedPerS > 0 ? Math.min(1, budget / announcedPerS) : 0;
    const hintFetchesPerS = follow * announcedPerS;
    const unannounced = pages.changesPerS.map((x) => x * (1 - follow * hintShare));
    const fetchesPerS = optimalRates(unannounced, pages.importance, Math.max(0, budget - hintFetchesPerS));
    return { fetchesPerS, followHintShare: follow, hintFetchesPerS };
  },
};

const POLICIES: Record<RefreshPolicyName, RefreshPolicy> = {
  uniform: uniformPolicy,
  proportional: proportionalPolicy,
  optimal: optimalPolicy,
  'importance-optimal': importanceOptimalPolicy,
  hints: hintsPolicy,
};

export function refreshPolicy(name: string, field = 'policy'): RefreshPolicy {
  const p = POLICIES[name as RefreshPolicyName];
  if (!p) throw errors.option(field, `one of ${REFRESH_POLICIES.join(', ')}`, name);
  return p;
}

/** Refuses a crawl budget or hint share a plan cannot be made with; each message names its field. */
export function checkCrawlInputs(budgetFetchesPerS: number, hintShare: number, fields = { budget: 'budgetFetchesPerSecond', hintShare: 'hintShare' }): void {
  if (!(budgetFetchesPerS >= 0 && Number.isFinite(budgetFetchesPerS))) throw errors.option(fields.budget, 'a finite number of fetches a second >= 0', budgetFetchesPerS);
  if (!(hintShare >= 0 && hintShare <= 1)) throw errors.option(fields.hintShare, 'a share from 0 to 1', hintShare);
}
