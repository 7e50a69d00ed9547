import { errors, preview } from '../core/index.ts';
import { parseJsonObject, readLines, shown } from '../corpus/index.ts';

/** One query of a trace: its text and, where the trace has one, when it was issued (seconds). */
export interface TraceQuery {
  q: string;
  tS?: number;
  line: number;
}

export type TraceFormat = 'jsonl' | 'tsv' | 'aol';
export const TRACE_FORMATS: readonly TraceFormat[] = ['jsonl', 'tsv', 'aol'];

export interface TraceOptions {
  format?: TraceFormat;
  /** Count and skip unparseable lines instead of failing on the first. */
  skipInvalid?: boolean;
  /** Called once per skipped line. */
  onSkip?: (line: number, reason: string) => void;
}

/** A time in seconds: a number of seconds, or an ISO-8601 (or "YYYY-MM-DD HH:MM:SS", UTC) date. */
export function parseTimeS(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const s = v.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  const iso = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(s) ? `${s.replace(' ', 'T')}Z` : s;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

export function guessTraceFormat(path: string): TraceFormat {
  if (/\.jsonl?$/i.test(path)) return 'jsonl';
  if (/aol|user-ct-test-collection/i.test(path)) return 'aol';
  return 'tsv';
}

/**
 * Streams a query trace: JSONL (`{"t","q"}`; `text` and `time` are accepted too, as in queries.jsonl),
 * TSV (`time<TAB>query`, or a bare query per line), or the AOL log (AnonID, Query, QueryTime, ItemRank,
 * ClickURL; the repeated rows of one search's clicks count once).
 */
export async function* readTrace(path: string, options: TraceOptions = {}): AsyncGenerator<TraceQuery> {
  const format = options.format ?? guessTraceFormat(path);
  let lastAol = '';
  for await (const { line, text } of readLines(path, 'trace file')) {
    if (text.trim() === '') continue;
    try {
      const q = parse(format, text, path, line);
      if (q === null) continue;
      if (format === 'aol') {
        const key = `${q.key}\u0000${q.q}\u0000${q.tS}`;
        if (key === lastAol) continue;
        lastAol = key;
      }
      yield { q: q.q, tS: q.tS, line };
    } catch (e) {
      if (!options.skipInvalid || (e as { code?: string }).code !== 'E_INPUT') throw e;
      options.onSkip?.(line, (e as Error).message);
    }
  }
}

function parse(format: TraceFormat, text: string, file: string, line: number): { q: string; tS?: number; key?: string } | null {
  if (format === 'jsonl') {
    const o = parseJsonObject(text, file, line, '{"t","q"}');
    const q = o.q ?? o.text ?? o.query;
    if (typeof q !== 'string') throw errors.input({ file, line, field: 'q' }, 'the query text as a string', shown(q));
    const rawT = o.t ?? o.time;
    if (rawT === undefined || rawT === null) return { q };
    const tS = parseTimeS(rawT);
    if (tS === undefined) throw errors.input({ file, line, field: 't' }, 'seconds or an ISO-8601 time', preview(rawT));
    return { q, tS };
  }
  const f = text.split('\t');
  if (format === 'aol') {
    if (line === 1 && f[0] === 'AnonID') return null;
    if (f.length < 3) throw errors.input({ file, line }, 'AOL columns AnonID, Query, QueryTime[, ItemRank, ClickURL]', `${f.length} column${f.length === 1 ? '' : 's'}`);
    const tS = parseTimeS(f[2]);
    if (tS === undefined) throw errors.input({ file, line, field: 'QueryTime' }, 'a time like 2006-03-01 07:17:12', preview(f[2]));
    return { q: f[1], tS, key: f[0] };
  }
  if (f.length === 1) return { q: f[0] };
  const tS = parseTimeS(f[0]);
  if (tS === undefined) throw errors.input({ file, line, field: 'time' }, 'seconds or an ISO-8601 time in the first column', preview(f[0]));
  return { q: f.slice(1).join(' '), tS };
}
