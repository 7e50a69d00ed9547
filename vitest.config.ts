import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Worker-thread tests start piscina pools; forks keep them isolated from each other.
    pool: 'forks',
    // One more worker than the machine's cores: the CLI tests spend much of their time
    // waiting on the processes they spawn, so a third file keeps both cores busy
    // (whole suite 8m24s on 2 workers, 6m54s on 3, 2026-12-02, benchmarks/README.md).
    maxWorkers: availableParallelism() + 1,
    reporters: ['default', './tests/summary-reporter.ts'],
  },
});
