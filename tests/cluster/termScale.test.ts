import { describe, expect, it } from 'vitest';
import { Analyzer } from '../../src/analysis/index.ts';
import { DOCLIST_ENTRY_BYTES, PerTermServiceModel, WebTermScale, newLeafDemand, wordsPerPage1998, type PreparedQuery } from '../../src/cluster/index.ts';
import { HARDWARE_PRESETS } from '../../src/hardware/index.ts';
import { run } from '../helpers/scenario.ts';

const N = 1.35e9;
const scale = new WebTermScale(new Analyzer({ stemmer: 'none', stopWords: 'none' }), N);

describe('per-term list sizes (WebTermScale)', () => {
  it('keeps the order of word frequencies in the order of document frequencies', () => {
    const words = ['the', 'house', 'restaurant', 'bistro', 'zymurgy', 'qqqxnotaword'];
    const f = words.map((w) => scale.frequency(w));
    const df = words.map((w) => scale.list(w).df);
    for (let i = 1; i < words.length; i++) {
      expect(f[i]).toBeLessThanOrEqual(f[i - 1]);
      expect(df[i]).toBeLessThanOrEqual(df[i - 1]);
    }
    expect(df[0]).toBeLessThanOrEqual(N);
    // A very common word is on nearly every page; a word seen once in 49.7 M on a few thousand pages in a billion.
    expect(df[0] / N).toBeGreaterThan(0.99);
    expect(df[4] / N).toBeLessThan(1e-5);
  });

  it('sizes a list as 4 bytes a page holding the term and 2 a hit (Brin and Page 1998)', () => {
    const { df, bytes } = scale.list('restaurant');
    const hits = wordsPerPage1998() * scale.frequency('restaurant') * N;
    expect(bytes).toBeCloseTo(DOCLIST_ENTRY_BYTES * df + 2 * hits, -3);
  });

  it('gives 1.55 KB of index a page over the word list, at the page length it solves for', () => {
    expect(wordsPerPage1998()).toBeGreaterThan(300);
    expect(wordsPerPage1998()).toBeLessThan(450);
  });
});

describe('the per-term service model', () => {
  const lists = ['restaurant', 'cheap', 'house'].map((t) => scale.list(t));
  const query: PreparedQuery = { seq: 0, termCount: 3, termKeys: Int32Array.of(0, 1, 2), work: null };
  const model = (budget: number | null, share: number | null = null) =>
    new PerTermServiceModel((k) => lists[k], 60, N / 60, HARDWARE_PRESETS['2001'].cpu, { budgetPerShard: budget, firstTierShare: share, mode: 'or', k: 10 });

  it('exhaustive: every shard reads each whole list, df / shards postings and bytes / shards bytes', () => {
    const d = newLeafDemand();
    model(null).demand(query, 7, d);
    expect(d.reads).toBe(3);
    for (let j = 0; j < 3; j++) expect(d.readBytes[j]).toBeCloseTo(lists[j].bytes / 60, 0);
    expect(d.prefixReads).toBe(false);
  });

  it('with a match budget: one read a term, each a prefix no longer than its list, shorter the rarer the matches', () => {
    const d = newLeafDemand();
    model(40_000 / 60).demand(query, 3, d);
    expect(d.reads).toBe(3);
    expect(d.prefixReads).toBe(true);
    for (let j = 0; j < 3; j++) {
      expect(d.readBytes[j]).toBeGreaterThan(0);
      expect(d.readBytes[j]).toBeLessThan(lists[j].bytes / 60 / 100);
    }
    // Postings read: the budget's share of the matching documents, each term in proportion to its df.
    expect(d.postingsDecoded).toBeGreaterThan(40_000 / 60);
    expect(d.postingsDecoded).toBeLessThan(3 * (40_000 / 60));
  });

  it('with two tiers: a budget the first tier holds reads only first-tier lists; a larger one reads both', () => {
    const small = newLeafDemand();
    model(100, 0.1).demand(query, 0, small);
    expect(small.reads).toBe(3);
    const huge = newLeafDemand();
    model(N / 60, 0.001).demand(query, 0, huge);
    expect(huge.reads).toBe(6);
  });
});

describe('the era\'s searcher on disk (per-term lists, a match budget)', () => {
  it('charges one seek per term per shard, and transfers far less than the whole lists', async () => {
    const trace = 'workloads/trec-2005-efficiency/queries.jsonl';
    const s = (searcher: { matchBudget?: number }) =>
      run({
        corpus: 'workloads/cranfield',
        workload: { trace, arrival: { kind: 'poisson', qps: 1 }, queries: 40 },
        cluster: { shards: 4, replicas: 1, mode: 'disk', modelledDocs: 1e9, listSizes: 'per-term', cacheBytes: 0 },
        searcher,
      });
    const cut = await s({ matchBudget: 40_000 });
    const whole = await s({});
    // Cold disks: every query term read once on each of the 4 shards.
    expect(cut.perQuery.seeks).toBeCloseTo(4 * cut.expansion!.meanTerms, 9);
    expect(whole.perQuery.seeks).toBeCloseTo(cut.perQuery.seeks, 9);
    expect(cut.perQuery.bytesRead).toBeLessThan(whole.perQuery.bytesRead / 100);
    // Seek-bound: positioning the head takes most of the time.
    expect(cut.criticalPath.share.seek + cut.criticalPath.share.rotation).toBeGreaterThan(0.8);
    // Whole lists of web size: the transfer dwarfs the seeks.
    const m = whole.criticalPath.meanMs;
    expect(m.transfer).toBeGreaterThan(10 * (m.seek + m.rotation));
  });

  it('refuses a match budget of zero and a first-tier share outside (0, 1], naming the field', async () => {
    const base = { corpus: 'workloads/cranfield', workload: { arrival: { kind: 'poisson' as const, qps: 1 }, queries: 5 }, cluster: { shards: 1 } };
    const refused = (searcher: object) => expect((async () => run({ ...base, searcher }))()).rejects;
    await refused({ matchBudget: 0 }).toThrow(/^test scenario: searcher\.matchBudget: Too small: expected number to be >0, got 0$/);
    await refused({ firstTierShare: 0 }).toThrow(/^test scenario: searcher\.firstTierShare: Too small: expected number to be >0, got 0$/);
    await refused({ firstTierShare: 1.5 }).toThrow(/^test scenario: searcher\.firstTierShare: Too big: expected number to be <=1, got 1\.5$/);
  });
});
