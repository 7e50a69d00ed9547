import { Command, CommanderError } from 'commander';
import { SearchsimError } from '../core/index.ts';
import { calibrateCommand } from './commands/calibrate.ts';
import { compareCommand } from './commands/compare.ts';
import { crawlCommand } from './commands/crawl.ts';
import { evalCommand } from './commands/eval.ts';
import { funnelCommand } from './commands/funnel.ts';
import { expandCommand } from './commands/expand.ts';
import { liveCommand } from './commands/live.ts';
import { queryCommand } from './commands/query.ts';
import { validateCommand } from './commands/validate.ts';
import { runCommand } from './commands/run.ts';
import { planCommand, sweepCommand } from './commands/sweep.ts';
import { workerCommand } from './commands/worker.ts';

/** Exit codes: 0 success; 1 a bug in searchsim (stack printed); 2 a user's mistake (one line). */
export const EXIT = { ok: 0, bug: 1, usage: 2 } as const;

export function program(): Command {
  const p = new Command('searchsim')
    .description('Replay query workloads on a simulated sharded search cluster: real BM25 shards, modelled time.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput(oneLineErrors('searchsim'));
  for (const c of [runCommand(), liveCommand(), calibrateCommand(), validateCommand(), compareCommand(), funnelCommand(), sweepCommand(), planCommand(), workerCommand(), expandCommand(), queryCommand(), evalCommand(), crawlCommand()]) p.addCommand(c.exitOverride().configureOutput(oneLineErrors(`searchsim ${c.name()}`)));
  return p;
}

/**
 * Commander's own mistakes (a bad option value, a missing argument, an unknown command) as one line,
 * worded like every other user mistake: `searchsim: <what> (searchsim <verb> --help for usage)`.
 */
function oneLineErrors(usage: string): { writeErr(s: string): void; outputError(s: string, write: (s: string) => void): void } {
  return {
    writeErr: (s) => process.stderr.write(s),
    outputError: (s, write) => write(`searchsim: ${s.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim()} (${usage} --help for usage)\n`),
  };
}

/** Runs the CLI on argv and returns the exit code; the only place that maps errors to exit codes. */
export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof SearchsimError && e.isUserError) {
      // One line, whatever the message holds (a scenario's several problems are joined by formatIssues).
      process.stderr.write(`searchsim: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`searchsim: internal error (a bug, please report it):\n${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.bug;
  }
}
