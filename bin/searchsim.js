#!/usr/bin/env node
// searchsim ships as TypeScript and runs through tsx's loader (a runtime dependency), so a fresh
// checkout needs no build step. Shard worker threads load the same way (src/shard/pool.ts).
import { register } from 'tsx/esm/api';

register();
// A closed pipe (`searchsim ... | head`) is the reader's choice, not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
