import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/index.ts';
import { cycleTrace, openArrivals, parseTimeS, readTrace, type TraceQuery } from '../../src/workload/index.ts';
import { tempFiles } from '../helpers/files.ts';

const { file } = tempFiles('trace');
async function all<T>(g: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of g) out.push(x);
  return out;
}

describe('trace readers', () => {
  it('read JSONL with seconds or ISO times, and queries.jsonl records ({"id","text"})', async () => {
    const p = file('a.jsonl', '{"t": 1.5, "q": "cheap flights"}\n{"t": "2011-02-08T12:30:27Z", "q": "bbc"}\n{"id": "3", "text": "no time"}\n');
    const got = await all(readTrace(p));
    expect(got.map((x) => [x.q, x.tS, x.line])).toEqual([
      ['cheap flights', 1.5, 1],
      ['bbc', Date.UTC(2011, 1, 8, 12, 30, 27) / 1000, 2],
      ['no time', undefined, 3],
    ]);
  });
  it('read TSV with or without a time column', async () => {
    const got = await all(readTrace(file('a.tsv', '10\tnew york pizza\nplain query\n')));
    expect(got.map((x) => [x.q, x.tS])).toEqual([
      ['new york pizza', 10],
      ['plain query', undefined],
    ]);
  });
  it('read the AOL log, counting a search with several clicked results once', async () => {
    const p = file(
      'user-ct-test-collection-01.txt',
      'AnonID\tQuery\tQueryTime\tItemRank\tClickURL\n142\trentdirect.com\t2006-03-01 07:17:12\t\t\n217\tlottery\t2006-03-01 11:58:51\t1\thttp://www.calottery.com\n217\tlottery\t2006-03-01 11:58:51\t2\thttp://www.lottery.com\n',
    );
    const got = await all(readTrace(p, { format: 'aol' }));
    expect(got.map((x) => x.q)).toEqual(['rentdirect.com', 'lottery']);
    expect(got[0].tS).toBe(parseTimeS('2006-03-01T07:17:12Z'));
  });
  it('name the file and line of an unparseable line', async () => {
    await expect(all(readTrace(file('bad.jsonl', '{"q":"a"}\n{"q": 5}\n')))).rejects.toThrow(/bad\.jsonl:2 field "q": expected the query text as a string, got 5/);
    await expect(all(readTrace(file('bad2.jsonl', '{"q":"a","t":"yesterday"}\n')))).rejects.toThrow(/bad2\.jsonl:1 field "t": expected seconds or an ISO-8601 time/);
  });
  it('count and skip unparseable lines when asked', async () => {
    const skipped: number[] = [];
    const got: TraceQuery[] = await all(readTrace(file('mixed.jsonl', '{"q":"a"}\nnot json\n{"q":"b"}\n'), { skipInvalid: true, onSkip: (l) => skipped.push(l) }));
    expect(got.map((x) => x.q)).toEqual(['a', 'b']);
    expect(skipped).toEqual([2]);
  });
  it('cycle a short trace, shifting each pass by its span plus a mean gap', async () => {
    const p = file('c.jsonl', '{"t":0,"q":"a"}\n{"t":2,"q":"b"}\n');
    const got = await all(cycleTrace(p, 5));
    expect(got.map((x) => [x.q, x.tS])).toEqual([
      ['a', 0],
      ['b', 2],
      ['a', 4],
      ['b', 6],
      ['a', 8],
    ]);
  });
});

describe('arrival models', () => {
  it('fixed: evenly spaced', () => {
    const a = openArrivals({ kind: 'fixed', qps: 4 }, new Rng(1));
    expect([0, 1, 2].map(() => a.next(undefined, 'x'))).toEqual([0, 250, 500]);
  });
  it('poisson: exponential gaps with the asked mean', () => {
    const a = openArrivals({ kind: 'poisson', qps: 50 }, new Rng(2));
    let t = 0;
    for (let i = 0; i < 100_000; i++) t = a.next(undefined, 'x');
    expect(t / 100_000).toBeCloseTo(20, 0);
  });
  it('diurnal: more arrivals at the peak of the cycle than in the trough', () => {
    const a = openArrivals({ kind: 'diurnal', qps: 100, amplitude: 0.8, periodS: 100 }, new Rng(3));
    const perQuarter = [0, 0, 0, 0];
    for (;;) {
      const t = a.next(undefined, 'x');
      if (t >= 100_000) break;
      perQuarter[Math.floor(t / 25_000)]++;
    }
    expect(perQuarter[0]).toBeGreaterThan(perQuarter[2] * 2.5);
    expect(perQuarter.reduce((x, y) => x + y)).toBeGreaterThan(9000);
  });
  it('trace: times relative to the first, sped up, never backwards', () => {
    const a = openArrivals({ kind: 'trace', speedup: 2 }, new Rng(1));
    expect([a.next(100, 'f:1'), a.next(101, 'f:2')]).toEqual([0, 500]);
    expect(() => a.next(99, 'f:3')).toThrow(/f:3: expected times in nondecreasing order/);
    expect(() => openArrivals({ kind: 'trace' }, new Rng(1)).next(undefined, 'g:7')).toThrow(/g:7: expected a time on every query/);
  });
});
