import { describe, expect, it } from 'vitest';
import { run } from '../helpers/scenario.ts';

describe('closed-loop workloads', () => {
  it('one client alternates service and think time: throughput = 1 / (S + Z)', async () => {
    const r = await run({
      workload: { arrival: { kind: 'closed', clients: 1, thinkMs: 90, think: 'fixed' }, queries: 1000, warmupQueries: 10 },
      cluster: { shards: 1, replicas: 1 },
      service: { kind: 'deterministic', ms: 10 },
    });
    expect(r.throughputQps).toBeCloseTo(10, 1);
    expect(r.latencyMs.max).toBeCloseTo(10, 2);
  });

  it('obeys the interactive response time law R = N / X - Z and saturates at the service rate', async () => {
    const r = await run({
      seed: 4,
      workload: { arrival: { kind: 'closed', clients: 20, thinkMs: 100 }, queries: 200_000, warmupQueries: 5000 },
      cluster: { shards: 1, replicas: 1, coresPerMachine: 1 },
      service: { kind: 'exponential', meanMs: 10 },
    });
    const x = r.throughputQps / 1000;
    expect(Math.abs(20 / x - 100 - r.latencyMs.mean) / r.latencyMs.mean).toBeLessThan(0.02);
    expect(r.throughputQps).toBeLessThan(100);
    expect(r.utilisation.cpu.mean).toBeGreaterThan(0.9);
  });
});

describe('closed-loop workloads on disk', () => {
  it('answer every query, reads still in flight when the last query is issued included', async () => {
    // Disk reads end at events of their own: the run must not stop before they do.
    const r = await run({
      seed: 5,
      corpus: 'workloads/cacm',
      workload: { arrival: { kind: 'closed', clients: 8, thinkMs: 20 }, queries: 3000, warmupQueries: 300 },
      cluster: { shards: 4, replicas: 3, mode: 'disk', selection: 'least-outstanding', modelledDocs: 50_000_000, disksPerMachine: 2 },
    });
    expect(r.queries).toEqual({ total: 3000, warmup: 300, measured: 2700 });
    expect(r.latencyMs.count).toBe(2700);
  });
});
