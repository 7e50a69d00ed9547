import { Command, CommanderError } from 'commander';
import { SearchsimError } from '../core/index.ts';
import { compareCommand } from './commands/compare.ts';
import { evalCommand } from './commands/eval.ts';
import { expandCommand } from './commands/expand.ts';
import { queryCommand } from './commands/query.ts';
import { runCommand } from './commands/run.ts';
import { planCommand, sweepCommand } from './commands/sweep.ts';

/** Exit codes: 0 success; 1 a bug in searchsim (stack printed); 2 a user's mistake (one line). */
export const EXIT = { ok: 0, bug: 1, usage: 2 } as const;

export function program(): Command {
  const p = new Command('searchsim')
    .description('Replay query workloads on a simulated sharded search cluster: real BM25 shards, modelled time.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const c of [runCommand(), compareCommand(), sweepCommand(), planCommand(), expandCommand(), queryCommand(), evalCommand()]) p.addCommand(c.exitOverride().showHelpAfterError('(run with --help for usage)'));
  return p;
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
      process.stderr.write(`searchsim: ${e.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`searchsim: internal error (a bug, please report it):\n${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.bug;
  }
}
