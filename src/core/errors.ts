/**
 * All errors searchsim raises come from here, each with a stable code (piscina's habit: one factory, one
 * place to read every message). The CLI maps a code to an exit code: a user's mistake (bad input, bad
 * option) exits 2 with one line and no stack; anything else is a bug and exits 1 with the stack.
 */
export type ErrorCode =
  | 'E_INPUT' // a file the user gave us is malformed (names file, line, field, what was expected)
  | 'E_NOT_FOUND' // a file or folder the user named does not exist
  | 'E_OPTION' // a command-line or API option has a bad value
  | 'E_INVARIANT'; // something that cannot happen did: a bug in searchsim

export class SearchsimError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'SearchsimError';
    this.code = code;
  }
  /** True for mistakes in what the user gave us, as opposed to bugs. */
  get isUserError(): boolean {
    return this.code !== 'E_INVARIANT';
  }
}

/** Where in a user's file a problem was found; `line` is 1-based. */
export interface InputLocation {
  file: string;
  line?: number;
  field?: string;
}

function where(loc: InputLocation): string {
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.field !== undefined) s += ` field "${loc.field}"`;
  return s;
}

export const errors = {
  /** `file:line field "f": expected X, got Y` */
  input(loc: InputLocation, expected: string, got?: string): SearchsimError {
    const tail = got === undefined ? '' : `, got ${got}`;
    return new SearchsimError('E_INPUT', `${where(loc)}: expected ${expected}${tail}`);
  },
  notFound(path: string, what: string): SearchsimError {
    return new SearchsimError('E_NOT_FOUND', `${path}: no such ${what}`);
  },
  option(name: string, expected: string, got: unknown): SearchsimError {
    return new SearchsimError('E_OPTION', `${name} must be ${expected}, got ${JSON.stringify(got)}`);
  },
  /** A command refused before it starts (far more work than planned): the message says how to go on. */
  refused(message: string): SearchsimError {
    return new SearchsimError('E_OPTION', message);
  },
};

/** Asserts what cannot happen; a failure is a searchsim bug, never a user's mistake. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new SearchsimError('E_INVARIANT', `invariant failed: ${message}`);
}

/** Shortens a value for an error message. */
export function preview(value: unknown, max = 40): string {
  const s = typeof value === 'string' || (typeof value === 'object' && value !== null) ? JSON.stringify(value) : String(value);
  return s.length > max ? `${s.slice(0, max)}...` : s;
}

/**
 * An error as it crosses a thread: a structured clone keeps an Error's message but not its class or
 * code, and the CLI needs the code to tell a user's mistake (exit 2) from a bug. `E_WORKER`: a throw
 * that was not a SearchsimError (a bug in the worker).
 */
export interface ErrorData {
  code: ErrorCode | 'E_WORKER';
  message: string;
  stack?: string;
}

export function errorData(e: unknown): ErrorData {
  if (e instanceof SearchsimError) return { code: e.code, message: e.message, stack: e.stack };
  const err = e as Error;
  return { code: 'E_WORKER', message: String(err?.message ?? e), stack: err?.stack };
}

/** The error a worker sent, rebuilt on this side; `worker` names it in a bug's message. */
export function errorFromData(d: ErrorData, worker: string): SearchsimError {
  if (d.code === 'E_WORKER') {
    const e = new SearchsimError('E_INVARIANT', `${worker} failed: ${d.message}`);
    if (d.stack) e.stack = d.stack;
    return e;
  }
  return new SearchsimError(d.code, d.message);
}
