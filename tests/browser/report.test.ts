import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validationPage, type RunReport, type SweepReport, type Validation } from '../../src/report/index.ts';
import { cli } from '../helpers/cli.ts';
import { tempFiles } from '../helpers/files.ts';

/**
 * The HTML reports in a real browser: Debian's chromium (CHROMIUM_PATH, else `chromium` on the PATH;
 * .ci/run installs it), driven by playwright-core. Each report comes from a small real run of the CLI.
 */
function findChromium(): string | null {
  const named = process.env.CHROMIUM_PATH;
  if (named) return existsSync(named) ? named : null;
  const r = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('\n')[0] : null;
}

const CHROMIUM = findChromium();
if (CHROMIUM === null) console.warn('tests/browser: no Chromium found (set CHROMIUM_PATH, or apt-get install chromium): the browser tests are skipped');
const withBrowser = it.skipIf(CHROMIUM === null);

const HOSTILE = '<script>alert(1)</script>';
const SHOTS = resolve('test-output');
const files = tempFiles('browser');

/** A Cranfield scenario (real shards, a few seconds a run); `updates` adds a light change stream. */
function scenario(name: string, cluster: object, updates: boolean): string {
  const s = {
    name,
    seed: 3,
    corpus: resolve('workloads/cranfield'),
    workload: { arrival: { kind: 'poisson', qps: 20 }, queries: 2000, warmupQueries: 500 },
    cluster: { hardware: '2001', modelledDocs: 10_000_000, ...cluster },
    ...(updates ? { updates: { generate: { ratePerS: 1, skew: 1, deleteShare: 0 }, modelledRatePerS: 1, applyEveryS: 1, policy: { kind: 'incremental', delayS: 5 } } } : {}),
  };
  return files.file(`${name.replace(/\W/g, '_')}.json`, JSON.stringify(s));
}

/** Runs the CLI writing `name`.html and `name`.json; returns their paths. */
function report(name: string, ...args: string[]): { html: string; json: unknown } {
  const [html, json] = [join(files.dir, `${name}.html`), join(files.dir, `${name}.json`)];
  const r = cli(...args, '--html', html, '--json', json);
  expect(r.code, r.stderr).toBe(0);
  return { html, json: JSON.parse(readFileSync(json, 'utf8')) };
}

interface Opened {
  page: Page;
  /** Console errors, page errors, dialogs (an alert that ran) and requests past the page itself. */
  problems: string[];
}

let browser: Browser;
beforeAll(async () => {
  if (CHROMIUM === null) return;
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM });
});
afterAll(async () => {
  await browser?.close();
});

async function open(file: string): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  const url = `file://${file}`;
  page.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => void (r.url() !== url && problems.push(`request: ${r.url()}`)));
  await page.goto(url);
  return { page, problems };
}

/** Each figure: its id, the marks (dots, bars, cells) it holds, and how many fall outside its drawing. */
async function drawn(page: Page): Promise<Record<string, { marks: number; declared: number; outside: number }>> {
  const list = (await page.evaluate(`[...document.querySelectorAll('figure.chart')].map((f) => {
    const svg = f.querySelector('svg'), s = svg.getBoundingClientRect();
    const marks = [...f.querySelectorAll('.pt, .bar, .cell')];
    const outside = marks.filter((m) => { const b = m.getBoundingClientRect(); return (b.width <= 0 && b.height <= 0) || b.left < s.left - 1 || b.right > s.right + 1 || b.top < s.top - 1 || b.bottom > s.bottom + 1; });
    return { id: f.id, marks: marks.length, declared: Number(svg.dataset.marks), outside: outside.length };
  })`)) as { id: string; marks: number; declared: number; outside: number }[];
  return Object.fromEntries(list.map(({ id, ...rest }) => [id, rest]));
}

/** What every page must show: nothing fetched, nothing run, every chart's marks inside it; and a screenshot. */
async function checkPage(o: Opened, shot: string): Promise<Record<string, { marks: number; declared: number; outside: number }>> {
  await o.page.screenshot({ path: join(SHOTS, shot), fullPage: true });
  expect(o.problems).toEqual([]);
  expect(await o.page.locator('script').count()).toBe(0);
  const charts = await drawn(o.page);
  for (const [id, c] of Object.entries(charts)) {
    expect(c.outside, id).toBe(0);
    expect(c.marks, id).toBe(c.declared);
  }
  return charts;
}

const marksOf = (charts: Awaited<ReturnType<typeof checkPage>>, id: string) => charts[id]?.marks;

describe('HTML reports in headless Chromium', () => {
  withBrowser('run: the CDF, the expansion study, load per shard and freshness drew every point; the name stayed text', async () => {
    const file = scenario(HOSTILE, { shards: 16, replicas: 1, mode: 'memory' }, true);
    const { html, json } = report('run', 'run', file, '--expansion-terms', '1,5');
    const r = json as RunReport;
    const o = await open(html);
    const charts = await checkPage(o, 'run.png');
    expect(await o.page.title()).toBe(`searchsim run: ${HOSTILE}`);
    expect(await o.page.locator('h1').textContent()).toBe(`searchsim run: ${HOSTILE}`);
    expect(marksOf(charts, 'latency-cdf')).toBe(r.latencyCdf.length);
    expect(marksOf(charts, 'study-latency')).toBe(2 * r.expansionStudy!.points.length);
    expect(marksOf(charts, 'study-capacity')).toBe(r.expansionStudy!.points.filter((p) => p.maxQps !== null).length);
    expect(marksOf(charts, 'shard-load-0')).toBe(16);
    expect(marksOf(charts, 'freshness')).toBe(2 * r.freshness!.overTime.filter((t) => t.changes > 0).length);
    await o.page.close();
  });

  withBrowser('compare: both sides in each chart, freshness only for the side with a change stream', async () => {
    const disk = scenario('disk & <b>bold</b>', { shards: 4, replicas: 2, mode: 'disk' }, false);
    const memory = scenario(HOSTILE, { shards: 16, replicas: 1, mode: 'memory' }, true);
    const { html, json } = report('compare', 'compare', disk, memory, '--expansion-terms', '1,5');
    const c = json as { baseline: RunReport; contender: RunReport };
    const o = await open(html);
    const charts = await checkPage(o, 'compare.png');
    expect(marksOf(charts, 'latency-cdf')).toBe(c.baseline.latencyCdf.length + c.contender.latencyCdf.length);
    expect(marksOf(charts, 'study-latency')).toBe(2 * 2 * 2);
    expect(marksOf(charts, 'shard-load-0')).toBe(4);
    expect(marksOf(charts, 'shard-load-1')).toBe(16);
    expect(marksOf(charts, 'freshness')).toBe(2 * c.contender.freshness!.overTime.filter((t) => t.changes > 0).length);
    expect(await o.page.locator('h1').textContent()).toBe(`searchsim compare: disk & <b>bold</b> vs ${HOSTILE}`);
    expect(await o.page.locator('b').count()).toBe(0);
    await o.page.close();
  });

  withBrowser('sweep: a shards x replicas heatmap, the frontier outlined and drawn', async () => {
    const { html, json } = report('sweep', 'sweep', 'scenarios/mm1.json', '--shards', '1,2', '--replicas', '1,2', '--qps', '20', '--seeds', '2', '--queries', '12000');
    const s = json as SweepReport;
    const o = await open(html);
    const charts = await checkPage(o, 'sweep.png');
    expect(marksOf(charts, 'heatmap-0')).toBe(2 * 2);
    expect(await o.page.locator('#heatmap-0 rect.outline').count()).toBe(s.frontier.byP99[0].points.length);
    expect(marksOf(charts, 'frontier')).toBe(s.points.length);
    expect(await o.page.locator('#frontier path.frontier').count()).toBe(1);
    expect(await o.page.locator('#points tbody tr').count()).toBe(s.points.length);
    await o.page.close();
  });

  withBrowser('plan: the layouts at the load, the cheapest one outlined, the runners-up listed', async () => {
    const { html, json } = report('plan', 'plan', 'scenarios/mm1.json', '--qps', '120', '--slo', 'p99<200ms', '--shards', '1', '--replicas', '1,2,3', '--seeds', '2', '--queries', '12000');
    const p = json as { alternatives: unknown[] };
    const o = await open(html);
    const charts = await checkPage(o, 'plan.png');
    expect(marksOf(charts, 'heatmap-0')).toBe(3);
    expect(await o.page.locator('#heatmap-0 rect.outline').count()).toBe(1);
    expect(await o.page.locator('#alternatives tbody tr').count()).toBe(p.alternatives.length);
    await o.page.close();
  });

  withBrowser('validate: live and model latency against load, p50 and p99, each load a row', async () => {
    // A validation as `searchsim validate` writes it (the live runs themselves are tested in tests/cli/validate.test.ts).
    const m = (value: number) => ({ value, low: value * 0.9, high: value * 1.2 });
    const rows = [0.2, 0.5, 0.8].map((load, i) => {
      const live = { p50Ms: m(10 + i), p99Ms: m(60 + 40 * i), throughputQps: m(20 + 30 * i) };
      const predicted = { p50Ms: 8 + i, p99Ms: 58 + 40 * i, throughputQps: 20 + 30 * i };
      const err = (k: 'p50Ms' | 'p99Ms' | 'throughputQps') => ((predicted[k] - live[k].value) / live[k].value) * 100;
      const within = (k: 'p50Ms' | 'p99Ms' | 'throughputQps') => predicted[k] >= live[k].low && predicted[k] <= live[k].high;
      return { load, qps: load * 100, queries: 1000, live, predicted, errorPct: { p50Ms: err('p50Ms'), p99Ms: err('p99Ms'), throughputQps: err('throughputQps') }, withinLiveRange: { p50Ms: within('p50Ms'), p99Ms: within('p99Ms'), throughputQps: within('throughputQps') } };
    });
    const v: Validation = { scenario: HOSTILE, hardware: 'host', capacityQps: 100, bottleneck: "the busiest machine's core", durationS: 10, repetitions: 3, rows };
    const html = join(files.dir, 'validate.html');
    writeFileSync(html, validationPage(v));
    const o = await open(html);
    const charts = await checkPage(o, 'validate.png');
    expect(marksOf(charts, 'validation')).toBe(12); // 3 loads x (live, model) x (p50, p99)
    expect(await o.page.locator('#validation-rows tbody tr').count()).toBe(3);
    expect(await o.page.locator('h1').textContent()).toBe(`searchsim validate: ${HOSTILE}`);
    await o.page.close();
  });
});
