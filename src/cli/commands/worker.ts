import { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { DEFAULT_LOCK_MS, DEFAULT_QUEUE_NAME, parseQueueAddress, serveQueue } from '../../sweep/index.ts';
import { positiveInt } from '../options.ts';

interface WorkerOptions {
  queue: string;
  name?: string;
  concurrency?: number;
  untilEmpty?: boolean;
  lockMs?: number;
}

export function workerCommand(): Command {
  return new Command('worker')
    .description("Take the points of sweeps and plans run with --queue from a BullMQ queue in Redis and run them here; start one on each machine (docs/DISTRIBUTED.md).")
    .requiredOption('--queue <url>', 'the Redis server, redis://HOST:PORT[/DB]')
    .option('--name <name>', `the queue's name, as the sweep gives it (default ${DEFAULT_QUEUE_NAME})`)
    .option('--concurrency <n>', 'runs at once, each on its own worker thread (default: the cores)', positiveInt)
    .option('--until-empty', 'stop once no run is waiting, active or delayed and no sweep is collecting (a Kubernetes Job, a Slurm array); else run until stopped')
    .option('--lock-ms <ms>', `how long a run's lock lasts before a dead worker's run is taken again (taken within about twice this; default ${DEFAULT_LOCK_MS})`, positiveInt)
    .addHelpText('after', '\nExamples:\n  searchsim worker --queue redis://10.0.0.5:6379 --concurrency 8\n  searchsim worker --queue redis://127.0.0.1:6379/2 --name plan-2026 --until-empty')
    .action(async (o: WorkerOptions) => {
      const address = parseQueueAddress(o.queue, o.name);
      const concurrency = o.concurrency ?? availableParallelism();
      const w = await serveQueue(address, {
        concurrency,
        lockMs: o.lockMs,
        untilEmpty: o.untilEmpty === true,
        onRun: (e) => {
          if (e.outcome === 'done') process.stderr.write(`searchsim worker: job ${e.id.slice(0, 12)} done\n`);
          else process.stderr.write(`searchsim worker: job ${e.id.slice(0, 12)} failed${e.final ? '' : ' (to be tried again)'}: ${e.message}\n`);
        },
      });
      process.stderr.write(`searchsim worker: taking runs from queue ${address.name} at ${address.shown}, ${concurrency} at once${o.untilEmpty ? ', until it is empty' : ''}\n`);
      await w.stopped;
      process.stderr.write(`searchsim worker: queue ${address.name} is empty; stopping\n`);
    });
}
