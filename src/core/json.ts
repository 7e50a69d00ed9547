/**
 * JSON that gives back the numbers it was given. JSON has no Infinity or NaN (JSON.stringify writes
 * null), so a run's report or summary that crosses a file or a queue keeps them as marked strings: a
 * cached run, or a run computed on another machine, is then the value it was, to the bit.
 */
export function stringifyExact(value: unknown): string {
  return JSON.stringify(value, keepNonFinite);
}

export function parseExact(text: string): unknown {
  return JSON.parse(text, reviveNonFinite);
}

/** The same marking as a plain JSON value (for a payload a library serialises itself). */
export function toExactJson(value: unknown): unknown {
  return JSON.parse(stringifyExact(value));
}

/** Undoes `toExactJson`. */
export function fromExactJson(value: unknown): unknown {
  return parseExact(JSON.stringify(value));
}

function keepNonFinite(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? `\u0000${v}` : v;
}

function reviveNonFinite(_key: string, v: unknown): unknown {
  return typeof v === 'string' && v.startsWith('\u0000') ? Number(v.slice(1)) : v;
}
