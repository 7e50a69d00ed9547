import { Rng, errors } from '../core/index.ts';
import { openArrivals, type ArrivalSpec } from './arrivals.ts';
import { readTrace, TRACE_FORMAT_SHAPES, type TraceFormat, type TraceOptions, type TraceQuery } from './trace.ts';

/** A query of the workload, with the trace's time for it when there is one, and where it came from. */
export interface SourcedQuery {
  q: string;
  tS?: number;
  where: string;
}

/**
 * Streams `total` queries from a trace file, starting over at its end as often as needed (a cycled
 * trace keeps its rhythm: each pass is shifted by the trace's span plus one mean gap). Memory stays
 * bounded whatever the trace length.
 */
export function cycleTrace(path: string, total: number, options: TraceOptions = {}): AsyncGenerator<SourcedQuery> {
  // Every pass re-reads the file and skips the same bad lines: report each once, on the first pass.
  return cycle(path, total, (pass) => readTrace(path, pass === 0 ? options : { ...options, onSkip: undefined, onFormat: undefined }));
}

/** `total` queries from passes over one trace, each pass shifted by the span before it plus a mean gap. */
async function* cycle(path: string, total: number, pass: (n: number) => AsyncIterable<TraceQuery> | Iterable<TraceQuery>): AsyncGenerator<SourcedQuery> {
  let produced = 0;
  let offsetS = 0;
  for (let p = 0; produced < total; p++) {
    let first: number | undefined;
    let last: number | undefined;
    let n = 0;
    for await (const t of pass(p)) {
      if (produced >= total) return;
      n++;
      if (t.tS !== undefined) {
        first ??= t.tS;
        last = t.tS;
      }
      produced++;
      yield { q: t.q, tS: t.tS === undefined ? undefined : t.tS + offsetS, where: `${path}:${t.line}` };
    }
    if (n === 0) throw errors.input({ file: path }, 'at least one query in the trace', 'none');
    if (first !== undefined && last !== undefined) offsetS += cycleShiftS(first, last, n);
  }
}

/** How far a cycled trace's next pass is shifted: its span plus one mean gap (1 s for a single query). */
function cycleShiftS(firstS: number, lastS: number, queries: number): number {
  const span = lastS - firstS;
  return span + (queries > 1 ? span / (queries - 1) : 1);
}

/** What reading a trace found: the trace load report (how it was read, what was skipped, its pace). */
export interface TraceLoad {
  path: string;
  format: TraceFormat;
  /** How that format reads a line. */
  formatShape: string;
  /** True when the format was guessed (no workload.traceFormat). */
  formatGuessed: boolean;
  /** Lines read (to the end of the file, or to the last query the run needs). */
  linesRead: number;
  /** Queries read in one pass. */
  queries: number;
  /** True when the whole file was read; else it holds more queries than the run uses. */
  wholeFile: boolean;
  skippedLines: number;
  firstSkip: { line: number; reason: string } | null;
  /** Queries that carry a time. */
  timedQueries: number;
  /** First and last trace time (seconds) of the queries read, when they carry times. */
  firstS: number | null;
  lastS: number | null;
  /** Mean queries a second over the span (null without times or span). */
  meanQps: number | null;
  /** Passes over the trace the run makes (a short trace is cycled). */
  passes: number;
  /** Seconds of trace time the run spans, cycles included (null without times). */
  runSpanS: number | null;
  /** Whether the run uses the trace's times (arrival kind "trace"). */
  timesUsed: boolean;
  /** Plausibility warnings: times that look like milliseconds, a rate far from any real load. */
  warnings: string[];
}

/** Traces up to this many queries and characters of text are cycled from memory, not re-read. */
export const IN_MEMORY_TRACE = { queries: 1_000_000, chars: 32 * 2 ** 20 } as const;

/** A trace read once: what was found, and the run's queries as often as runs need them. */
export interface LoadedTrace {
  load: TraceLoad;
  /** A fresh stream of the run's queries, cycled as needed. */
  source(): AsyncGenerator<SourcedQuery>;
}

/**
 * Reads a trace once, as far as a run of `needed` queries reads it, and reports what it found; then
 * gives the run's query source: cycled from memory when the trace is small enough (a short trace
 * cycled thousands of times is not reopened thousands of times), else streamed again from the file.
 * With arrival kind "trace", every query must carry a time, in order: said here, before any work.
 */
export async function loadTrace(path: string, needed: number, arrival: ArrivalSpec, options: TraceOptions = {}): Promise<LoadedTrace> {
  let format: TraceFormat = 'tsv';
  let formatGuessed = false;
  let skippedLines = 0;
  let firstSkip: TraceLoad['firstSkip'] = null;
  let linesRead = 0;
  const kept: TraceQuery[] = [];
  let keep = true;
  let chars = 0;
  let queries = 0;
  let timed = 0;
  let firstS: number | null = null;
  let lastS: number | null = null;
  const timesUsed = arrival.kind === 'trace';
  const timeCheck = timesUsed ? openArrivals(arrival, new Rng(0)) : null;
  const scan = readTrace(path, {
    ...options,
    onFormat: (f, guessed) => {
      format = f;
      formatGuessed = guessed;
      options.onFormat?.(f, guessed);
    },
    onSkip: (line, reason) => {
      skippedLines++;
      firstSkip ??= { line, reason };
      linesRead = Math.max(linesRead, line);
      options.onSkip?.(line, reason);
    },
  });
  let wholeFile = true;
  for await (const t of scan) {
    if (queries >= needed) {
      wholeFile = false;
      break;
    }
    queries++;
    linesRead = Math.max(linesRead, t.line);
    if (t.tS !== undefined) {
      timed++;
      firstS ??= t.tS;
      lastS = t.tS;
    } else if (timeCheck) throw untimed(path, t.line, format);
    timeCheck?.next(t.tS, `${path}:${t.line}`);
    if (keep) {
      chars += t.q.length;
      if (queries > IN_MEMORY_TRACE.queries || chars > IN_MEMORY_TRACE.chars) {
        keep = false;
        kept.length = 0;
      } else kept.push(t);
    }
  }
  if (queries === 0) throw errors.input({ file: path }, 'at least one query in the trace', skippedLines > 0 ? `none (${skippedLines} lines skipped)` : 'none');
  const passes = Math.ceil(needed / queries);
  let runSpanS: number | null = null;
  if (firstS !== null && lastS !== null) {
    runSpanS = passes === 1 ? lastS - firstS : (passes - 1) * cycleShiftS(firstS, lastS, queries) + (lastS - firstS);
  }
  const spanS = firstS !== null && lastS !== null ? lastS - firstS : null;
  const meanQps = spanS !== null && spanS > 0 && timed > 1 ? (timed - 1) / spanS : null;
  const load: TraceLoad = {
    path,
    format,
    formatShape: TRACE_FORMAT_SHAPES[format],
    formatGuessed,
    linesRead,
    queries,
    wholeFile,
    skippedLines,
    firstSkip,
    timedQueries: timed,
    firstS,
    lastS,
    meanQps,
    passes,
    runSpanS,
    timesUsed,
    warnings: timesUsed ? timeWarnings(firstS, spanS, timed, meanQps) : [],
  };
  const streamed = { ...options, format, onSkip: undefined, onFormat: undefined };
  return { load, source: () => (keep ? cycle(path, needed, () => kept) : cycleTrace(path, needed, streamed)) };
}

function untimed(path: string, line: number, format: TraceFormat): Error {
  const why = format === 'id:text' || format === 'id:prio:text' || format === 'qid-tsv' ? `, and this file is read as ${TRACE_FORMAT_SHAPES[format]}` : '';
  return errors.input({ file: `${path}:${line}` }, `a time on every query for arrival kind "trace"${why} (or choose fixed, poisson or diurnal arrivals)`);
}

/** Queries a second below which a trace replayed at its own times offers next to no load: one an hour. */
const SLOW_QPS = 1 / 3600;
/** Above this a trace's mean rate is beyond any real service (the scenario schema's top rate). */
const FAST_QPS = 1e7;

/** Warnings about a trace's times when the run replays them: milliseconds read as seconds, implausible rates. */
function timeWarnings(firstS: number | null, spanS: number | null, timed: number, meanQps: number | null): string[] {
  const out: string[] = [];
  if (firstS === null || spanS === null) return out;
  // Epoch seconds of 2001-2033 are about 1e9; the same instants in milliseconds are about 1e12.
  if (Math.abs(firstS) >= 1e11 && Math.abs(firstS) < 1e14) {
    out.push(`the times look like milliseconds, not seconds (the first is ${firstS}, ${new Date(firstS).toISOString().slice(0, 10)} if read as ms since 1970): divide them by 1000 or write ISO times`);
  } else if (Math.abs(firstS) >= 1e14) {
    out.push(`the times look like microseconds or nanoseconds, not seconds (the first is ${firstS}): convert them to seconds or write ISO times`);
  }
  if (meanQps !== null && meanQps < SLOW_QPS) {
    out.push(`the mean rate is ${formatRate(meanQps)} queries/s (${timed} queries over ${formatSpan(spanS)}), next to no load: set workload.arrival.speedup or choose fixed, poisson or diurnal arrivals`);
  } else if (meanQps !== null && meanQps > FAST_QPS) {
    out.push(`the mean rate is ${formatRate(meanQps)} queries/s, beyond any real service: are the times in seconds?`);
  } else if (timed > 1 && spanS === 0) {
    out.push(`all ${timed} queries carry the same time: they arrive at one instant`);
  }
  return out;
}

/** A rate for a person: three digits, or an exponent below 0.001 (0.00000325 reads as 3.3e-6). */
export function formatRate(qps: number): string {
  return Math.abs(qps) < 1e-3 ? qps.toExponential(1) : qps.toPrecision(3);
}

/** A span of seconds for a person: s, min, h, days or years. */
export function formatSpan(s: number): string {
  const a = Math.abs(s);
  if (a < 120) return `${s.toPrecision(3)} s`;
  if (a < 7200) return `${(s / 60).toFixed(1)} min`;
  if (a < 172_800) return `${(s / 3600).toFixed(1)} h`;
  if (a < 2 * 31_557_600) return `${(s / 86_400).toFixed(1)} days`;
  const years = s / 31_557_600;
  return Math.abs(years) < 1000 ? `${years.toPrecision(3)} years` : `${Math.round(years).toLocaleString('en-US')} years`;
}

/** Queries without text, for synthetic service models that need none. */
export async function* blankQueries(total: number): AsyncGenerator<SourcedQuery> {
  for (let i = 0; i < total; i++) yield { q: '', where: 'synthetic workload' };
}
