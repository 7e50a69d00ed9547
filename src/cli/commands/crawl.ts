import { Command } from 'commander';
import { REFRESH_POLICIES, checkCrawlInputs, refreshPolicy, type RefreshPolicyName } from '../../crawl/index.ts';
import { PRESET_NAMES, RunContext, crawlStudy, loadScenarioArg, parseBudgets, type CrawlStudy } from '../../scenarios/index.ts';
import { finiteNumber } from '../options.ts';
import { JSON_FLAGS, jsonHelp, jsonTarget, table, writeJson } from '../output.ts';

interface CrawlOptions {
  budgets: string;
  policies: string;
  hintShare?: number;
  json?: string | boolean;
}

/** Budgets a study sweeps by default: a 1.35-billion-page index refreshed from about monthly to twice a day. */
const DEFAULT_BUDGETS = '500,2000,8000,32000';

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const days = (s: number) => `${(s / 86_400).toFixed(2)} d`;

function studyRows(st: CrawlStudy): (string | number)[][] {
  return st.points.map((p) => [
    p.budgetFetchesPerSecond,
    p.policy,
    pct(p.freshness),
    pct(p.expectedFreshness),
    pct(p.importanceWeightedFreshness),
    days(p.meanAgeS),
    pct(p.neverRefreshedShare),
    pct(p.wastedShare),
  ]);
}

export function crawlCommand(): Command {
  return new Command('crawl')
    .description("Recrawl scheduling: freshness against crawl budget for each refresh policy, on a scenario's pages and change law.")
    .argument('<scenarios...>', `scenario JSON files or presets: ${PRESET_NAMES.join(', ')}`)
    .option('--budgets <list>', 'crawl budgets, fetches a second in the modelled index', DEFAULT_BUDGETS)
    .option('--policies <list>', `refresh policies: ${REFRESH_POLICIES.join(', ')} (default all)`, REFRESH_POLICIES.join(','))
    .option('--hint-share <x>', "share of changes announced by hints, from 0 to 1 (default: the scenario's crawl.hintShare, else 0)", finiteNumber)
    .option(JSON_FLAGS, jsonHelp('the study'))
    .addHelpText('after', '\nExamples:\n  searchsim crawl google-2000-disk google-2001-memory\n  searchsim crawl google-2001-memory --budgets 1000,4000 --policies uniform,optimal --hint-share 0.3')
    .action(async (args: string[], o: CrawlOptions) => {
      const json = jsonTarget(o.json);
      const budgets = parseBudgets(o.budgets);
      const policies = o.policies.split(',').map((p) => refreshPolicy(p.trim(), '--policies').name as RefreshPolicyName);
      if (o.hintShare !== undefined) checkCrawlInputs(0, o.hintShare, { budget: '--budgets', hintShare: '--hint-share' });
      const loaded = args.map(loadScenarioArg);
      const ctx = new RunContext();
      const studies: CrawlStudy[] = [];
      try {
        for (const l of loaded) studies.push(await crawlStudy(l, { budgets, policies, hintShare: o.hintShare }, ctx));
      } finally {
        await ctx.close();
      }
      if (json === '-') return writeJson('-', { formatVersion: 1, studies });
      for (const st of studies) {
        console.log(`\n${st.scenario}: ${st.pages.toLocaleString('en-US')} pages for ${st.modelledDocs.toLocaleString('en-US')}, ${st.modelledChangesPerSecond} changes/s, hints ${pct(st.hintShare)}, over ${st.measureDays} days`);
        console.log(table(['fetches/s', 'policy', 'freshness', 'expected', 'weighted', 'mean age', 'never', 'wasted'], studyRows(st)));
      }
      if (json) writeJson(json, { formatVersion: 1, studies });
    });
}
