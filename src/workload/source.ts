import { errors } from '../core/index.ts';
import { readTrace, type TraceOptions } from './trace.ts';

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
export async function* cycleTrace(path: string, total: number, options: TraceOptions = {}): AsyncGenerator<SourcedQuery> {
  let produced = 0;
  let offsetS = 0;
  for (let pass = 0; produced < total; pass++) {
    let first: number | undefined;
    let last: number | undefined;
    let n = 0;
    // Every pass re-reads the file and skips the same bad lines: report each once, on the first pass.
    const passOptions = pass === 0 ? options : { ...options, onSkip: undefined };
    for await (const t of readTrace(path, passOptions)) {
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
    if (first !== undefined && last !== undefined) {
      const span = last - first;
      offsetS += span + (n > 1 ? span / (n - 1) : 1);
    }
  }
}

/** Queries without text, for synthetic service models that need none. */
export async function* blankQueries(total: number): AsyncGenerator<SourcedQuery> {
  for (let i = 0; i < total; i++) yield { q: '', where: 'synthetic workload' };
}
