import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/index.ts';
import { cycleTrace, loadTrace, openArrivals, parseTimeS, readTrace, type TraceQuery } from '../../src/workload/index.ts';
import { traceLoadLine } from '../../src/report/index.ts';
import { tempFiles } from '../helpers/files.ts';
import { run } from '../helpers/scenario.ts';

const { dir, file } = tempFiles('trace');
const BOM = '\uFEFF';
const AOL_HEADER = 'AnonID\tQuery\tQueryTime\tItemRank\tClickURL';
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

describe('trace times', () => {
  it('read a time without an offset as UTC, and one with an offset as it says, in any time zone', () => {
    const utc = (...p: [number, number, number, number?, number?, number?, number?]) => Date.UTC(...p) / 1000;
    // 01:40 on 2006-10-29 happened twice in New York (clocks went back at 02:00): a local reading is ambiguous.
    const cases: [string, number][] = [
      ['2006-10-29T01:40:00', utc(2006, 9, 29, 1, 40)],
      ['2006-10-29T01:40', utc(2006, 9, 29, 1, 40)],
      ['2006-10-29 01:40:00', utc(2006, 9, 29, 1, 40)],
      ['2006-10-29t01:40:00.5', utc(2006, 9, 29, 1, 40, 0, 500)],
      ['03/01/2006 07:00:00', utc(2006, 2, 1, 7)],
      ['2006-10-29', utc(2006, 9, 29)],
      ['2006-10-29T01:40:00Z', utc(2006, 9, 29, 1, 40)],
      ['2006-10-29T01:40:00+01:00', utc(2006, 9, 29, 0, 40)],
      ['2006-10-29T01:40:00-0500', utc(2006, 9, 29, 6, 40)],
      ['Tue Feb 08 12:30:27 +0100 2011', utc(2011, 1, 8, 11, 30, 27)],
      // A parenthesised zone is a comment to Date.parse: it names no zone.
      ['2006-03-01 07:00:00 (UTC)', utc(2006, 2, 1, 7)],
      ['Mar 1 2006 07:00:00 (EST)', utc(2006, 2, 1, 7)],
      // Numbers are seconds in any decimal spelling, never dates.
      ['1e9', 1e9],
      ['.5', 0.5],
      ['5.', 5],
    ];
    const inputs = cases.map(([input]) => input);
    const expected = cases.map(([, tS]) => tS);
    expect(inputs.map(parseTimeS)).toEqual(expected);
    // A process reads its time zone when it starts, so other zones are checked in processes of their own.
    const script = file(
      'times.mjs',
      `const { parseTimeS } = await import(${JSON.stringify(pathToFileURL(resolve('src/workload/trace.ts')).href)});\n` +
        `console.log(JSON.stringify(${JSON.stringify(inputs)}.map(parseTimeS)));\n`,
    );
    for (const tz of ['America/New_York', 'Asia/Kolkata']) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', env: { ...process.env, TZ: tz } });
      expect(r.stderr).toBe('');
      expect([tz, JSON.parse(r.stdout)]).toEqual([tz, expected]);
    }
  });
});

describe('awkward trace files', () => {
  it('read JSONL and the AOL log saved with a byte-order mark', async () => {
    const jsonl = await all(readTrace(file('bom.jsonl', `${BOM}{"t": 1, "q": "cheap flights"}\n{"t": 2, "q": "bbc"}\n`)));
    expect(jsonl.map((x) => [x.q, x.tS])).toEqual([
      ['cheap flights', 1],
      ['bbc', 2],
    ]);
    const aol = await all(readTrace(file('bom-aol.txt', `${BOM}${AOL_HEADER}\n142\trentdirect.com\t2006-03-01 07:17:12\t\t\n`)));
    expect(aol.map((x) => [x.q, x.line])).toEqual([['rentdirect.com', 2]]);
  });
  it('say a trace path that is a directory is not a file', async () => {
    const folder = join(dir, 'traces');
    mkdirSync(folder, { recursive: true });
    await expect(all(readTrace(folder))).rejects.toMatchObject({ code: 'E_INPUT', message: `${folder}: expected a trace file, got a directory` });
  });
  it('read a file starting with the AOL header as the AOL log, whatever its name', async () => {
    const p = file('clicklog.txt', `${AOL_HEADER}\n217\tlottery\t2006-03-01 11:58:51\t1\thttp://www.calottery.com\n217\tlottery\t2006-03-01 11:58:51\t2\thttp://www.lottery.com\n`);
    const got = await all(readTrace(p));
    expect(got.map((x) => [x.q, x.tS])).toEqual([['lottery', Date.UTC(2006, 2, 1, 11, 58, 51) / 1000]]);
  });
  it('guess the format from the file name, not the folders above it', async () => {
    const folder = join(dir, 'aol-study');
    mkdirSync(folder, { recursive: true });
    const p = join(folder, 'q.tsv');
    writeFileSync(p, '12.5\tcheap flights\n');
    expect((await all(readTrace(p))).map((x) => [x.q, x.tS])).toEqual([['cheap flights', 12.5]]);
  });
  it('read a file of AOL rows as the AOL log, whatever its name', async () => {
    // Sorted by time, the log has its header last; read as TSV, its AnonIDs would pass for times.
    const p = file('clicks-by-time.txt', `142\trentdirect.com\t2006-03-01 07:17:12\t\t\n217\tlottery\t2006-03-01 11:58:51\t1\thttp://www.calottery.com\n${AOL_HEADER}\n`);
    expect((await all(readTrace(p))).map((x) => [x.q, x.tS])).toEqual([
      ['rentdirect.com', Date.UTC(2006, 2, 1, 7, 17, 12) / 1000],
      ['lottery', Date.UTC(2006, 2, 1, 11, 58, 51) / 1000],
    ]);
  });
  it('suggest the AOL format when a line read as TSV looks like an AOL row', async () => {
    const told = file('told-tsv.txt', `${AOL_HEADER}\n142\trentdirect.com\t2006-03-01 07:17:12\t\t\n`);
    await expect(all(readTrace(told, { format: 'tsv' }))).rejects.toThrow(
      /told-tsv\.txt:1 field "time": expected seconds or an ISO-8601 time in the first column, got "AnonID" \(an AOL log\? set workload\.traceFormat to "aol"\)/,
    );
    const threeColumns = file('three.tsv', 'u1\tpizza\t2006-03-01 07:17:12\n');
    await expect(all(readTrace(threeColumns))).rejects.toThrow(/three\.tsv:1 .*got "u1" \(an AOL log\?/);
    const plainTsv = file('plain.tsv', 'soon\tpizza\n');
    await expect(all(readTrace(plainTsv))).rejects.toThrow(/plain\.tsv:1 field "time": expected seconds or an ISO-8601 time in the first column, got "soon"$/);
  });
  it('skip the AOL header wherever it is, as in the 10 files of the log concatenated or sorted', async () => {
    const row = (id: number, q: string, t: string) => `${id}\t${q}\t2006-03-01 ${t}\t\t`;
    const concatenated = file('aol-all.txt', [AOL_HEADER, row(1, 'a', '07:00:00'), AOL_HEADER, row(2, 'b', '07:00:01')].join('\n'));
    expect((await all(readTrace(concatenated))).map((x) => x.q)).toEqual(['a', 'b']);
    const sorted = file('aol-sorted.txt', [row(1, 'a', '07:00:00'), row(2, 'b', '07:00:01'), AOL_HEADER].join('\n'));
    expect((await all(readTrace(sorted))).map((x) => x.q)).toEqual(['a', 'b']);
  });
  it('report a skipped line once however often a short trace is cycled', async () => {
    const skipped: number[] = [];
    const p = file('cycled.jsonl', '{"t":0,"q":"a"}\nnot json\n{"t":1,"q":"b"}\n');
    const got = await all(cycleTrace(p, 10, { skipInvalid: true, onSkip: (l) => skipped.push(l) }));
    expect(got).toHaveLength(10);
    expect(skipped).toEqual([2]);
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
  it('trace: a time going backwards is shown as a UTC date, with how to sort the trace', () => {
    const a = openArrivals({ kind: 'trace' }, new Rng(1));
    a.next(Date.UTC(2006, 2, 1, 7, 4, 47) / 1000, 'aol.txt:1');
    expect(() => a.next(Date.UTC(2006, 2, 1, 7, 0, 50) / 1000, 'aol.txt:2')).toThrow(
      /^aol\.txt:2: expected times in nondecreasing order for arrival kind "trace", got 2006-03-01T07:00:50Z after 2006-03-01T07:04:47Z \(sort the trace by time, e\.g\. an AOL log by its QueryTime column: sort -s -t\$'\\t' -k3,3;/,
    );
    const b = openArrivals({ kind: 'trace' }, new Rng(1));
    b.next(2.5, 'f:1');
    expect(() => b.next(1, 'f:2')).toThrow(/got 1 s after 2\.5 s \(sort the trace by time/);
  });
});

describe('topic files (id:text, id:prio:text, qid<TAB>text)', () => {
  const TOPICS = resolve('tests/fixtures/topics');
  const texts = async (p: string, options: Parameters<typeof readTrace>[1] = {}) => (await all(readTrace(p, options))).map((x) => [x.q, x.tS]);
  it('read the TREC efficiency topics as NIST ships them (id:text): the ids are not query words', async () => {
    const formats: string[] = [];
    const got = await texts(join(TOPICS, 'terabyte05-efficiency.1-200.txt'), { onFormat: (f) => formats.push(f) });
    const jsonl = (await texts('workloads/trec-2005-efficiency/queries.jsonl')).slice(0, 200);
    expect(got).toEqual(jsonl);
    expect(got[0]).toEqual(['pierson s twin lakes marina', undefined]);
    expect(formats).toEqual(['id:text']);
  });
  it('read Million Query topics (id:prio:text) as the same queries as their JSONL form', async () => {
    const got = await texts(join(TOPICS, 'trec05-as-mq.20001-20200.txt'));
    expect(got).toEqual(await texts(join(TOPICS, 'trec05-as-mq.20001-20200.jsonl')));
    expect(got[0][0]).toBe('pierson s twin lakes marina');
  });
  it('read MS MARCO-style qid<TAB>text with ids out of order as ids, never as times', async () => {
    const got = await texts(join(TOPICS, 'cranfield-queries.qid.tsv'));
    expect(got).toEqual(await texts(join(TOPICS, 'cranfield-queries.100.jsonl')));
    expect(got.every(([, t]) => t === undefined)).toBe(true);
  });
  it('read an integer first column in order as times unless the file is named for queries; traceFormat decides when given', async () => {
    const rows = '1\tcheap flights\n2\tbbc news\n5\tweather\n';
    expect(await texts(file('arrivals.tsv', rows))).toEqual([['cheap flights', 1], ['bbc news', 2], ['weather', 5]]);
    expect(await texts(file('queries.dev.tsv', rows))).toEqual([['cheap flights', undefined], ['bbc news', undefined], ['weather', undefined]]);
    expect(await texts(file('arrivals2.tsv', rows), { format: 'qid-tsv' })).toEqual([['cheap flights', undefined], ['bbc news', undefined], ['weather', undefined]]);
    expect(await texts(file('q.txt', '20001:1:obama family tree\n'), { format: 'tsv' })).toEqual([['20001:1:obama family tree', undefined]]);
  });
  it('name the line that does not fit a topic format', async () => {
    await expect(all(readTrace(file('mq.txt', '20001:1:obama family tree\nno colon here\n'), { format: 'id:prio:text' }))).rejects.toThrow(
      /mq\.txt:2: expected a topic id:prio:text \(an id, a priority number, then the text\), got "no colon here"/,
    );
  });
  it('replay Million Query topics in their id:prio:text form exactly as their JSONL form', async () => {
    const scenario = (trace: string) => ({
      corpus: 'workloads/cranfield',
      workload: { trace, arrival: { kind: 'poisson' as const, qps: 50 }, queries: 400 },
      cluster: { shards: 3 },
    });
    const a = await run(scenario(join(TOPICS, 'trec05-as-mq.20001-20200.txt')));
    const b = await run(scenario(join(TOPICS, 'trec05-as-mq.20001-20200.jsonl')));
    const { workload: wa, ...restA } = a;
    const { workload: wb, ...restB } = b;
    expect(restA).toEqual(restB);
    expect(wa.skippedLines).toBe(0);
    expect(wb.skippedLines).toBe(0);
    expect(a.expansion!.meanTerms).toBeGreaterThan(1.5);
  }, 60_000);
});

describe('trace load report (loadTrace)', () => {
  const trace = { kind: 'trace' } as const;
  const poisson = { kind: 'poisson', qps: 10 } as const;
  it('counts lines read and skipped (the first reason and line), the time span and the mean rate', async () => {
    const p = file('report.jsonl', '{"t":0,"q":"a"}\n\nnot json\n{"t":10,"q":"b"}\n{"t":"x","q":"c"}\n{"t":20,"q":"d"}\n');
    const { load } = await loadTrace(p, 100, trace, { skipInvalid: true });
    expect(load).toMatchObject({ format: 'jsonl', formatGuessed: true, linesRead: 6, queries: 3, wholeFile: true, skippedLines: 2, firstS: 0, lastS: 20, meanQps: 0.1, passes: 34, timesUsed: true, warnings: [] });
    expect(load.firstSkip).toEqual({ line: 3, reason: `${p}:3: expected a JSON object per line ({"t","q"}), got "not json"` });
    const short = await loadTrace(p, 2, trace, { skipInvalid: true });
    expect(short.load).toMatchObject({ queries: 2, wholeFile: false, passes: 1, lastS: 10 });
  });
  it('writes slow rates with an exponent in the report line (2.0e-6, not 0.00000200)', async () => {
    const p = file('slow-rate.tsv', '0\ta\n500000\tb\n1000000\tc\n');
    const { load } = await loadTrace(p, 3, trace);
    expect(traceLoadLine(load)).toBe(`trace ${p} (read as TSV: time<TAB>query, or a query a line, guessed): 3 lines read, 3 queries, none skipped, times span 11.6 days, mean 2.0e-6 queries/s`);
  });
  it('warns when the times look like milliseconds since 1970', async () => {
    const p = file('epoch-ms.tsv', [0, 1, 2, 3].map((i) => `${1_300_000_000_000 + i * 250}\tq${i}`).join('\n'));
    const { load } = await loadTrace(p, 4, trace);
    expect(load.warnings).toEqual([expect.stringMatching(/^the times look like milliseconds, not seconds \(the first is 1300000000000, 2011-03-13 if read as ms since 1970\)/)]);
  });
  it('warns when the rate is next to no load (50 queries over 20 years), only when the run replays the times', async () => {
    const p = file('twenty-years.tsv', Array.from({ length: 50 }, (_, i) => `${1e9 + (i * 20 * 31_557_600) / 49}\tq${i}`).join('\n'));
    const { load } = await loadTrace(p, 50, trace);
    expect(load.warnings).toEqual([expect.stringMatching(/^the mean rate is 7\.8e-8 queries\/s \(50 queries over 20\.0 years\), next to no load/)]);
    expect((await loadTrace(p, 50, poisson)).load).toMatchObject({ timesUsed: false, warnings: [] });
  });
  it('says, before any work, that topics carry no times when the arrivals replay them', async () => {
    await expect(loadTrace(resolve('tests/fixtures/topics/trec05-as-mq.20001-20200.txt'), 10, trace)).rejects.toThrow(
      /trec05-as-mq\.20001-20200\.txt:1: expected a time on every query for arrival kind "trace", and this file is read as topics id:prio:text/,
    );
  });
  it('cycles a short trace from memory: one read of the file, the same queries as streaming it', async () => {
    const p = file('short.jsonl', '{"t":0,"q":"a"}\n{"t":2,"q":"b"}\n');
    const { source } = await loadTrace(p, 7, trace);
    writeFileSync(p, '{"t":0,"q":"changed"}\n');
    const got = await all(source());
    writeFileSync(p, '{"t":0,"q":"a"}\n{"t":2,"q":"b"}\n');
    expect(got).toEqual(await all(cycleTrace(p, 7)));
    expect(got.map((x) => x.q).join('')).toBe('abababa');
    expect(await all(source())).toEqual(got);
  });
  it('cycles a two-line trace 100,000 times about as fast as it streams a 100,000-line one', async () => {
    const short = file('two.tsv', 'cheap flights\nbbc news\n');
    const long = file('long.tsv', Array.from({ length: 100_000 }, (_, i) => (i % 2 ? 'bbc news' : 'cheap flights')).join('\n'));
    const time = async (p: string) => {
      const t0 = performance.now();
      const { source } = await loadTrace(p, 200_000, poisson);
      expect((await all(source())).length).toBe(200_000);
      return performance.now() - t0;
    };
    await time(long);
    const ratio = (await time(short)) / (await time(long));
    expect(ratio).toBeLessThan(3);
  }, 60_000);
});
