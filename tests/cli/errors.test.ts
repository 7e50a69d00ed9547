import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliWith } from '../helpers/cli.ts';
import { tempFiles } from '../helpers/files.ts';

const { dir, file } = tempFiles('cli');

/** A user's mistake: exit code 2, one line on stderr naming where and what was expected, no stack. */
function expectUserError(args: string[], message: RegExp): void {
  const r = cli(...args);
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('bad input', () => {
  it('a malformed JSONL line names the file and line', () => {
    expectUserError(['query', file('bad.jsonl', '{"id":"a","text":"wing"}\n{"id":"b", text}\n'), 'wing'], /^searchsim: .*bad\.jsonl:2: expected a JSON object per line/);
  });
  it('a missing corpus file', () => {
    expectUserError(['query', join(dir, 'missing.jsonl'), 'wing'], /^searchsim: .*missing\.jsonl: no such corpus file/);
  });
  it('an empty corpus', () => {
    expectUserError(['query', file('empty.jsonl', ''), 'wing'], /^searchsim: .*empty\.jsonl: expected at least one document/);
  });
  it('a duplicate document id names both lines', () => {
    expectUserError(
      ['query', file('dup.jsonl', '{"id":"a","text":"wing"}\n{"id":"b","text":"x"}\n{"id":"a","text":"flow"}\n'), 'wing', '--shards', '3'],
      /^searchsim: .*dup\.jsonl:3 field "id": expected a unique document id \("a" is already at line 1\)/,
    );
  });
  it('a qrels line with too few fields', () => {
    const c = join(dir, 'coll');
    mkdirSync(c, { recursive: true });
    writeFileSync(join(c, 'docs.jsonl'), '{"id":"1","text":"wing flow"}\n');
    writeFileSync(join(c, 'queries.jsonl'), '{"id":"1","text":"wing"}\n');
    writeFileSync(join(c, 'qrels.tsv'), '1\t1\t1\n1\t1\n');
    expectUserError(['eval', c], /^searchsim: .*qrels\.tsv:2: expected 3 fields .*got 2 fields/);
  });
  it('a missing collection file', () => {
    expectUserError(['eval', join(dir, 'nothing')], /^searchsim: .*queries\.jsonl: no such queries file/);
  });
  it('a bad option value', () => {
    const r = cli('query', 'workloads/cranfield', 'wing', '--shards', 'zero');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/option '--shards <n>' argument 'zero' is invalid\. expected a positive integer/);
  });
  it('an option or argument mistake is one line, as every other mistake', () => {
    for (const args of [
      ['query', 'workloads/cranfield', 'wing', '--shards', 'zero'],
      ['query', 'workloads/cranfield'],
      ['run', 'scenarios/mm1.json', '--no-such-option'],
      ['frobnicate'],
    ]) {
      const r = cli(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^searchsim: [^\n]+\n$/);
    }
    expect(cli('query', 'workloads/cranfield', 'wing', '--shards', 'zero').stderr).toBe(
      "searchsim: option '--shards <n>' argument 'zero' is invalid. expected a positive integer. (searchsim query --help for usage)\n",
    );
  });
});

describe('searchsim query', () => {
  it('prints JSON hits and receipt totals', () => {
    const r = cli('query', 'workloads/cranfield', 'boundary layer heat transfer', '--shards', '4', '--k', '3', '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.hits).toHaveLength(3);
    expect(Object.keys(j.hits[0])).toEqual(['id', 'score']);
    expect(j.receipt).toMatchObject({ terms: 4, shards: 4 });
    expect(j.receipt.postings).toBeGreaterThan(0);
    expect(j.receipt.decoded).toBeLessThanOrEqual(j.receipt.postings);
  });
  it('answers the same on disk storage and in AND mode every hit holds every term', () => {
    const mem = cli('query', 'workloads/cranfield', 'supersonic flutter', '--json', '--mode', 'and');
    const disk = cli('query', 'workloads/cranfield', 'supersonic flutter', '--json', '--mode', 'and', '--storage', 'disk');
    expect(JSON.parse(disk.stdout)).toEqual(JSON.parse(mem.stdout));
  });
  it('--help explains every command', () => {
    for (const c of ['query', 'eval']) {
      const r = cli(c, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Example/);
    }
  });
});

describe('--json, one convention for every verb', () => {
  it('is checked before any work: a missing folder, a directory or an unwritable place', () => {
    for (const verb of [['run', 'scenarios/mm1.json'], ['compare', 'scenarios/mm1.json', 'scenarios/mm1.json'], ['eval', 'workloads/cranfield'], ['query', 'workloads/cranfield', 'wing'], ['expand', 'wing']]) {
      const r = cli(...verb, '--json', join(dir, 'no-such-folder', 'out.json'));
      expect(r.code, verb.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`searchsim: --json must be a file that can be written (its folder ${join(dir, 'no-such-folder')} does not exist), got ${JSON.stringify(join(dir, 'no-such-folder', 'out.json'))}\n`);
    }
    const folder = cli('run', 'scenarios/mm1.json', '--json', dir);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe(`searchsim: --json must be a file that can be written (${dir} is a directory), got ${JSON.stringify(dir)}\n`);
    const proc = cli('run', 'scenarios/mm1.json', '--json', '/proc/searchsim-out.json');
    expect(proc.code).toBe(2);
    expect(proc.stderr).toMatch(/^searchsim: --json must be a file that can be written \(.*\), got "\/proc\/searchsim-out\.json"\n$/);
  });
  it('takes a FILE on query and expand as on run, compare and eval; alone or with -, it writes to stdout', () => {
    const out = join(dir, 'query.json');
    const q = cli('query', 'workloads/cranfield', 'wing flutter', '--k', '2', '--json', out);
    expect(q.code, q.stderr).toBe(0);
    expect(q.stdout).toMatch(/query terms: wing flutter/);
    expect(JSON.parse(readFileSync(out, 'utf8')).hits).toHaveLength(2);
    const e = cli('expand', 'restaurant', '--policy', 'morph', '--json', '-');
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout).terms[0].term).toBe('restaurant');
    const r = cli('run', 'scenarios/mm1.json', '--queries', '12000', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).queries.total).toBe(12000);
  });
});

describe('eval: judged queries', () => {
  /** A collection folder with two documents and the given queries and judgments. */
  function collection(name: string, queries: string, qrels: string): string {
    const c = join(dir, name);
    mkdirSync(c, { recursive: true });
    writeFileSync(join(c, 'docs.jsonl'), '{"id":"d1","text":"wing flow"}\n{"id":"d2","text":"heat transfer"}\n');
    writeFileSync(join(c, 'queries.jsonl'), queries);
    writeFileSync(join(c, 'qrels.tsv'), qrels);
    return c;
  }
  const twoQueries = '{"id":"1","text":"wing"}\n{"id":"2","text":"heat"}\n';

  it('refuses zero judged queries: an empty qrels file, or no relevant document in it', () => {
    for (const [name, qrels] of [
      ['empty-qrels', ''],
      ['unjudged-qrels', '1\td1\t0\n2\td2\t0\n'],
    ]) {
      const c = collection(name, twoQueries, qrels);
      expectUserError(['eval', c], new RegExp(`^searchsim: .*${name}/qrels\\.tsv: expected at least one judged query \\(one with a relevant document\\), got none$`));
    }
  });
  it('reports judged ids that queries.jsonl lacks (count and first ids) and leaves them out, as trec_eval does', () => {
    const c = collection('unmatched', twoQueries, '1\td1\t1\n901\td1\t1\n902\td2\t1\n2\td2\t1\n');
    const r = cli('eval', c, '--json', '-');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`searchsim: warning: ${join(c, 'qrels.tsv')}: 2 judged queries are not in ${join(c, 'queries.jsonl')} (901, 902); left out, as trec_eval does\n`);
    expect(JSON.parse(r.stdout)).toMatchObject({ map: 1, queries: 2 });
    const none = collection('none-matched', twoQueries, '7\td1\t1\n');
    expectUserError(['eval', none], /^searchsim: .*none-matched\/qrels\.tsv: expected at least one judged query in .*queries\.jsonl, got 1 judged query with other ids \(7\)$/);
  });
  it('refuses a duplicate query id, naming both lines', () => {
    const c = collection('dup-queries', '{"id":"1","text":"wing"}\n{"id":"2","text":"heat"}\n{"id":"1","text":"flow"}\n', '1\td1\t1\n');
    expectUserError(['eval', c], /^searchsim: .*dup-queries\/queries\.jsonl:3 field "id": expected a unique query id \("1" is already at line 1\)$/);
  });
  it('given a file, says it expected a collection folder', () => {
    expectUserError(['eval', 'workloads/cranfield/docs.jsonl'], /^searchsim: workloads\/cranfield\/docs\.jsonl: expected a collection folder \(docs\.jsonl, queries\.jsonl, qrels\.tsv\), got a file$/);
  });
});

describe('expansion options', () => {
  it('a bad --weight is refused as the option the user typed, before anything loads', () => {
    for (const verb of [['expand', 'wing'], ['eval', 'workloads/cranfield', '--expansion', 'synonyms']]) {
      const r = cli(...verb, '--weight', '-3');
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`searchsim: option '--weight <x>' argument '-3' is invalid. expected a number in (0, 1]. (searchsim ${verb[0]} --help for usage)\n`);
    }
  });
});

describe('the searcher: a match budget and tiers, on eval and in a scenario', () => {
  it('eval refuses a budget that is not a positive integer and a first-tier share outside (0, 1], as the option typed', () => {
    const refused = (option: string, value: string, expected: string) => {
      const r = cli('eval', 'workloads/cranfield', '--match-budget', '100', option, value);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`searchsim: option '${option} ${option === '--match-budget' ? '<n>' : '<x>'}' argument '${value}' is invalid. expected ${expected}. (searchsim eval --help for usage)\n`);
    };
    for (const v of ['0', '-5', '2.5', 'many']) refused('--match-budget', v, 'a positive integer');
    for (const v of ['0', '1.5', '-0.1', 'half']) refused('--first-tier-share', v, 'a number in (0, 1]');
  });
  it('eval refuses an order or tiers without a budget, tiers in corpus order, and a budget with expansion, naming the option', () => {
    expectUserError(['eval', 'workloads/cranfield', '--first-tier-share', '0.5'], /^searchsim: --first-tier-share must be used with --match-budget \(.*\), got 0\.5$/);
    expectUserError(['eval', 'workloads/cranfield', '--order', 'static-rank'], /^searchsim: --order must be used with --match-budget \(.*\), got "static-rank"$/);
    expectUserError(['eval', 'workloads/cranfield', '--match-budget', '100', '--order', 'corpus', '--first-tier-share', '0.5'], /^searchsim: --order must be "static-rank" with --first-tier-share \(.*\), got "corpus"$/);
    expectUserError(['eval', 'workloads/cranfield', '--match-budget', '100', '--expansion', 'synonyms'], /^searchsim: --match-budget must be used without --expansion \(.*\), got 100$/);
    expectUserError(['eval', 'workloads/cranfield', '--match-budget', '100', '--order', 'best'], /^searchsim: option '--order <order>' argument 'best' is invalid\. expected one of: corpus, static-rank\./);
  });
  it('a scenario file with a budget of zero or less, or a share outside (0, 1], is one line naming the field', () => {
    const base = { workload: { arrival: { kind: 'poisson', qps: 10 }, queries: 100 }, cluster: {}, service: { kind: 'deterministic', ms: 1 } };
    const bad = (name: string, searcher: object, message: RegExp) => expectUserError(['run', file(name, JSON.stringify({ ...base, searcher }))], message);
    bad('budget0.json', { matchBudget: 0 }, /^searchsim: .*budget0\.json: searcher\.matchBudget: Too small: expected number to be >0, got 0$/);
    bad('budget-5.json', { matchBudget: -5 }, /^searchsim: .*budget-5\.json: searcher\.matchBudget: Too small: expected number to be >0, got -5$/);
    bad('share0.json', { matchBudget: 100, firstTierShare: 0 }, /^searchsim: .*share0\.json: searcher\.firstTierShare: Too small: expected number to be >0, got 0$/);
    bad('share2.json', { matchBudget: 100, firstTierShare: 1.5 }, /^searchsim: .*share2\.json: searcher\.firstTierShare: Too big: expected number to be <=1, got 1\.5$/);
    bad('tiers-corpus.json', { matchBudget: 100, firstTierShare: 0.5, order: 'corpus' }, /^searchsim: .*tiers-corpus\.json: searcher\.order: must be "static-rank" with tiers .*, got "corpus"$/);
  });
});

describe('scenario files', () => {
  const synthetic = { workload: { arrival: { kind: 'poisson', qps: 10 }, queries: 100 }, cluster: {}, service: { kind: 'deterministic', ms: 1 } };
  it('may start with a UTF-8 byte-order mark, as corpora and traces may', () => {
    const r = cli('run', file('bom.json', '\uFEFF' + JSON.stringify(synthetic)), '--json', '-');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).queries.total).toBe(100);
  });
  it('a bad slo names the file and the JSON path, not the --slo option', () => {
    const p = file('slo.json', JSON.stringify({ ...synthetic, slo: 'p99<fast' }));
    expectUserError(['run', p], /^searchsim: .*slo\.json: slo: must be like "p99<500ms" \(p50, p90, p99, p99\.9, mean or max, then < and a time in ms or s\), got "p99<fast"$/);
  });
  it('a directory given as a scenario says it is a directory', () => {
    expectUserError(['run', 'scenarios'], /^searchsim: scenarios: expected a scenario file, got a directory$/);
  });
  it('several problems in one scenario are one line, each with its JSON path', () => {
    const p = file('two.json', JSON.stringify({ ...synthetic, workload: { arrival: { kind: 'poisson', qps: -3 } }, cluster: { shards: 2.5 } }));
    expectUserError(['run', p], /^searchsim: .*two\.json: workload\.arrival\.qps: .*, got -3; cluster\.shards: .*, got 2\.5$/);
  });
});

describe('traces: the load report, its warnings, and time kept exact', () => {
  const synthetic = (trace: string, extra: Record<string, unknown> = {}) =>
    file(`${trace.replace(/\W/g, '-')}.json`, JSON.stringify({ workload: { trace, arrival: { kind: 'trace' }, queries: 8, ...extra }, cluster: {}, service: { kind: 'deterministic', ms: 1 } }));
  it('prints what was read: lines, skipped lines with the first reason and line, the time span and the mean rate', () => {
    const t = file('report.tsv', '0\tcheap flights\nsoon\tbbc\n1\tweather\n2\tnews\n');
    const r = cli('run', synthetic(t), '--skip-invalid', '--json', '-');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      `searchsim: trace ${t} (read as TSV: time<TAB>query, or a query a line, guessed): 4 lines read, 3 queries, 1 skipped (first: line 2: field "time": expected seconds or an ISO-8601 time in the first column, got "soon"), times span 2.00 s, mean 1.00 queries/s, cycled 3 times\n`,
    );
    expect(JSON.parse(r.stdout).workload.traceLoad).toMatchObject({ linesRead: 4, queries: 3, skippedLines: 1, meanQps: 1 });
  });
  it('warns when the times look like milliseconds, and when the rate is implausible', () => {
    const ms = file('epoch-ms.tsv', [0, 1, 2, 3].map((i) => `${1_300_000_000_000 + i * 250}\tq${i}`).join('\n'));
    const r = cli('run', synthetic(ms, { queries: 4 }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('\n')[1]).toMatch(/^searchsim: warning: .*epoch-ms\.tsv: the times look like milliseconds, not seconds \(the first is 1300000000000, 2011-03-13 if read as ms since 1970\): divide them by 1000 or write ISO times$/);
    const slow = file('twenty-years.tsv', Array.from({ length: 50 }, (_, i) => `${1e9 + (i * 20 * 31_557_600) / 49}\tq${i}`).join('\n'));
    const s = cli('run', synthetic(slow, { queries: 50 }));
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/\nsearchsim: warning: .*twenty-years\.tsv: the mean rate is 7\.8e-8 queries\/s \(50 queries over 20\.0 years\), next to no load: set workload\.arrival\.speedup or choose fixed, poisson or diurnal arrivals\n$/);
  });
  it('refuses a run whose simulated time would lose its microseconds, saying how to shorten it', () => {
    const wide = file('wide.tsv', Array.from({ length: 50 }, (_, i) => `${(i * 1e10) / 49}\tq${i}`).join('\n'));
    expectUserError(['run', synthetic(wide, { queries: 50 })], /^searchsim: .*: workload\.arrival: the run would span 317 years of simulated time \(a trace spanning 317 years\), past the 34\.8 years over which its clock keeps microsecond precision; set workload\.arrival\.speedup to at least 10$/);
    const cycled = file('cycled.tsv', Array.from({ length: 50 }, (_, i) => `${(i * 1e9) / 49}\tq${i}`).join('\n'));
    expectUserError(['run', synthetic(cycled, { queries: 10_000 })], /: workload\.arrival: the run would span 6,466 years of simulated time \(200 passes over a trace spanning 31\.7 years\)/);
    const slow = file('slow.json', JSON.stringify({ workload: { arrival: { kind: 'poisson', qps: 1e-6 }, queries: 10_000 }, cluster: {}, service: { kind: 'deterministic', ms: 1 } }));
    expectUserError(['run', slow], /^searchsim: .*slow\.json: workload\.arrival\.qps: the run would span 317 years of simulated time \(10000 queries at 0\.000001 queries\/s\).*raise the rate to at least 0\.0000091 queries\/s or run fewer queries$/);
    expectUserError(
      ['run', 'scenarios/mm1.json', '--qps', '0.0001'],
      /^searchsim: --qps must be at least 0\.00018 queries\/s for 200000 queries \(else the run spans 63\.4 years of simulated time; its clock keeps microsecond precision over 34\.8 years\), got 0\.0001$/,
    );
  });
});

describe('a synthetic service', () => {
  const scenario = (name: string, extra: Record<string, unknown>) =>
    file(name, JSON.stringify({ workload: { arrival: { kind: 'poisson', qps: 50 }, queries: 200 }, cluster: {}, service: { kind: 'exponential', meanMs: 5 }, ...extra }));
  it('refuses the expansion and update-rate studies before any work: its queries have no terms', () => {
    const p = scenario('synthetic.json', {});
    for (const [option, value] of [
      ['--expansion-terms', '1,2'],
      ['--update-rates', '100,1000'],
    ]) {
      const r = cli('run', p, option, value);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `searchsim: ${option} must be used with service.kind "index" (queries run on real shards; ${p} has service.kind "exponential", a synthetic time with no query terms or index), got "${value}"\n`,
      );
    }
    const c = cli('compare', 'scenarios/mm1.json', 'google-2001-memory', '--expansion-terms', '1,2');
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/^searchsim: --expansion-terms must be used with service\.kind "index" \(.*scenarios\/mm1\.json has service\.kind "exponential"/);
  });
  it('warns once about the sections it ignores', () => {
    const p = scenario('ignored.json', { corpus: 'workloads/cranfield', expansion: { policy: 'both' }, cluster: { mode: 'disk', cacheBytes: 1e6 } });
    const r = cli('run', p, '--json', '-');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      `searchsim: warning: ${p}: service.kind "exponential" ignores corpus, expansion, cluster.mode "disk", cluster.cacheBytes (a synthetic service time stands for the whole leaf request)\n`,
    );
  });
});

describe('corpus encoding', () => {
  const latin1 = () => {
    const p = join(dir, 'latin1.jsonl');
    writeFileSync(p, Buffer.concat([Buffer.from('{"id":"a","text":"wing flow"}\n{"id":"b","text":"caf'), Buffer.from([0xe9]), Buffer.from(' au lait"}\n')]));
    return p;
  };
  it('names the first file:line that is not UTF-8 instead of splitting words at U+FFFD', () => {
    expectUserError(
      ['query', latin1(), 'café'],
      /^searchsim: .*latin1\.jsonl:2: expected UTF-8 text, got the byte 0xe9 at byte 22 of the line \(a Latin-1 file\? read it with --encoding latin1, or corpus\.encoding "latin1" in a scenario; utf8-lossy keeps such bytes as U\+FFFD\)$/,
    );
  });
  it('reads Latin-1 with --encoding latin1, and accepts bad bytes as U+FFFD with --encoding utf8-lossy', () => {
    const r = cli('query', latin1(), 'café', '--encoding', 'latin1', '--json', '-');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).hits.map((h: { id: string }) => h.id)).toEqual(['b']);
    const lossy = cli('query', latin1(), 'lait', '--encoding', 'utf8-lossy', '--json', '-');
    expect(lossy.code, lossy.stderr).toBe(0);
    expect(JSON.parse(lossy.stdout).hits.map((h: { id: string }) => h.id)).toEqual(['b']);
  });
  it('takes corpus.encoding in a scenario', () => {
    const scenario = (encoding?: string) =>
      file(`enc-${encoding ?? 'none'}.json`, JSON.stringify({ corpus: { path: latin1(), ...(encoding ? { encoding } : {}) }, workload: { arrival: { kind: 'poisson', qps: 10 }, queries: 20 }, cluster: {} }));
    expectUserError(['run', scenario()], /^searchsim: .*latin1\.jsonl:2: expected UTF-8 text, got the byte 0xe9/);
    const r = cli('run', scenario('latin1'), '--json', '-');
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('runs that never end: the work budget and progress', () => {
  it('refuses work far past the budget before starting, saying the estimate and how to go on', () => {
    expectUserError(
      ['run', 'scenarios/mm1.json', '--queries', '1000000000000'],
      /^searchsim: this would take about 1\.0e\+12 leaf requests \(1,000,000,000,000 queries x 1 shard\), past the budget of 100,000,000 \(minutes to an hour on a 2-core machine\); lower --queries or cluster\.shards, or add --force to run it anyway$/,
    );
    const widest = file('widest.json', JSON.stringify({ workload: { arrival: { kind: 'poisson', qps: 100 } }, cluster: { shards: 100_000, replicas: 10 }, service: { kind: 'exponential', meanMs: 5 } }));
    expectUserError(['run', widest], /^searchsim: this would take about 1\.0e\+9 leaf requests \(10,000 queries x 100,000 shards\)/);
    expectUserError(['query', 'workloads/cranfield', 'wing', '--shards', '1000000'], /^searchsim: this would take about 1\.0e\+9 leaf requests \(1 query x 1,000,000 shards, 1,000,000 real shards built\), .*; use fewer --shards, or add --force to run it anyway$/);
    expectUserError(['compare', 'scenarios/mm1.json', widest], /^searchsim: this would take about 2\.0e\+10 leaf requests \(2 runs, the first 200,000 queries x 1 shard\)/);
  });
  it('takes --force on every verb that runs work', () => {
    const r = cli('run', 'scenarios/mm1.json', '--queries', '11000', '--force', '--json', '-');
    expect(r.code, r.stderr).toBe(0);
    for (const verb of ['run', 'compare', 'query', 'eval']) expect(cli(verb, '--help').stdout).toMatch(/--force\s+run even past the work budget \(1e\+8 leaf requests/);
  });
  it('prints progress lines on stderr when it is not a terminal, every few seconds (SEARCHSIM_PROGRESS_S)', () => {
    const r = cliWith({ env: { SEARCHSIM_PROGRESS_S: '0.3' } }, 'run', 'scenarios/mm1.json', '--queries', '800000', '--json', '-');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^searchsim: simulating: [\d,]+ of 800,000 queries \(\d+\.\d %\), \d+ s elapsed, about \d+ s left\n/);
    expect(JSON.parse(r.stdout).queries.total).toBe(800_000);
    const q = cliWith({ env: { SEARCHSIM_PROGRESS_S: '0.2' } }, 'query', 'workloads/cranfield', 'wing', '--shards', '300', '--json', '-');
    expect(q.code, q.stderr).toBe(0);
    expect(q.stderr).toMatch(/^searchsim: indexing workloads\/cranfield into 300 shards: \d+ s elapsed\n/);
  });
});
