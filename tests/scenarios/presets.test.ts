import { describe, expect, it } from 'vitest';
import { HARDWARE_PRESETS } from '../../src/hardware/index.ts';
import type { RunReport } from '../../src/report/index.ts';
import { BRIN_PAGE_INDEX_BYTES_PER_DOC, MEMORY_SHARDS_2001, MODELLED_DOCS_2001, PRESETS, PRESET_NAMES, diffRuns, loadScenarioArg, parseSlo } from '../../src/scenarios/index.ts';

describe('presets', () => {
  it.each(PRESET_NAMES)('%s validates', (name) => {
    const { scenario } = loadScenarioArg(name);
    expect(scenario.name).toBe(name);
    expect(scenario.corpus).toBe('@wordnet-glosses');
  });

  it('model about a billion documents whose index fills the 1200 machines of 2001, and fit memory mode', () => {
    const hw = HARDWARE_PRESETS['2001'];
    const usable = hw.memory.ramBytes - hw.memory.reservedBytes;
    expect(MODELLED_DOCS_2001).toBeGreaterThan(1e9);
    expect(MODELLED_DOCS_2001).toBeLessThan(1.5e9);
    expect(MEMORY_SHARDS_2001).toBe(1200);
    expect((MODELLED_DOCS_2001 * BRIN_PAGE_INDEX_BYTES_PER_DOC) / MEMORY_SHARDS_2001).toBeLessThanOrEqual(usable);
    const disk = PRESETS['google-2000-disk'].cluster;
    expect([disk.shards, disk.replicas, disk.mode]).toEqual([60, 20, 'disk']);
  });

  it('an unknown preset names the valid ones', () => {
    expect(() => loadScenarioArg('google-1999')).toThrow('scenario must be a scenario file or one of the presets google-2000-disk, google-2001-memory, got "google-1999"');
  });
});

describe('comparison diff', () => {
  const run = (p50: number, seeks: number, hit: number | null) =>
    ({ machines: 1200, latencyMs: { p50 }, perQuery: { seeks }, bufferCache: hit === null ? null : { hitRatio: hit } }) as unknown as RunReport;
  it('gives each metric on both sides and the change in percent of the baseline', () => {
    const d = diffRuns(run(200, 40, 0.25), run(20, 0, null));
    expect(d['latencyMs.p50']).toEqual({ baseline: 200, contender: 20, changePct: -90 });
    expect(d['perQuery.seeks']).toEqual({ baseline: 40, contender: 0, changePct: -100 });
    expect(d.machines.changePct).toBe(0);
    expect(d['bufferCache.hitRatio']).toEqual({ baseline: 0.25, contender: null, changePct: null });
  });
  it('has no change in percent from a zero baseline', () => {
    expect(diffRuns(run(1, 0, null), run(1, 5, null))['perQuery.seeks'].changePct).toBeNull();
  });
});

describe('SLO', () => {
  it.each([
    ['p99<500ms', 'p99', 500],
    ['p50 < 0.2s', 'p50', 200],
    ['p99.9<1s', 'p999', 1000],
  ])('parses %s', (text, metric, limitMs) => {
    expect(parseSlo(text)).toMatchObject({ metric, limitMs });
  });
  it('rejects what it cannot read, saying what it expects', () => {
    expect(() => parseSlo('fast')).toThrow(/--slo must be like "p99<500ms"/);
  });
});
