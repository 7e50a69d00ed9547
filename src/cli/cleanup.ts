import { rmSync } from 'node:fs';

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
  if (!installed) {
    installed = true;
    process.on('exit', removeAll);
    for (const [signal, code] of Object.entries(SIGNAL_EXIT)) {
      process.on(signal, () => {
        removeAll();
        process.stderr.write(`searchsim: interrupted (${signal}); temporary files removed\n`);
        process.exit(code);
      });
    }
  }
  return () => {
    rmSync(dir, { recursive: true, force: true });
    owned.delete(dir);
  };
}

function removeAll(): void {
  for (const dir of owned) rmSync(dir, { recursive: true, force: true });
  owned.clear();
}
