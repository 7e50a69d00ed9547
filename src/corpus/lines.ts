import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { errors, preview } from '../core/index.ts';

/** Fails with E_NOT_FOUND (naming the path) unless `path` is an existing file. */
export function requireFile(path: string, what = 'file'): void {
  let ok = false;
  try {
    ok = statSync(path).isFile();
  } catch {
    ok = false;
  }
  if (!ok) throw errors.notFound(path, what);
}

/** Streams a text file line by line (CRLF or LF), with 1-based line numbers; never reads it whole. */
export async function* readLines(path: string, what = 'file'): AsyncGenerator<{ line: number; text: string }> {
  requireFile(path, what);
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    yield { line, text };
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
