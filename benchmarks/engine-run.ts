/**
 * One engine over one corpus with one analysis, alone in this fresh process; benchmarks/engine-vs-peers.ts
 * starts one per engine per round and drives it with one JSON message a line (`Command` on stdin, `Reply`
 * on stdout):
 *
 *   node --expose-gc --import tsx benchmarks/engine-run.ts --engine searchsim --corpus cacm --analysis none [--queries 2000] [--check 200]
 *
 * On start, untimed: read the corpus and the queries. Then the build (timed), the heap retained by the
 * index (V8 heap plus ArrayBuffer bytes after forced gc, so typed arrays count) and the warm-up queries;
 * then `ready`. Each `time` command runs a slice of the timed evaluations and says how long it took, so
 * the parent can interleave the engines' slices in time: on a shared machine they then see the same load.
 * `top` answers the first `--check` queries (untimed) and ends the process.
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { readCorpus, readQueries } from '../src/corpus/index.ts';
import { ANALYSIS_NAMES, CORPORA, CORPUS_NAMES, ENGINE_NAMES, buildEngine, type BenchDoc } from './engines.ts';

/** Parent to child. `time` runs evaluations [from, to) of the timed sequence (the timed queries, pass after pass). */
export type Command = { cmd: 'time'; from: number; to: number } | { cmd: 'top' };

/** Child to parent: one reply when ready, then one per command. */
export type Reply =
  | {
      kind: 'ready';
      docs: number;
      buildMs: number;
      /** CPU time of this process (user + system, all its threads) over the build. */
      buildCpuMs: number;
      heapBytes: number;
      /** Length of the timed sequence. */
      evaluations: number;
    }
  | {
      kind: 'timed';
      wallMs: number;
      /** CPU time over the slice and over the settling after it (`settle`). */
      cpuMs: number;
      /** The part of `cpuMs` used while settling: garbage collection the slice left behind. */
      settleCpuMs: number;
      /** Results returned (at most 10 a query). */
      hits: number;
      /** The machine's 1-minute load average when the slice ended (os.loadavg). */
      load: number;
    }
  | {
      kind: 'top';
      /** The top 10 ids of each of the first `--check` queries. */
      top: string[][];
      /** A digest of `top`, to see that every round answered the same. */
      topDigest: string;
    };

const args = process.argv.slice(2);
function arg(name: string, def?: string): string {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? args[i + 1] : def;
  if (v === undefined) throw new Error(`--${name} is required`);
  return v;
}
function oneOf<T extends string>(name: string, allowed: readonly T[]): T {
  const v = arg(name);
  if (!(allowed as readonly string[]).includes(v)) throw new Error(`--${name} must be one of ${allowed.join(', ')}, not ${v}`);
  return v as T;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
function retained(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
const cpuMsSince = (start: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
};
const reply = (r: Reply): void => void process.stdout.write(JSON.stringify(r) + '\n');

const engineName = oneOf('engine', ENGINE_NAMES);
const corpus = CORPORA[oneOf('corpus', CORPUS_NAMES)];
const analysis = oneOf('analysis', ANALYSIS_NAMES);
const evaluations = Number(arg('queries', '2000'));
const check = Number(arg('check', '200'));

const docs: BenchDoc[] = [];
for await (const { doc } of readCorpus(corpus.docs, { markup: corpus.markup })) {
  const title = doc.title ?? '';
  docs.push({ id: doc.id, title, text: doc.text, body: title ? `${title}\n${doc.text}` : doc.text });
}
const all = (await readQueries(corpus.queries)).map((q) => q.text);
const { timed, passes, warm } = corpus.pick(all, evaluations);

const before = retained();
const buildCpu = process.cpuUsage();
const { engine, buildMs } = await buildEngine(engineName, analysis, docs);
const buildCpuMs = cpuMsSince(buildCpu);
const heapBytes = retained() - before;
if (evaluations > 0) for (const q of warm) engine.count(q);
await settle();
reply({ kind: 'ready', docs: docs.length, buildMs, buildCpuMs, heapBytes, evaluations: timed.length * passes });

/**
 * Waits until this process is quiet: V8 goes on collecting garbage on its own threads and event loop for
 * up to seconds after a burst of queries (MiniSearch on GCIDE: about 1.5 s of CPU after a 1.5 s slice),
 * and that work must not run during the next engine's slice. Returns the CPU time spent meanwhile, which
 * is charged to this engine's slice.
 */
async function settle(): Promise<number> {
  const QUIET_CPU_MS = 5;
  const WINDOW_MS = 100;
  const start = process.cpuUsage();
  for (let i = 0; i < 100; i++) {
    const w = process.cpuUsage();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    if (cpuMsSince(w) < QUIET_CPU_MS) break;
  }
  return cpuMsSince(start);
}

/**
 * Untimed queries from the warm-up set for REWARM_MS before each slice: between slices the process sits
 * idle while the other engines run, and V8 lets an idle process's compiled code and caches go cold (a
 * slice after 20 s idle measured 30-50 % slower than one right after another); a server under steady
 * load does not pay that.
 */
const REWARM_MS = 100;
let rewarmAt = 0;
function rewarm(): void {
  if (evaluations === 0 || warm.length === 0) return;
  const t0 = performance.now();
  do engine.count(warm[rewarmAt++ % warm.length]);
  while (performance.now() - t0 < REWARM_MS);
}

for await (const line of createInterface({ input: process.stdin })) {
  const c = JSON.parse(line) as Command;
  if (c.cmd === 'time') {
    rewarm();
    let hits = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = c.from; i < c.to; i++) hits += engine.count(timed[i % timed.length]);
    const wallMs = performance.now() - t0;
    const settleCpuMs = await settle();
    reply({ kind: 'timed', wallMs, cpuMs: cpuMsSince(cpu0), settleCpuMs, hits, load: loadavg()[0] });
  } else {
    const top = all.slice(0, check).map((q) => engine.top(q));
    const r: Reply = { kind: 'top', top, topDigest: createHash('sha256').update(JSON.stringify(top)).digest('hex').slice(0, 16) };
    process.stdout.write(JSON.stringify(r) + '\n', () => process.exit(0));
  }
}
