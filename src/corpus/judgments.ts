import { statSync } from 'node:fs';
import { join } from 'node:path';
import { errors, preview } from '../core/index.ts';
import { parseJsonObject, readLines, requireFile, shown } from './lines.ts';

export interface Query {
  id: string;
  text: string;
  /** ISO-8601 time the query was issued, where the source has one. */
  time?: string;
}

/** Reads `queries.jsonl`: one `{"id","text","time"?}` per line; ids are unique. */
export async function readQueries(file: string): Promise<Query[]> {
  const out: Query[] = [];
  const lineOf = new Map<string, number>();
  for await (const { line, text } of readLines(file, 'queries file')) {
    if (text.trim() === '') continue;
    const o = parseJsonObject(text, file, line, '{"id","text"}');
    if (typeof o.id !== 'string' && typeof o.id !== 'number') throw errors.input({ file, line, field: 'id' }, 'a string or number', shown(o.id));
    if (typeof o.text !== 'string') throw errors.input({ file, line, field: 'text' }, 'a string', shown(o.text));
    const id = String(o.id);
    // Two queries with one id would share one set of judgments and one ranking: which one was meant?
    const seen = lineOf.get(id);
    if (seen !== undefined) throw errors.input({ file, line, field: 'id' }, `a unique query id (${JSON.stringify(id)} is already at line ${seen})`);
    lineOf.set(id, line);
    const q: Query = { id, text: o.text };
    if (typeof o.time === 'string') q.time = o.time;
    out.push(q);
  }
  return out;
}

/** Relevance judgments: query id -> (document id -> grade). A grade > 0 means relevant. */
export type Qrels = Map<string, Map<string, number>>;

/**
 * Reads `qrels.tsv` (`queryId<TAB>docId<TAB>relevance`, the normalized layout of ../shared/data) and the
 * TREC layout (`queryId iteration docId relevance`, whitespace-separated).
 */
export async function readQrels(file: string): Promise<Qrels> {
  const qrels: Qrels = new Map();
  for await (const { line, text } of readLines(file, 'qrels file')) {
    const t = text.trim();
    if (t === '' || t.startsWith('#')) continue;
    const f = t.split(/\s+/);
    if (f.length !== 3 && f.length !== 4) {
      throw errors.input({ file, line }, '3 fields (query, document, relevance) or 4 (TREC: query, iteration, document, relevance)', `${f.length} field${f.length === 1 ? '' : 's'}`);
    }
    const [qid, did, rel] = f.length === 3 ? [f[0], f[1], f[2]] : [f[0], f[2], f[3]];
    const grade = Number(rel);
    if (!Number.isFinite(grade)) throw errors.input({ file, line, field: 'relevance' }, 'a number', preview(rel));
    let m = qrels.get(qid);
    if (!m) qrels.set(qid, (m = new Map()));
    m.set(did, grade);
  }
  return qrels;
}

/** A test collection folder laid out as ../shared/data: docs.jsonl, queries.jsonl, qrels.tsv. */
export interface CollectionPaths {
  docs: string;
  queries: string;
  qrels: string;
}
export function collectionPaths(dir: string): CollectionPaths {
  return { docs: join(dir, 'docs.jsonl'), queries: join(dir, 'queries.jsonl'), qrels: join(dir, 'qrels.tsv') };
}

/**
 * The files of a test collection folder, each checked to exist: a folder that is a file, or a file the
 * folder lacks, is named with what was expected there.
 */
export function requireCollection(dir: string): CollectionPaths {
  const paths = collectionPaths(dir);
  let folder = true;
  try {
    if (!statSync(dir).isDirectory()) throw errors.input({ file: dir }, 'a collection folder (docs.jsonl, queries.jsonl, qrels.tsv)', 'a file');
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT') throw e;
    folder = false;
  }
  const missing = folder ? '' : ` (the folder ${dir} does not exist)`;
  for (const [what, p] of [['queries file', paths.queries], ['qrels file', paths.qrels], ['corpus file', paths.docs]] as const) requireFile(p, what + missing);
  return paths;
}
