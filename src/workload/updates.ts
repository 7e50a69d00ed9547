import { Rng, errors } from '../core/index.ts';
import { zipfChangeRates, zipfLaw } from '../crawl/index.ts';
import { parseJsonObject, readLines, shown } from '../corpus/index.ts';
import type { Doc } from '../corpus/index.ts';
import { parseTimeS } from './trace.ts';

/** One change to the collection, at `tS` seconds from the start of the run. */
export interface UpdateEvent {
  tS: number;
  op: 'upsert' | 'delete';
  id: string;
  text?: string;
  /** Where it came from, for messages. */
  where: string;
}

/**
 * Reads an update trace: JSONL `{"t", "op": "upsert"|"delete", "id", "text"?}` (t in seconds or ISO time,
 * relative to the first line's), in time order. A malformed line names its file and line.
 */
export async function readUpdateTrace(file: string): Promise<UpdateEvent[]> {
  const out: UpdateEvent[] = [];
  let first: number | undefined;
  let last = -Infinity;
  for await (const { line, text } of readLines(file, 'update trace')) {
    if (text.trim() === '') continue;
    const o = parseJsonObject(text, file, line, '{"t","op","id","text"?}');
    const t = parseTimeS(o.t);
    if (t === undefined) throw errors.input({ file, line, field: 't' }, 'seconds or an ISO-8601 time', shown(o.t));
    if (o.op !== 'upsert' && o.op !== 'delete') throw errors.input({ file, line, field: 'op' }, '"upsert" or "delete"', shown(o.op));
    if (typeof o.id !== 'string' && typeof o.id !== 'number') throw errors.input({ file, line, field: 'id' }, 'a string or number', shown(o.id));
    if (o.op === 'upsert' && typeof o.text !== 'string') throw errors.input({ file, line, field: 'text' }, 'the new text of an upserted document', shown(o.text));
    first ??= t;
    if (t < last) throw errors.input({ file, line, field: 't' }, 'times in nondecreasing order', `${t} after ${last}`);
    last = t;
    out.push({ tS: t - first, op: o.op, id: String(o.id), text: typeof o.text === 'string' ? o.text : undefined, where: `${file}:${line}` });
  }
  return out;
}

/** A generated change stream (docs/DESIGN.md section 5: per-document change rates). */
export interface GeneratedUpdates {
  /** Real changes per second applied to the real shards. */
  ratePerS: number;
  /** Zipf exponent of per-document change rates: the k-th most volatile document changes ∝ 1/k^s. */
  skew: number;
  /** Share of changes that delete a document (the rest edit it). */
  deleteShare: number;
}

/**
 * Draws a change stream over `docs` for `durationS` seconds: Poisson arrivals; the document chosen with
 * Zipf-skewed probability (a few change often, most rarely; Cho and Garcia-Molina, "The evolution of the
 * web", VLDB 2000, found change rates spread over orders of magnitude); an upsert edits the document's
 * previous version, replacing and inserting a few words of another document (or dropping one where it
 * has grown past its original length). `rates`, when given,
 * receives each document's change rate (real changes a second).
 */
export function generateUpdates(spec: GeneratedUpdates, docs: readonly Doc[], durationS: number, rng: Rng, rates?: Map<string, number>): UpdateEvent[] {
  if (docs.length === 0 || spec.ratePerS <= 0) return [];
  const { order, weights, total: acc } = zipfLaw(docs.length, spec.skew, rng);
  const cumulative = new Float64Array(order.length);
  let sum = 0;
  for (let k = 0; k < order.length; k++) cumulative[k] = sum += weights[k];
  // Each document's own change rate (changes a second), for whoever needs the stream's law.
  if (rates) zipfChangeRates({ order, weights, total: acc }, spec.ratePerS).forEach((r, i) => rates.set(docs[i].id, r));
  const current = new Map<string, string>();
  const deleted = new Set<string>();
  const out: UpdateEvent[] = [];
  for (let t = rng.exponential(1 / spec.ratePerS); t < durationS; t += rng.exponential(1 / spec.ratePerS)) {
    const u = rng.next() * acc;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    const doc = docs[order[lo]];
    const where = 'generated update stream';
    if (!deleted.has(doc.id) && rng.next() < spec.deleteShare) {
      deleted.add(doc.id);
      out.push({ tS: t, op: 'delete', id: doc.id, where });
      continue;
    }
    deleted.delete(doc.id);
    const original = `${doc.title ?? ''} ${doc.text}`;
    const words = (current.get(doc.id) ?? original).split(/\s+/).filter(Boolean);
    const originalWords = original.split(/\s+/).filter(Boolean).length;
    const donor = docs[rng.int(docs.length)].text.split(/\s+/).filter(Boolean);
    for (let e = 0; e < 3 && donor.length > 0; e++) {
      const w = donor[rng.int(donor.length)];
      // Replace a word, or insert one; a document that has outgrown its original length loses a word
      // instead, so a volatile document edited thousands of times keeps about its size (and cost).
      if (words.length > 0 && rng.next() < 0.5) words[rng.int(words.length)] = w;
      else if (words.length > originalWords) words.splice(rng.int(words.length), 1);
      else words.push(w);
    }
    const text = words.join(' ');
    current.set(doc.id, text);
    out.push({ tS: t, op: 'upsert', id: doc.id, text, where });
  }
  return out;
}
