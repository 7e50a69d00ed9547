import { formatRate, formatSpan, type TraceLoad } from '../workload/index.ts';

/**
 * The trace load report as one line: how the file was read, what was skipped (the first reason and
 * line), and its pace, so a misread trace shows before its numbers are trusted.
 */
export function traceLoadLine(l: TraceLoad): string {
  const parts = [`${l.linesRead} line${l.linesRead === 1 ? '' : 's'} read${l.wholeFile ? '' : ' (as many as the run needs)'}`, `${l.queries} quer${l.queries === 1 ? 'y' : 'ies'}`];
  parts.push(l.skippedLines === 0 ? 'none skipped' : `${l.skippedLines} skipped (first: line ${l.firstSkip!.line}: ${shortReason(l)})`);
  let times: string;
  if (l.firstS === null || l.lastS === null) times = 'no times';
  else {
    const rate = l.meanQps === null ? 'no mean rate' : `mean ${formatRate(l.meanQps)} queries/s`;
    times = `times span ${formatSpan(l.lastS - l.firstS)}, ${rate}${l.timesUsed ? '' : ' (not used: the arrivals are generated)'}`;
  }
  parts.push(times);
  if (l.passes > 1) parts.push(`cycled ${l.passes} times`);
  return `trace ${l.path} (read as ${l.formatShape}${l.formatGuessed ? ', guessed' : ''}): ${parts.join(', ')}`;
}

/** A skip reason without the file and line the report already gives. */
function shortReason(l: TraceLoad): string {
  const r = l.firstSkip!.reason;
  const prefix = `${l.path}:${l.firstSkip!.line}`;
  return r.startsWith(prefix) ? r.slice(prefix.length).replace(/^[: ]+/, '') : r;
}
