import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliWith } from '../helpers/cli.ts';

/**
 * The 2001 story on the bundled data (shorter than the README's main job, same presets): moving the
 * index into RAM cuts median latency by more than 10x, and the expansion study shows disk affording no
 * more than a handful of terms where memory affords 50.
 */
describe('searchsim compare google-2000-disk google-2001-memory', () => {
  it('shows memory-mode latency 10x lower and the terms each side affords', () => {
    const r = cliWith({ timeoutMs: 290_000 }, 'compare', 'google-2000-disk', 'google-2001-memory', '--queries', '1600', '--expansion-terms', '1,5,50', '--json', '-');
    expect(r.code, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(Object.keys(c)).toEqual(['baseline', 'contender', 'diff']);
    expect(c.baseline.latencyMs.p50).toBeGreaterThanOrEqual(10 * c.contender.latencyMs.p50);
    expect(c.baseline.machines).toBe(1200);
    expect(c.contender.machines).toBe(1200);
    expect(c.baseline.expansionStudy.affordableTerms).toBeLessThanOrEqual(5);
    expect(c.contender.expansionStudy.affordableTerms).toBe(50);
    expect(c.contender.expansion.meanTerms).toBeGreaterThan(5 * c.baseline.expansion.meanTerms);
    expect(c.diff['latencyMs.p50'].changePct).toBeCloseTo(((c.contender.latencyMs.p50 - c.baseline.latencyMs.p50) / c.baseline.latencyMs.p50) * 100, 6);
    // The era's searcher on disk is seek-bound; in memory nothing waits for a disk.
    expect(c.baseline.criticalPath.share.seek + c.baseline.criticalPath.share.rotation).toBeGreaterThan(0.5);
    expect(c.contender.criticalPath.share.seek).toBe(0);
    for (const side of [c.baseline, c.contender]) {
      expect(side.expansionStudy.points.map((p: { terms: number }) => p.terms)).toEqual([1, 5, 50]);
      expect(Object.keys(side.expansionStudy.points[0])).toEqual(['terms', 'meanTerms', 'latencyMs', 'seeksPerQuery', 'maxQps', 'meetsSlo']);
    }
  }, 300_000);

  it('prints where each side\'s time goes, part by part', () => {
    const r = cli('compare', 'scenarios/mm1.json', 'scenarios/mm1.json', '--queries', '12000', '--qps', '50');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/where a measured query's time goes \(mean along its critical path, and share of its latency\)/);
    for (const part of ['disk seek', 'disk rotation', 'disk transfer', 'CPU \\(leaf\\)', 'merge \\(router\\)', 'network', 'queueing']) expect(r.stdout).toMatch(new RegExp(`^${part} +`, 'm'));
  });

  it('names the valid presets for an unknown one', () => {
    const r = cli('compare', 'google-2000-disk', 'altavista-1998');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/one of the presets google-2000-disk, google-2001-memory, got "altavista-1998"/);
  });
});

describe('searchsim expand and eval --expansion', () => {
  it('expand prints the weighted terms with their source', () => {
    const r = cli('expand', 'restaurant', '--json');
    expect(r.code, r.stderr).toBe(0);
    const terms = JSON.parse(r.stdout).terms.map((t: { term: string }) => t.term);
    expect(terms.slice(0, 2)).toEqual(['restaurant', 'restaurants']);
    expect(terms).toContain('eatery');
  });
  it('eval --expansion reports quality with and without it', () => {
    const r = cli('eval', 'workloads/cacm', '--expansion', 'synonyms', '--senses', 'first', '--json', '-');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['expansion', 'without', 'with']);
    expect(j.without.map).toBeGreaterThan(0.32);
    expect(j.with.queries).toBe(52);
    expect(j.with.map).not.toBe(j.without.map);
  });
});

describe('searchsim compare with scenario files in different folders', () => {
  it('resolves each side\'s paths against its own folder, and the shared trace against the baseline\'s', () => {
    const root = mkdtempSync(join(tmpdir(), 'searchsim-cmp-'));
    try {
      // Each side has its corpus in its own folder, named the same (so a path resolved against the
      // wrong folder is missing, not another file).
      mkdirSync(join(root, 'a'));
      mkdirSync(join(root, 'b', 'deep'), { recursive: true });
      copyFileSync('workloads/cranfield/docs.jsonl', join(root, 'a', 'docs.jsonl'));
      copyFileSync('workloads/cranfield/docs.jsonl', join(root, 'b', 'deep', 'cran.jsonl'));
      writeFileSync(join(root, 'a', 'q.tsv'), 'boundary layer\nheat transfer\n');
      const side = (corpus: string, mode: string) => ({
        name: mode,
        corpus,
        workload: { arrival: { kind: 'poisson', qps: 5 }, queries: 20 },
        cluster: { shards: 2, replicas: 1, mode },
      });
      writeFileSync(join(root, 'a', 'x.json'), JSON.stringify({ ...side('docs.jsonl', 'disk'), workload: { ...side('', '').workload, trace: 'q.tsv' } }));
      writeFileSync(join(root, 'b', 'deep', 'y.json'), JSON.stringify(side('cran.jsonl', 'memory')));
      const r = cli('compare', join(root, 'a', 'x.json'), join(root, 'b', 'deep', 'y.json'), '--json', '-');
      expect(r.code, r.stderr).toBe(0);
      const c = JSON.parse(r.stdout);
      // Both sides ran the two queries of a/q.tsv, 10 times each, over their own copy of Cranfield.
      for (const s of [c.baseline, c.contender]) {
        expect(s.index.realDocs).toBe(1400);
        expect(s.receiptCache).toEqual({ hits: 18, misses: 2 });
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
