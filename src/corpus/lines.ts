import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { errors, preview } from '../core/index.ts';

/**
 * Fails unless `path` is an existing file: E_NOT_FOUND when nothing is there, an input error when it is
 * a directory (or anything else that is not a file), so the message says what is wrong with the path.
 */
export function requireFile(path: string, what = 'file'): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw errors.notFound(path, what);
  }
  if (st.isFile()) return;
  throw errors.input({ file: path }, withArticle(what), st.isDirectory() ? 'a directory' : 'something that is not a regular file');
}

function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

/**
 * Streams a text file line by line (CRLF or LF), with 1-based line numbers; never reads it whole. A
 * UTF-8 byte-order mark (as Windows editors write) is dropped from line 1, so no reader has to expect it.
 */
export async function* readLines(path: string, what = 'file'): AsyncGenerator<{ line: number; text: string }> {
  requireFile(path, what);
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    yield { line, text: line === 1 && text.startsWith('\uFEFF') ? text.slice(1) : text };
  }
}

/**
 * Parses one line of a JSONL file into an object, or fails naming the file and line: `shape` says what
 * a line should look like, e.g. `{"id","text"}`.
 */
export function parseJsonObject(text: string, file: string, line: number, shape: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw errors.input({ file, line }, `a JSON object per line (${shape})`, preview(text));
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw errors.input({ file, line }, `a JSON object (${shape})`, preview(text));
  return v as Record<string, unknown>;
}

/** What a field held, for a message: its value shortened, or "nothing" when absent. */
export function shown(v: unknown): string {
  return v === undefined ? 'nothing' : preview(v);
}
