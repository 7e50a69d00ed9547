/**
 * Index build and query throughput of searchsim's engine beside MiniSearch and FlexSearch, on equal terms:
 * the same tokens for every engine, each engine in a fresh process per round with the order rotated, more
 * than one corpus, and the top 10s checked beside the speed.
 *
 *   npm run bench:engine [-- --rounds 5 --queries 2000 --corpora gcide,cacm,cranfield --analysis none,smart]
 *
 * Options (defaults in brackets):
 * - `--rounds N` [5]: rounds; in round r the engines run in the default order rotated by r.
 * - `--queries N` [2000]: timed evaluations per run: the first N TREC queries on GCIDE; all of a test
 *   collection's queries, in as many passes as reach N, on CACM and Cranfield.
 * - `--corpora` [gcide,cacm,cranfield]: GCIDE is read from ../shared/data/gcide and skipped, with a
 *   message, when absent; CACM and Cranfield ship in workloads/.
 * - `--analysis` [none,smart]: `none` (the headline: every engine the same tokens, no stop words, no
 *   stemming, as the peers index by default), `smart` (every engine searchsim's defaults, SMART stop
 *   words and plural stripping), `own` (each engine its own defaults: the old benchmark's unequal
 *   condition).
 * - `--engines` [searchsim,minisearch,flexsearch,flexsearch-and].
 * - `--check N` [200]: the first N queries whose top 10s are compared with the plain BM25 reference
 *   (benchmarks/engines.ts) and with MiniSearch.
 * - `--json PATH`: also write every run's record (EngineRun, without the top 10s) there.
 *
 * - `--blocks N` [20]: slices the timed evaluations are cut into (below).
 *
 * A round, for each corpus and analysis: one fresh process per engine (benchmarks/engine-run.ts), started
 * and built one after the other while the others wait idle; then the timed evaluations in `--blocks`
 * slices, each engine's slice in turn (the turn order rotated from slice to slice), so that every engine
 * is timed across the same stretch of the round and sees the same load when the machine is shared; then
 * each answers the first `--check` queries and exits. Ratios are searchsim's queries per second over the
 * peer's in the same round, reported as the median and the min-max over rounds; by wall time and by the
 * CPU time of each process over its timed slices.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Command, Reply } from './engine-run.ts';
import {
  ANALYSES,
  ANALYSIS_NAMES,
  CORPORA,
  CORPUS_NAMES,
  ENGINE_LABELS,
  ENGINE_NAMES,
  TIMED_ENGINES,
  corpusAvailable,
  topOverlap,
  type AnalysisName,
  type CorpusName,
  type EngineName,
} from './engines.ts';

const args = process.argv.slice(2);
const arg = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
};
function listArg<T extends string>(name: string, def: readonly T[], allowed: readonly T[]): T[] {
  const v = arg(name, def.join(',')).split(',');
  for (const x of v) {
    if (!(allowed as readonly string[]).includes(x)) {
      console.error(`--${name}: ${x} is not one of ${allowed.join(', ')}`);
      process.exit(2);
    }
  }
  return v as T[];
}
function countArg(name: string, def: number, min: number): number {
  const v = Number(arg(name, String(def)));
  if (!Number.isInteger(v) || v < min) {
    console.error(`--${name} must be an integer >= ${min}`);
    process.exit(2);
  }
  return v;
}

const rounds = countArg('rounds', 5, 1);
const queries = countArg('queries', 2000, 1);
const check = countArg('check', 200, 1);
const analyses = listArg('analysis', ['none', 'smart'], ANALYSIS_NAMES);
const engines = listArg('engines', TIMED_ENGINES, ENGINE_NAMES).filter((e) => e !== 'reference');
const corpora = listArg('corpora', CORPUS_NAMES, CORPUS_NAMES).filter((c) => {
  if (corpusAvailable(CORPORA[c])) return true;
  console.log(`${CORPORA[c].label} skipped: ${CORPORA[c].docs} not found`);
  return false;
});
const blocks = countArg('blocks', 20, 1);
const jsonPath = arg('json', '');
const child = fileURLToPath(new URL('./engine-run.ts', import.meta.url));

/** One engine's fresh process, driven one JSON line at a time. */
class EngineProcess {
  private readonly proc: ChildProcess;
  private readonly lines: string[] = [];
  private waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void } | null = null;
  private exit: string | null = null;

  constructor(
    readonly engine: EngineName,
    readonly corpus: CorpusName,
    readonly analysis: AnalysisName,
    evaluations: number,
  ) {
    this.proc = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', child, '--engine', engine, '--corpus', corpus, '--analysis', analysis, '--queries', String(evaluations), '--check', String(check)],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    createInterface({ input: this.proc.stdout! }).on('line', (l) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w.resolve(JSON.parse(l) as Reply);
      } else this.lines.push(l);
    });
    this.proc.on('exit', (code, signal) => {
      this.exit = `${engine} on ${corpus} (${analysis}) exited with ${code ?? signal}`;
      if (this.waiting) this.waiting.reject(new Error(this.exit));
    });
  }

  /** The next reply (the first is `ready`). */
  next<K extends Reply['kind']>(kind: K): Promise<Extract<Reply, { kind: K }>> {
    const check = (r: Reply) => {
      if (r.kind !== kind) throw new Error(`${this.engine}: expected ${kind}, got ${r.kind}`);
      return r as Extract<Reply, { kind: K }>;
    };
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(check(JSON.parse(l) as Reply));
    if (this.exit) return Promise.reject(new Error(this.exit));
    return new Promise<Reply>((resolve, reject) => (this.waiting = { resolve, reject })).then(check);
  }

  send<K extends Reply['kind']>(c: Command, kind: K): Promise<Extract<Reply, { kind: K }>> {
    this.proc.stdin!.write(JSON.stringify(c) + '\n');
    return this.next(kind);
  }
}

/** One engine's run in one round: its build and its timed slices summed. */
interface EngineRun {
  engine: EngineName;
  corpus: CorpusName;
  analysis: AnalysisName;
  round: number;
  docs: number;
  buildMs: number;
  buildCpuMs: number;
  heapBytes: number;
  evaluations: number;
  queryMs: number;
  queryCpuMs: number;
  hits: number;
  /** Load average at the end of each slice. */
  loads: number[];
  top: string[][];
  topDigest: string;
}

/**
 * One round of one corpus and analysis: the engines built one after the other in fresh processes, then
 * timed in interleaved slices; returns their runs in `list` order.
 */
async function runRound(list: readonly EngineName[], order: readonly EngineName[], corpus: CorpusName, analysis: AnalysisName, round: number, evaluations: number): Promise<EngineRun[]> {
  const procs = new Map<EngineName, EngineProcess>();
  const runs = new Map<EngineName, EngineRun>();
  for (const e of order) {
    const p = new EngineProcess(e, corpus, analysis, evaluations);
    const { kind: _ready, ...built } = await p.next('ready');
    procs.set(e, p);
    runs.set(e, { engine: e, corpus, analysis, round, ...built, queryMs: 0, queryCpuMs: 0, hits: 0, loads: [], top: [], topDigest: '' });
  }
  const total = runs.get(order[0])!.evaluations;
  const size = Math.ceil(total / blocks);
  for (let b = 0, from = 0; from < total; b++, from += size) {
    for (let i = 0; i < order.length; i++) {
      const e = order[(i + b) % order.length];
      const t = await procs.get(e)!.send({ cmd: 'time', from, to: Math.min(total, from + size) }, 'timed');
      const r = runs.get(e)!;
      r.queryMs += t.wallMs;
      r.queryCpuMs += t.cpuMs;
      r.hits += t.hits;
      r.loads.push(t.load);
    }
  }
  for (const e of order) {
    const { top, topDigest } = await procs.get(e)!.send({ cmd: 'top' }, 'top');
    Object.assign(runs.get(e)!, { top, topDigest });
  }
  return list.map((e) => runs.get(e)!);
}

/** The reference's answers (it is not timed). */
async function referenceTop(corpus: CorpusName, analysis: AnalysisName): Promise<string[][]> {
  const p = new EngineProcess('reference', corpus, analysis, 0);
  await p.next('ready');
  return (await p.send({ cmd: 'top' }, 'top')).top;
}

const qps = (r: EngineRun) => r.evaluations / (r.queryMs / 1000);
const cpuQps = (r: EngineRun) => r.evaluations / (r.queryCpuMs / 1000);
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const times = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const spread = (xs: readonly number[], f: (x: number) => string) => `${f(median(xs))} (${f(Math.min(...xs))}-${f(Math.max(...xs))})`;
const key = (c: CorpusName, a: AnalysisName) => `${c}/${a}`;

async function main(): Promise<void> {
  console.log(`engines: ${engines.join(', ')}; corpora: ${corpora.join(', ')}; analyses: ${analyses.join(', ')}`);
  console.log(`${rounds} rounds, each engine in a fresh process, order rotated; ${queries} timed evaluations a run`);
  console.log(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${new Date().toISOString()}\n`);

  const reference = new Map<string, string[][]>();
  for (const c of corpora) {
    for (const a of analyses) {
      reference.set(key(c, a), await referenceTop(c, a));
      console.error(`reference answers: ${c} / ${a}`);
    }
  }

  const runs = new Map<string, EngineRun[][]>(); // key -> round -> runs in engine order
  for (let r = 0; r < rounds; r++) {
    const order = engines.map((_, i) => engines[(i + r) % engines.length]);
    for (const c of corpora) {
      for (const a of analyses) {
        const k = key(c, a);
        const round = await runRound(engines, order, c, a, r, queries);
        for (const x of round) {
          console.error(`round ${r + 1}/${rounds} ${c} / ${a} ${x.engine}: ${int(qps(x))} q/s, build ${(x.buildMs / 1000).toFixed(1)} s, load ${median(x.loads).toFixed(1)}`);
        }
        if (!runs.has(k)) runs.set(k, []);
        runs.get(k)!.push(round);
      }
    }
  }

  if (jsonPath) {
    const plain = [...runs.values()].flat(2).map(({ top: _top, ...rest }) => rest);
    writeFileSync(jsonPath, JSON.stringify(plain, null, 1) + '\n');
  }

  const headline: string[] = [];
  for (const c of corpora) {
    for (const a of analyses) {
      const byRound = runs.get(key(c, a))!;
      const first = byRound[0];
      const spec = CORPORA[c];
      const evaluations = first[0].evaluations;
      console.log(`### ${spec.label}, analysis \`${a}\`: ${ANALYSES[a].label}\n`);
      console.log(
        `${int(first[0].docs)} documents; ${spec.queriesLabel}, ${int(evaluations)} timed evaluations a run; ${rounds} rounds; load average ${spread(
          byRound.flat().flatMap((x) => x.loads),
          (x) => x.toFixed(1),
        )}\n`,
      );
      const us = engines.indexOf('searchsim');
      console.log('| engine | build docs/s | heap MB | queries/s | searchsim / engine, same round | same, by CPU time |');
      console.log('|---|---:|---:|---:|---:|---:|');
      engines.forEach((e, i) => {
        const xs = byRound.map((round) => round[i]);
        const ratio = us >= 0 && e !== 'searchsim' ? spread(byRound.map((round) => qps(round[us]) / qps(round[i])), (x) => `${times(x)}x`) : '';
        const cpuRatio = us >= 0 && e !== 'searchsim' ? spread(byRound.map((round) => cpuQps(round[us]) / cpuQps(round[i])), (x) => `${times(x)}x`) : '';
        console.log(
          `| ${ENGINE_LABELS[e]} | ${spread(
            xs.map((x) => x.docs / (x.buildMs / 1000)),
            int,
          )} | ${(median(xs.map((x) => x.heapBytes)) / 2 ** 20).toFixed(1)} | ${spread(xs.map(qps), int)} | ${ratio} | ${cpuRatio} |`,
        );
        if (ratio && (e === 'flexsearch' || e === 'minisearch')) headline.push(`- ${spec.label}, \`${a}\`: searchsim ${ratio} ${e === 'flexsearch' ? 'FlexSearch (any term)' : 'MiniSearch'}`);
      });

      const ref = reference.get(key(c, a))!;
      const mini = engines.indexOf('minisearch');
      console.log(`\nTop 10 of the first ${ref.length} queries (share of the other list's top 10 also returned; queries where it is empty left out):\n`);
      console.log('| engine | overlap with plain BM25 | identical to BM25, queries | overlap with MiniSearch | same answers every round |');
      console.log('|---|---:|---:|---:|---|');
      engines.forEach((e, i) => {
        const ours = first[i].top;
        const o = topOverlap(ours, ref);
        const m = mini >= 0 && e !== 'minisearch' ? topOverlap(ours, first[mini].top) : null;
        const same = byRound.every((round) => round[i].topDigest === first[i].topDigest);
        console.log(
          `| ${ENGINE_LABELS[e]} | ${o.overlap.toFixed(3)} (${o.queries} queries) | ${o.identical} of ${o.queries} | ${m ? `${m.overlap.toFixed(3)} (${m.queries})` : ''} | ${same ? 'yes' : 'NO'} |`,
        );
      });
      console.log('');
    }
  }
  console.log('Same-round query throughput, searchsim / peer, median (min-max), wall time:');
  for (const h of headline) console.log(h);
}

await main();
