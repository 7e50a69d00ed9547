import { renameSync, rmSync } from 'node:fs';

/** Folders to remove when the process ends, however it ends. */
const owned = new Set<string>();
let installed = false;

/** Exit codes for a run ended by a signal: 128 + its number, as shells report them. */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Removes `dir` (and what is in it) when the process exits, normally or on SIGINT (Ctrl-C) or
 * SIGTERM, so no run leaves its temporary files behind; the returned function removes it at once.
 * The only place that handles signals: a signal ends the run with exit code 130 or 143 after cleaning up.
 */
export function removeOnExit(dir: string): () => void {
  owned.add(dir);
  exitOnSignal();
  return () => {
    rmSync(dir, { recursive: true, force: true });
    owned.delete(dir);
  };
}

/**
 * Ends the process on SIGINT (Ctrl-C) or SIGTERM with exit code 130 or 143, after removing the
 * temporary folders registered here, saying so on stderr; worker threads end with the process. A run's
 * outputs are written whole at its end (writeAtomic), so an interrupted run leaves none half-written.
 */
export function exitOnSignal(): void {
  if (installed) return;
  installed = true;
  process.on('exit', removeAll);
  for (const [signal, code] of Object.entries(SIGNAL_EXIT)) {
    process.on(signal, () => {
      const had = owned.size > 0;
      removeAll();
      process.stderr.write(`searchsim: interrupted (${signal})${had ? '; temporary files removed' : ''}\n`);
      process.exit(code);
    });
  }
}

/**
 * Worker threads may still be writing segments while a signal handler runs on the main thread, so a
 * folder could refill between the removal of its files and of itself (ENOTEMPTY). Renaming it first
 * makes every later file a worker opens by its old path fail instead of landing in it; the rename's
 * retries then only wait for files already open. If it still will not go, say so rather than crash.
 */
function removeAll(): void {
  for (const dir of owned) {
    let doomed = dir;
    try {
      renameSync(dir, (doomed = `${dir}.removing`));
    } catch {
      doomed = dir; // already gone, or not ours to rename: remove it where it is
    }
    try {
      rmSync(doomed, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
    } catch (e) {
      process.stderr.write(`searchsim: could not remove ${doomed}: ${(e as Error).message}\n`);
    }
  }
  owned.clear();
}
