import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, scenarioJsonSchema } from '../../src/scenarios/index.ts';

const ok = {
  name: 'mm1',
  seed: 7,
  workload: { arrival: { kind: 'poisson', qps: 80 }, queries: 200000, warmupQueries: 10000 },
  cluster: { shards: 1, replicas: 1, coresPerMachine: 1, selection: 'round-robin' },
  service: { kind: 'exponential', meanMs: 10 },
};

describe('scenario files', () => {
  it('accept the documented example and fill in defaults', () => {
    const { scenario } = parseScenario(ok, 'mm1.json', '.');
    expect(scenario.cluster.mode).toBe('memory');
    expect(scenario.cluster.hardware).toBe('2001');
    expect(scenario.workload.k).toBe(10);
  });

  it('default to the index service', () => {
    const { scenario } = parseScenario({ workload: { arrival: { kind: 'fixed', qps: 1 } }, cluster: {}, corpus: 'x' }, 's.json', '.');
    expect(scenario.service).toEqual({ kind: 'index' });
  });

  it.each([
    [{ ...ok, workload: { ...ok.workload, arrival: { kind: 'poisson', qps: -3 } } }, /s\.json: workload\.arrival\.qps: Too small: expected number to be >0, got -3/],
    [{ ...ok, cluster: { ...ok.cluster, selection: 'fastest' } }, /s\.json: cluster\.selection: Invalid option: expected one of "round-robin"\|"random"\|"least-outstanding"\|"power-of-two", got "fastest"/],
    [{ ...ok, cluster: { ...ok.cluster, shards: 2.5 } }, /s\.json: cluster\.shards: Invalid input: expected int, received number, got 2\.5/],
    [{ ...ok, service: { kind: 'pareto' } }, /s\.json: service\.kind: Invalid discriminator value\. Expected 'index' \| 'exponential' .*, got "pareto"/],
    [{ ...ok, workload: { ...ok.workload, arrivals: {} } }, /s\.json: workload: Unrecognized key: "arrivals"/],
    [{ ...ok, service: { kind: 'mixture', parts: [{ p: 0.5, ms: 10 }, { p: 2, ms: 1 }] } }, /s\.json: service\.parts\[1\]\.p: Too big: expected number to be <=1, got 2/],
  ])('name the JSON path and the bad value (%#)', (bad, msg) => {
    expect(() => parseScenario(bad, 's.json', '.')).toThrow(msg);
  });

  it('ship a JSON Schema for editors that matches the validator', () => {
    const committed = JSON.parse(readFileSync('docs/scenario.schema.json', 'utf8'));
    expect(committed).toEqual(scenarioJsonSchema());
  });
});
