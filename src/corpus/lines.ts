import { isUtf8 } from 'node:buffer';
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
 * How a file's bytes become text: `utf8` (the default) refuses a byte that is not UTF-8, naming the
 * file and line, where decoding would put U+FFFD in its place and split the word it is in; `latin1`
 * reads ISO-8859-1, a character a byte; `utf8-lossy` reads UTF-8 and keeps bad bytes as U+FFFD.
 */
export type TextEncoding = 'utf8' | 'latin1' | 'utf8-lossy';
export const TEXT_ENCODINGS: readonly TextEncoding[] = ['utf8', 'latin1', 'utf8-lossy'];

export interface LineOptions {
  encoding?: TextEncoding;
  /** What to say after a line that is not UTF-8 (how to read such a file), for `utf8`. */
  invalidHint?: string;
  /** Called for a line that is not UTF-8 instead of failing; the line is then skipped. */
  onInvalid?: (line: number, error: Error) => void;
}

/** What a reader of anything but a corpus can do about bytes that are not UTF-8. */
const CONVERT_HINT = 'convert the file to UTF-8, e.g. iconv -f latin1 -t utf-8';

/**
 * Streams a text file line by line (CRLF or LF), with 1-based line numbers; never reads it whole. A
 * UTF-8 byte-order mark (as Windows editors write) is dropped from line 1, so no reader has to expect it.
 * Bytes are read as Latin-1 (one character a byte, lossless) and a line with any byte past ASCII is
 * then checked and decoded as UTF-8, so the check costs nothing on ASCII text.
 */
export async function* readLines(path: string, what = 'file', options: LineOptions = {}): AsyncGenerator<{ line: number; text: string }> {
  requireFile(path, what);
  const encoding = options.encoding ?? 'utf8';
  const rl = createInterface({ input: createReadStream(path, { encoding: 'latin1' }), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of rl) {
    line++;
    let text = raw;
    if (encoding !== 'latin1' && NOT_ASCII.test(raw)) {
      const bytes = Buffer.from(raw, 'latin1');
      if (encoding === 'utf8' && !isUtf8(bytes)) {
        const at = firstInvalidByte(bytes);
        const e = errors.input({ file: path, line }, 'UTF-8 text', `the byte 0x${bytes[at].toString(16).padStart(2, '0')} at byte ${at + 1} of the line (${options.invalidHint ?? CONVERT_HINT})`);
        if (!options.onInvalid) throw e;
        options.onInvalid(line, e);
        continue;
      }
      text = bytes.toString('utf8');
    }
    if (line === 1) text = text.startsWith('\uFEFF') ? text.slice(1) : encoding === 'latin1' && text.startsWith('\u00EF\u00BB\u00BF') ? text.slice(3) : text;
    yield { line, text };
  }
}

const NOT_ASCII = /[\u0080-\u00ff]/;

/** Index of the first byte that does not start a well-formed UTF-8 sequence (the line is known not to be UTF-8). */
function firstInvalidByte(b: Buffer): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    const n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (n === 0 || (n > 1 && !isUtf8(b.subarray(i, i + n)))) return i;
    i += n;
  }
  return 0;
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
