import { basename } from 'node:path';
import { errors, preview } from '../core/index.ts';
import { parseJsonObject, readLines, shown } from '../corpus/index.ts';

/** One query of a trace: its text and, where the trace has one, when it was issued (seconds). */
export interface TraceQuery {
  q: string;
  tS?: number;
  line: number;
}

/**
 * How a trace's lines are laid out. Topic files carry an id (and a priority) before the text; those
 * columns are never searched: `20001:1:obama family tree` is the three words of its text.
 */
export type TraceFormat = 'jsonl' | 'tsv' | 'aol' | 'id:text' | 'id:prio:text' | 'qid-tsv';
export const TRACE_FORMATS: readonly TraceFormat[] = ['jsonl', 'tsv', 'aol', 'id:text', 'id:prio:text', 'qid-tsv'];

/** What each format reads, for the trace load report and messages. */
export const TRACE_FORMAT_SHAPES: Readonly<Record<TraceFormat, string>> = {
  jsonl: 'JSONL {"t","q"}',
  tsv: 'TSV: time<TAB>query, or a query a line',
  aol: 'the AOL log: AnonID, Query, QueryTime, ItemRank, ClickURL',
  'id:text': 'topics id:text (TREC efficiency topics; the id is not searched)',
  'id:prio:text': 'topics id:prio:text (TREC Million Query; id and priority are not searched)',
  'qid-tsv': 'qid<TAB>text (MS MARCO queries; the id is not searched, the queries carry no times)',
};

export interface TraceOptions {
  format?: TraceFormat;
  /** Told the format the lines are read in once it is known, and whether it was guessed. */
  onFormat?: (format: TraceFormat, guessed: boolean) => void;
  /** Count and skip unparseable lines instead of failing on the first. */
  skipInvalid?: boolean;
  /** Called once per skipped line. */
  onSkip?: (line: number, reason: string) => void;
}

/**
 * A time in seconds: a number of seconds, or a date. ISO-8601 dates and date-times (`T` or a space
 * between date and time) are read as UTC unless they carry an offset: Date.parse would read an
 * offset-less date-time in the machine's time zone, and a run must give the same numbers on any machine.
 * Other date formats Date.parse knows (e.g. "Tue Feb 08 12:30:27 +0000 2011") keep an explicit zone and
 * are UTC without one, for the same reason.
 */
export function parseTimeS(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const s = v.trim();
  // A number of seconds, in any of JavaScript's decimal spellings (5, -2.5, .5, 5., 1e9); anything else
  // must be a date (Date.parse would read ".5" or "1 2" as dates in 2001).
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Number(s);
  const ms = Date.parse(zoned(s));
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

// An ISO-8601 date, optionally followed by a time (date-only strings are UTC in Date.parse already).
const ISO_DATE_TIME = /^([+-]\d{6}|\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d:\d\d(?::\d\d(?:\.\d+)?)?)\s*(z|[+-]\d\d(?::?\d\d)?)?)?$/i;
// A zone Date.parse's fallback parser honours: a name it knows, or a signed offset standing on its own
// (so the "-2006" of "03-01-2006" is not taken for one).
const EXPLICIT_ZONE = /(?:^|[\s\d])(?:z|ut|utc|gmt|[ecmp][sd]t)(?=$|[\s+-])|(?:^|\s)[+-]\d\d:?\d\d(?=$|\s)/i;

/** `s` made explicit about its zone: UTC unless it names one. */
function zoned(s: string): string {
  const iso = ISO_DATE_TIME.exec(s);
  if (iso) {
    const [, y, mo, d, time, zone] = iso;
    return time === undefined ? s : `${y}-${mo}-${d}T${time}${(zone ?? 'Z').toUpperCase()}`;
  }
  // Date.parse skips parenthesised text as a comment, so "(UTC)" names no zone.
  return EXPLICIT_ZONE.test(s.replace(/\([^)]*\)/g, ' ')) ? s : `${s} UTC`;
}

// The AOL log's columns, as its header line names them.
const AOL_COLUMNS = ['AnonID', 'Query', 'QueryTime', 'ItemRank', 'ClickURL'];

/**
 * True for the AOL log's header line (or the header of a cut of its first three or four columns). Each
 * of the log's 10 files starts with one, so concatenated files hold several, and `sort` moves them.
 */
function isAolHeader(columns: string[]): boolean {
  return columns.length >= 3 && columns.length <= AOL_COLUMNS.length && columns.every((c, i) => c === AOL_COLUMNS[i]);
}

/** True for a row of the AOL log: a numeric AnonID, a query, and a QueryTime like 2006-03-01 07:17:12. */
function isAolRow(columns: string[]): boolean {
  return columns.length >= 3 && columns.length <= AOL_COLUMNS.length && /^\d+$/.test(columns[0]) && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(columns[2]);
}

// Topic lines: an id (digits, perhaps after a few letters: 20001, MB001), a colon, perhaps a priority
// and a colon, then the text; never a tab (a TSV line's first column may hold a clock time).
const ID_PRIO_TEXT = /^\s*([A-Za-z]{0,8}[-_]?\d+)\s*:\s*(\d+)\s*:([^\t]*)$/;
const ID_TEXT = /^\s*([A-Za-z]{0,8}[-_]?\d+)\s*:([^\t]*)$/;
/** Lines read to guess a format: enough that one odd query does not decide it. */
export const GUESS_LINES = 20;

/**
 * The format of a trace, from its first non-blank lines (up to GUESS_LINES) and its file name: AOL when
 * the first is the AOL header; else by the file's own name (`.jsonl`; `aol` or the AOL files'
 * `user-ct-test-collection`); else AOL when the first is an AOL row (the log sorted by time has its
 * header last, and read as TSV its AnonIDs would pass for times and its other columns for the query);
 * then topics when every line is `id:prio:text`, or else every line `id:text`; then `qid-tsv` when every
 * line is an integer, a tab and text and the integers are not in order (times would be) or the file
 * is named for queries or topics (MS MARCO's queries.dev.tsv); else TSV, the first column a time.
 */
export function guessTraceFormat(path: string, lines?: string | readonly string[]): TraceFormat {
  const sample = (typeof lines === 'string' ? [lines] : (lines ?? [])).filter((l) => l.trim() !== '');
  const columns = sample[0]?.split('\t');
  if (columns && isAolHeader(columns)) return 'aol';
  // The file's own name, not its folders': /home/paola/q.tsv is no AOL log.
  const name = basename(path);
  if (/\.jsonl?$/i.test(name)) return 'jsonl';
  if (/aol|user-ct-test-collection/i.test(name)) return 'aol';
  if (columns && isAolRow(columns)) return 'aol';
  if (sample.length === 0) return 'tsv';
  if (sample.every((l) => ID_PRIO_TEXT.test(l))) return 'id:prio:text';
  if (sample.every((l) => ID_TEXT.test(l))) return 'id:text';
  const rows = sample.map((l) => l.split('\t'));
  if (rows.every((r) => r.length === 2 && /^\d+$/.test(r[0].trim()))) {
    const ids = rows.map((r) => Number(r[0]));
    const ordered = ids.every((x, i) => i === 0 || x >= ids[i - 1]);
    if (!ordered || /quer|topic|qid/i.test(name)) return 'qid-tsv';
  }
  return 'tsv';
}

/**
 * Streams a query trace: JSONL (`{"t","q"}`; `text` and `time` are accepted too, as in queries.jsonl),
 * TSV (`time<TAB>query`, or a bare query per line), or the AOL log (AnonID, Query, QueryTime, ItemRank,
 * ClickURL; the repeated rows of one search's clicks count once; header lines are skipped wherever they
 * are). Without `options.format`, the format is guessed from the first non-blank line and the file name.
 */
export async function* readTrace(path: string, options: TraceOptions = {}): AsyncGenerator<TraceQuery> {
  let format = options.format;
  let lastAol = '';
  // A line that is not UTF-8 is a line that does not parse: skipped with the others when asked.
  const onInvalid = options.skipInvalid ? (line: number, e: Error) => options.onSkip?.(line, e.message) : undefined;
  const lines = readLines(path, 'trace file', { onInvalid });
  // Without a format, the first lines decide it: read ahead, then replay them.
  const ahead: { line: number; text: string }[] = [];
  if (format === undefined) {
    let nonBlank = 0;
    while (nonBlank < GUESS_LINES) {
      const r = await lines.next();
      if (r.done) break;
      ahead.push(r.value);
      if (r.value.text.trim() !== '') nonBlank++;
    }
    format = guessTraceFormat(path, ahead.map((l) => l.text));
    options.onFormat?.(format, true);
  } else options.onFormat?.(format, false);
  for await (const { line, text } of prepend(ahead, lines)) {
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

/** `first`, then the rest of an iterator, which is closed however the reader stops. */
async function* prepend<T>(first: readonly T[], rest: AsyncIterator<T>): AsyncGenerator<T> {
  try {
    yield* first;
    for (;;) {
      const r = await rest.next();
      if (r.done) return;
      yield r.value;
    }
  } finally {
    await rest.return?.();
  }
}

function parse(format: TraceFormat, text: string, file: string, line: number): { q: string; tS?: number; key?: string } | null {
  if (format === 'id:text' || format === 'id:prio:text') {
    const m = (format === 'id:text' ? /^\s*([^\s:]+)\s*:(.*)$/ : /^\s*([^\s:]+)\s*:\s*(\d+)\s*:(.*)$/).exec(text);
    if (!m) throw errors.input({ file, line }, format === 'id:text' ? 'a topic id:text' : 'a topic id:prio:text (an id, a priority number, then the text)', preview(text));
    return { q: m[m.length - 1].trim() };
  }
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
  if (format === 'qid-tsv') {
    if (f.length < 2 || f[0].trim() === '') throw errors.input({ file, line }, 'qid<TAB>text', preview(text));
    return { q: f.slice(1).join(' ') };
  }
  if (format === 'aol') {
    if ((line === 1 && f[0] === 'AnonID') || isAolHeader(f)) return null;
    if (f.length < 3) throw errors.input({ file, line }, 'AOL columns AnonID, Query, QueryTime[, ItemRank, ClickURL]', `${f.length} column${f.length === 1 ? '' : 's'}`);
    const tS = parseTimeS(f[2]);
    if (tS === undefined) throw errors.input({ file, line, field: 'QueryTime' }, 'a time like 2006-03-01 07:17:12', preview(f[2]));
    return { q: f[1], tS, key: f[0] };
  }
  if (f.length === 1) return { q: f[0] };
  const tS = parseTimeS(f[0]);
  if (tS === undefined) throw errors.input({ file, line, field: 'time' }, 'seconds or an ISO-8601 time in the first column', preview(f[0]) + aolHint(f));
  return { q: f.slice(1).join(' '), tS };
}

/**
 * A hint for a TSV line that looks like a row of the AOL log (its five columns, or a time in the third):
 * such a file read as TSV fails at its header, or garbles every query when lines are skipped.
 */
function aolHint(columns: string[]): string {
  const aolLike = columns.length === 5 || (columns.length >= 3 && /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/i.test(columns[2].trim()));
  return aolLike ? ' (an AOL log? set workload.traceFormat to "aol")' : '';
}
