/**
 * One engine, one corpus, one analysis, in this fresh process: the unit benchmarks/engine-vs-peers.ts
 * runs once per round. Prints one JSON line (`EngineRun`) on stdout.
 *
 *   node --expose-gc --import tsx benchmarks/engine-run.ts --engine searchsim --corpus cacm --analysis none [--queries 2000] [--check 200]
 *
 * Steps: read the corpus and the queries (untimed); build (timed); heap retained by the index (V8 heap
 * plus ArrayBuffer bytes after forced gc, so typed arrays count); warm-up queries; the timed queries;
 * then, untimed, the top 10 ids of the first `--check` queries, for the correctness comparison.
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { readCorpus, readQueries } from '../src/corpus/index.ts';
import { ANALYSIS_NAMES, CORPORA, CORPUS_NAMES, ENGINE_NAMES, buildEngine, type AnalysisName, type BenchDoc, type CorpusName, type EngineName } from './engines.ts';

/** What one run reports: plain data, read by the parent process. */
export interface EngineRun {
  engine: EngineName;
  corpus: CorpusName;
  analysis: AnalysisName;
  docs: number;
  buildMs: number;
  heapBytes: number;
  /** Timed evaluations: the timed queries times the passes over them. */
  evaluations: number;
  queryMs: number;
  /** CPU time of this process (user + system, all its threads) over the timed evaluations. */
  queryCpuMs: number;
  /** The machine's 1-minute load average when the timed evaluations ended (os.loadavg). */
  load: number;
  /** Results returned over the timed evaluations (at most 10 each). */
  hits: number;
  /** The top 10 ids of each of the first `--check` queries. */
  top: string[][];
  /** A digest of `top`, to see that every round answered the same. */
  topDigest: string;
}

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

async function main(): Promise<EngineRun> {
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
  const { engine, buildMs } = await buildEngine(engineName, analysis, docs);
  const heapBytes = retained() - before;

  if (evaluations > 0) for (const q of warm) engine.count(q);
  let hits = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let p = 0; p < passes; p++) for (const q of timed) hits += engine.count(q);
  const queryMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);

  const top = all.slice(0, check).map((q) => engine.top(q));
  const topDigest = createHash('sha256').update(JSON.stringify(top)).digest('hex').slice(0, 16);
  return {
    engine: engineName,
    corpus: corpus.name,
    analysis,
    docs: docs.length,
    buildMs,
    heapBytes,
    evaluations: timed.length * passes,
    queryMs,
    queryCpuMs: (cpu.user + cpu.system) / 1000,
    load: loadavg()[0],
    hits,
    top,
    topDigest,
  };
}

process.stdout.write(JSON.stringify(await main()) + '\n');
