import { writeFileSync } from 'node:fs';
import { errors } from '../core/index.ts';

/** Writes JSON to a file, or to stdout when the file is `-`. Keys keep insertion order: stable output. */
export function writeJson(file: string, value: unknown): void {
  const text = JSON.stringify(value, null, 2) + '\n';
  if (file === '-') {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw errors.notFound(file, `writable path (${(e as NodeJS.ErrnoException).code ?? 'write failed'})`);
  }
}

/** A plain text table: columns padded, numbers right-aligned. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const width = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const right = header.map((_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number'));
  return cells
    .map((r) => r.map((v, c) => (right[c] ? v.padStart(width[c]) : v.padEnd(width[c]))).join('  ').trimEnd())
    .join('\n');
}
