import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { errors } from '../core/index.ts';

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
