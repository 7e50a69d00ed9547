import { beforeAll, describe, expect, it } from 'vitest';
import { comparePage, escapeHtml, planPage, runPage, sweepPage, type RunReport, type SweepPoint, type SweepReport } from '../../src/report/index.ts';
import { cli } from '../helpers/cli.ts';

const HOSTILE = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';

/**
 * Anything a page could fetch or run: a script, a handler, a link or source, a style import, a remote
 * url(). Looked for in the markup with attribute values blanked, where escaped text cannot pose as tags.
 */
const LOADS_OR_RUNS = /<script|<[^>]*\s(on\w+|src|href)=|@import|url\(|https?:/i;
const markupOf = (page: string) => page.replace(/"[^"]*"/g, '""');

const count = (page: string, re: RegExp) => (page.match(re) ?? []).length;
/** The markup of the figure with this id (up to the next figure). */
const figureOf = (page: string, id: string) => page.match(new RegExp(`<figure class="chart" id="${id}">[\\s\\S]*?</figure>`))?.[0] ?? '';

describe('escaping', () => {
  it('turns every character that could start markup into an entity', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('the run and compare pages', () => {
  let run: RunReport;
  beforeAll(() => {
    const r = cli('run', 'scenarios/mm1.json', '--queries', '12000', '--json', '-');
    expect(r.code, r.stderr).toBe(0);
    run = { ...JSON.parse(r.stdout), scenario: { ...JSON.parse(r.stdout).scenario, name: HOSTILE } };
  });

  it('keeps a scenario named <script>alert(1)</script> as text, in the title, headings, tables and legends', () => {
    const page = runPage(run);
    expect(markupOf(page)).not.toMatch(LOADS_OR_RUNS);
    expect(page).toContain(`<title>searchsim run: ${ESCAPED}</title>`);
    expect(page.split(ESCAPED).length - 1).toBeGreaterThan(3);
    expect(page).not.toContain(HOSTILE);
  });

  it('forbids fetches and scripts outright (Content-Security-Policy) and names no font to download', () => {
    const page = runPage(run);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:">`);
    expect(page).not.toMatch(/@font-face/);
  });

  it('draws a dot for each point of the latency CDF and a bar for each shard; leaves out charts without data', () => {
    const page = runPage(run);
    expect(count(figureOf(page, 'latency-cdf'), /<circle class="pt"/g)).toBe(run.latencyCdf.length);
    expect(count(figureOf(page, 'shard-load-0'), /<rect class="bar"/g)).toBe(run.shardLoad.length);
    // mm1 is a synthetic service: no expansion study, no change stream.
    expect(page).not.toContain('id="study-latency"');
    expect(page).not.toContain('id="freshness"');
  });

  it('shows both sides of a comparison: two CDF series, a shard chart a side, the diff and time tables', () => {
    const contender = { ...run, scenario: { ...run.scenario, name: 'other & "quoted"' }, shardLoad: [0.5, 0.25] };
    const page = comparePage({ baseline: run, contender, diff: { 'latencyMs.p99': { baseline: 1, contender: 2, changePct: 100 } } });
    expect(markupOf(page)).not.toMatch(LOADS_OR_RUNS);
    expect(count(figureOf(page, 'latency-cdf'), /<path class="line"/g)).toBe(2);
    expect(count(figureOf(page, 'shard-load-1'), /<rect class="bar"/g)).toBe(2);
    expect(page).toContain('other &amp; &quot;quoted&quot;');
    expect(page).toMatch(/<td>latencyMs\.p99<\/td><td>1\.00<\/td><td>2\.00<\/td><td>\+100 %<\/td>/);
    expect(page).toMatch(/<h2>Where a measured query&#39;s time goes.*<\/h2><table><thead><tr><th>part<\/th><th>baseline<\/th><th>contender<\/th>/);
  });
});

/** A sweep point at a layout, as a sweep reports it. */
function point(params: Record<string, string | number>, machines: number, qps: number, p99Ms: number, status: SweepPoint['status'] = 'ok'): SweepPoint {
  const util = { cpu: { mean: 0.5, max: 0.6 }, disk: { mean: 0, max: 0 } };
  return { params, machines, status, note: status === 'ok' ? null : 'shards too large', qps, meetsSlo: qps > 0, latencyMs: { p50: p99Ms / 4, p99: p99Ms, p999: p99Ms * 1.2 }, sloMs: null, throughputQps: qps, utilisation: util, bottleneck: 'cpu', meanTerms: null, seeksPerQuery: 0, search: { bracketQps: [qps, qps * 1.01], probes: 5, runs: 25 } };
}

describe('the sweep and plan pages', () => {
  const hostileSet = '<img src=x onerror=alert(1)>';
  const points = [1, 2, 3].flatMap((shards) => [1, 2].flatMap((replicas) => ['2001', hostileSet].map((hw) => point({ shards, replicas, 'cluster.hardware': hw }, shards * replicas, shards === 3 && replicas === 2 ? 0 : 50 * replicas, 100))));
  points[0] = point(points[0].params, 1, 0, 0, 'does-not-fit');
  const sweep: SweepReport = {
    formatVersion: 1,
    scenario: HOSTILE,
    slo: 'p99<500ms',
    load: 'find-max-qps',
    confidence: { seeds: 5, rule: 'a rule' },
    axes: [
      { name: 'shards', values: [1, 2, 3] },
      { name: 'replicas', values: [1, 2] },
      { name: 'cluster.hardware', values: ['2001', hostileSet] },
    ],
    points,
    frontier: { byMaxQps: [2, 3], byP99: [] },
  };

  it('draws a heatmap a facet (every axis but shards and replicas), shards x replicas cells each, frontier outlined', () => {
    const page = sweepPage(sweep);
    expect(markupOf(page)).not.toMatch(LOADS_OR_RUNS);
    expect(count(page, /<figure class="chart" id="heatmap-\d+"/g)).toBe(2);
    expect(count(figureOf(page, 'heatmap-0'), /<rect class="cell"/g)).toBe(6);
    expect(count(figureOf(page, 'heatmap-1'), /<rect class="cell"/g)).toBe(6);
    expect(count(page, /<rect class="outline"/g)).toBe(2);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(figureOf(page, 'heatmap-0')).toContain('>does not fit</text>');
  });

  it('draws the frontier: a dot for each layout that ran, a line through the frontier in machine order', () => {
    const frontier = figureOf(sweepPage(sweep), 'frontier');
    expect(count(frontier, /<circle class="pt"/g)).toBe(points.filter((p) => p.status === 'ok').length);
    expect(frontier.match(/<path class="frontier" d="([^"]*)"/)?.[1].match(/[ML]/g)).toHaveLength(2);
  });

  it('at fixed loads colours by p99 and draws one frontier line a load', () => {
    const fixed: SweepReport = { ...sweep, load: 'fixed', frontier: { byMaxQps: [], byP99: [{ qps: 50, points: [2, 4] }] } };
    const page = sweepPage(fixed);
    expect(page).toContain('p99 latency (ms)');
    expect(count(figureOf(page, 'frontier'), /<path class="frontier"/g)).toBe(1);
  });

  it('outlines the plan\'s choice and lists the runners-up, escaped', () => {
    const page = planPage({ qps: 100, slo: 'p99<500ms', chosen: points[3], alternatives: [{ point: points[1], why: `misses ${HOSTILE}` }], points });
    expect(markupOf(page)).not.toMatch(LOADS_OR_RUNS);
    expect(count(page, /<rect class="outline"/g)).toBe(1);
    expect(page).toContain(`misses ${ESCAPED}`);
  });
});
