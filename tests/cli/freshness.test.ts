import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';

/** The second half of the 2001 story: how soon a change is searchable, and what keeping up costs. */
describe('freshness of the 2000 and 2001 presets', () => {
  it('memory with incremental updates: p99 under a minute; disk with monthly rebuilds: days', () => {
    const mem = JSON.parse(cli('run', 'google-2001-memory', '--queries', '1200', '--json', '-').stdout);
    const disk = JSON.parse(cli('run', 'google-2000-disk', '--queries', '1200', '--json', '-').stdout);
    expect(mem.freshness.p99Ms).toBeLessThan(60_000);
    expect(mem.freshness.applied).toBeGreaterThan(0);
    expect(disk.freshness.p50Ms).toBeGreaterThan(86_400_000);
    // Two weeks after its snapshot, a monthly index returns many documents that have changed since.
    expect(disk.freshness.staleness).toBeGreaterThan(10 * mem.freshness.staleness);
  }, 300_000);

  it('incremental updates at the same rate on the disk layout push its query p99 past the SLO', () => {
    const r = cli('run', 'scenarios/google-2000-disk-incremental.json', '--queries', '1500', '--json', '-');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.latencyMs.p99).toBeGreaterThan(500);
    expect(j.freshness.p99Ms).toBeGreaterThan(60_000);
  }, 300_000);
});
