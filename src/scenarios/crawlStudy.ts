import { Rng, SearchsimError } from '../core/index.ts';
import {
  REFRESH_POLICIES,
  checkCrawlInputs,
  classImportance,
  expectedFreshness,
  pagePopulation,
  refreshPolicy,
  simulateCrawl,
  staticRankImportance,
  zipfChangeRates,
  zipfLaw,
  type PagePopulation,
  type RefreshPolicyName,
} from '../crawl/index.ts';
import type { LoadedScenario } from './load.ts';
import { resolvePath, scenarioError } from './load.ts';
import type { Scenario } from './schema.ts';
import type { RunContext } from './simulate.ts';

const DAY_S = 86_400;

/** One point of the study: a policy at a budget, the figures in modelled terms. */
export interface CrawlPoint {
  budgetFetchesPerSecond: number;
  policy: RefreshPolicyName;
  /** Cho and Garcia-Molina's freshness, simulated, and its closed form from the plan (scheduled refreshes only). */
  freshness: number;
  expectedFreshness: number;
  importanceWeightedFreshness: number;
  meanAgeS: number;
  /** Share of the pages that change but are never refreshed (their age is unbounded). */
  neverRefreshedShare: number;
  /** Fetches a second spent in the modelled index, and the share that found the page unchanged. */
  fetchesPerSecond: number;
  wastedShare: number;
}

export interface CrawlStudy {
  scenario: string;
  /** Real pages simulated, each standing for modelledDocs / pages modelled pages. */
  pages: number;
  modelledDocs: number;
  /** Changes a second in the modelled index. */
  modelledChangesPerSecond: number;
  importance: unknown;
  hintShare: number;
  measureDays: number;
  points: CrawlPoint[];
}

export interface CrawlStudyOptions {
  budgets: readonly number[];
  policies?: readonly RefreshPolicyName[];
  hintShare?: number;
}

/** The crawl section a study uses: the scenario's, or defaults when it has none. */
function crawlOf(s: Scenario) {
  return s.crawl ?? { budgetFetchesPerSecond: 0, policy: 'importance-optimal' as const, importance: 'static-rank' as const, hintShare: 0, hintDelayS: 0, measureDays: 30 };
}

/**
 * The scenario's pages: its corpus's documents, changing by the law of its generated update stream (the
 * same seeded Zipf law, so the same pages are volatile as in its runs), scaled to the modelled index.
 */
async function populationOf(loaded: LoadedScenario, ctx: RunContext): Promise<{ pages: PagePopulation; modelledDocs: number; modelledChangesPerS: number }> {
  const s = loaded.scenario;
  const gen = s.updates?.generate;
  if (!gen || s.corpus === undefined) throw scenarioError(loaded.source, 'updates.generate', 'required by a crawl study (the pages\' change rates), with a corpus');
  const c = typeof s.corpus === 'string' ? { path: s.corpus } : s.corpus;
  const corpus = c.path.startsWith('@') ? c.path : resolvePath(loaded.baseDir, c.path);
  const docs = await ctx.documents(corpus, { format: c.format, markup: c.markup ?? (/gcide/i.test(c.path) ? 'gcide' : 'none'), ...(c.encoding ? { encoding: c.encoding } : {}) });
  const ids = docs.map((d) => d.id);
  const modelledDocs = s.cluster.modelledDocs ?? ids.length;
  const modelledChangesPerS = s.updates!.modelledRatePerS ?? gen.ratePerS;
  // A real page stands for modelledDocs / pages modelled ones with its rate: the real pages together
  // change modelledChangesPerS x pages / modelledDocs a second.
  const rates = zipfChangeRates(zipfLaw(ids.length, gen.skew, new Rng(s.seed).fork('updates')), (modelledChangesPerS * ids.length) / modelledDocs);
  const imp = crawlOf(s).importance;
  const field = `${loaded.source}: crawl.importance`;
  const importance =
    imp === 'static-rank' ? staticRankImportance(ids, s.seed) : imp === 'uniform' ? new Float64Array(ids.length).fill(1 / ids.length) : classImportance(ids.length, imp.classes, new Rng(s.seed).fork('importance'), field);
  return { pages: pagePopulation(ids, rates, importance, field), modelledDocs, modelledChangesPerS };
}

/**
 * Freshness against crawl budget for each refresh policy on a scenario's pages: the budget (modelled
 * fetches a second) scaled to the real pages, each policy's plan simulated over `measureDays`.
 */
export async function crawlStudy(loaded: LoadedScenario, o: CrawlStudyOptions, ctx: RunContext): Promise<CrawlStudy> {
  const crawl = crawlOf(loaded.scenario);
  const hintShare = o.hintShare ?? crawl.hintShare;
  for (const b of o.budgets) checkCrawlInputs(b, hintShare, { budget: '--budgets', hintShare: '--hint-share' });
  const { pages, modelledDocs, modelledChangesPerS } = await populationOf(loaded, ctx);
  const perReal = modelledDocs / Math.max(1, pages.ids.length);
  const windowS = crawl.measureDays * DAY_S;
  const points: CrawlPoint[] = [];
  for (const budget of o.budgets) {
    for (const name of o.policies ?? REFRESH_POLICIES) {
      const plan = refreshPolicy(name).plan(pages, budget / perReal, hintShare);
      const span = { toS: windowS, measureFromS: 0, measureToS: windowS, hintShare, hintDelayS: crawl.hintDelayS };
      const f = simulateCrawl(pages, plan, span, new Rng(loaded.scenario.seed).fork('crawl'));
      let expected = 0;
      let changing = 0;
      for (let i = 0; i < pages.ids.length; i++) {
        expected += expectedFreshness(pages.changesPerS[i] * (1 - plan.followHintShare * hintShare), plan.fetchesPerS[i]);
        if (pages.changesPerS[i] > 0) changing++;
      }
      points.push({
        budgetFetchesPerSecond: budget,
        policy: name,
        freshness: f.freshness,
        expectedFreshness: expected / Math.max(1, pages.ids.length),
        importanceWeightedFreshness: f.importanceWeightedFreshness,
        meanAgeS: f.meanAgeS,
        neverRefreshedShare: f.neverRefreshed / Math.max(1, changing),
        fetchesPerSecond: (f.fetches / windowS) * perReal,
        wastedShare: f.fetches > 0 ? f.wastedFetches / f.fetches : 0,
      });
    }
  }
  return { scenario: loaded.scenario.name, pages: pages.ids.length, modelledDocs, modelledChangesPerSecond: modelledChangesPerS, importance: crawl.importance, hintShare, measureDays: crawl.measureDays, points };
}

/** A comma-separated list of budgets (fetches a second, >= 0); a bad one names --budgets. */
export function parseBudgets(text: string): number[] {
  const xs = text.split(',').map((t) => Number(t.trim()));
  if (xs.length === 0 || xs.some((x, i) => text.split(',')[i].trim() === '' || !(x >= 0 && Number.isFinite(x)))) {
    throw new SearchsimError('E_OPTION', `--budgets must be a comma-separated list of fetches a second >= 0, got ${JSON.stringify(text)}`);
  }
  return xs;
}
