import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { tempFiles } from '../helpers/files.ts';

const { dir, file } = tempFiles('run');

describe('searchsim run', () => {
  it('prints a summary table and writes the documented JSON', () => {
    const out = join(dir, 'mm1.json');
    const r = cli('run', 'scenarios/mm1.json', '--queries', '20000', '--json', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/latency mean \/ p50 \/ p90 \/ p99 \/ p99\.9 \/ max/);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    for (const k of ['latencyMs', 'serviceMs']) expect(Object.keys(j[k]).sort()).toEqual(['count', 'max', 'mean', 'p50', 'p90', 'p99', 'p999']);
    expect(j.machines).toBe(1);
    expect(j.throughputQps).toBeGreaterThan(70);
    expect(Object.keys(j.perQuery)).toEqual(['seeks', 'bytesRead', 'postingsDecoded', 'energyJ']);
    expect(j.utilisation.cpu.mean).toBeGreaterThan(0.7);
    expect(j).toHaveProperty('shardImbalance');
  });

  it('gives byte-identical JSON twice and different JSON with another seed', () => {
    const a = cli('run', 'scenarios/mm1.json', '--queries', '15000', '--json', '-');
    const b = cli('run', 'scenarios/mm1.json', '--queries', '15000', '--json', '-');
    const c = cli('run', 'scenarios/mm1.json', '--queries', '15000', '--json', '-', '--seed', '8');
    expect(a.stdout).toBe(b.stdout);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it('rejects a bad scenario value naming the JSON path, with exit code 2', () => {
    const p = file('bad.json', JSON.stringify({ workload: { arrival: { kind: 'poisson', qps: 'fast' } }, cluster: {}, service: { kind: 'exponential', meanMs: 1 } }));
    const r = cli('run', p);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: workload\.arrival\.qps: Invalid input: expected number, received string, got "fast"/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the file and line of an unparseable trace line, or counts it with --skip-invalid', () => {
    const trace = file('t.jsonl', '{"q":"wing"}\n{"q":\n{"q":"flow"}\n');
    const s = file('s.json', JSON.stringify({ corpus: `${process.cwd()}/workloads/cranfield`, workload: { trace, arrival: { kind: 'fixed', qps: 1 }, queries: 4 }, cluster: {} }));
    const bad = cli('run', s);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/t\.jsonl:2: expected a JSON object per line/);
    const ok = cli('run', s, '--skip-invalid', '--json', '-');
    expect(ok.code, ok.stderr).toBe(0);
    // Four queries from a two-query trace read it twice; its one bad line is reported once.
    expect(JSON.parse(ok.stdout).workload.skippedLines).toBe(1);
  });

  it('rejects --qps for a closed-loop scenario', () => {
    const p = file('closed.json', JSON.stringify({ workload: { arrival: { kind: 'closed', clients: 2, thinkMs: 1 } }, cluster: {}, service: { kind: 'deterministic', ms: 1 } }));
    const r = cli('run', p, '--qps', '5');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--qps must be used with arrival kinds fixed, poisson or diurnal \(this scenario's is closed\)/);
  });

  it('rejects an out-of-range --qps or a --queries that leaves no measured query, naming the option', () => {
    for (const qps of ['0', '-1', '1e-9']) {
      const r = cli('run', 'scenarios/mm1.json', '--qps', qps);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(`searchsim: --qps must be a rate from 0.000001 to 10000000 queries per second, got ${Number(qps)}`);
    }
    const r = cli('run', 'scenarios/mm1.json', '--queries', '5000');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("searchsim: --queries must be more than the scenario's workload.warmupQueries (10000), got 5000");
  });

  it('names the scenario and workload.trace when the trace file is missing or is a directory', () => {
    const scenario = (trace: string) =>
      file('with-trace.json', JSON.stringify({ workload: { trace, arrival: { kind: 'poisson', qps: 10 }, queries: 10 }, cluster: {}, service: { kind: 'deterministic', ms: 1 } }));
    const missing = cli('run', scenario('nope.jsonl'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^searchsim: .*with-trace\.json: workload\.trace: .*nope\.jsonl: no such trace file\n$/);
    const folder = cli('run', scenario('.'));
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/^searchsim: .*with-trace\.json: workload\.trace: .*: expected a trace file, got a directory\n$/);
  });

  it('a missing scenario file', () => {
    const r = cli('run', join(dir, 'nope.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.json: no such scenario file/);
  });
});
