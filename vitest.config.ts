import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Worker-thread tests start piscina pools; forks keep them isolated from each other.
    pool: 'forks',
    reporters: ['default', './tests/summary-reporter.ts'],
  },
});
