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
    [{ ...ok, workload: { ...ok.workload, arrival: { kind: 'poisson', qps: -3 } } }, /s\.json: workload\.arrival\.qps: Too small: expected number to be >=0\.000001, got -3/],
    [{ ...ok, workload: { ...ok.workload, arrival: { kind: 'poisson', qps: Infinity } } }, /s\.json: workload\.arrival\.qps: .*, got Infinity$/],
    [{ ...ok, workload: { ...ok.workload, warmupQueries: 200000 } }, /^s\.json: workload\.warmupQueries: must be fewer than workload\.queries \(200000\), got 200000$/],
    [{ ...ok, workload: { ...ok.workload, arrival: { kind: 'trace' } } }, /^s\.json: workload\.trace: required when workload\.arrival\.kind is "trace" \(a trace whose queries carry times\)$/],
    [{ ...ok, workload: { ...ok.workload, trace: '' } }, /^s\.json: workload\.trace: Too small: expected string to have >=1 characters/],
    [{ ...ok, cluster: { ...ok.cluster, shards: 1000, replicas: 2000 } }, /^s\.json: cluster\.replicas: makes 2000000 machines with 1000 shards; at most 1000000 are modelled, got 2000$/],
    [{ ...ok, service: { kind: 'lognormal', medianMs: 10, sigma: 400 } }, /^s\.json: service\.sigma: Too big: expected number to be <=5, got 400$/],
    [{ ...ok, service: { kind: 'deterministic', ms: 1e12 } }, /^s\.json: service\.ms: Too big: expected number to be <=86400000, got 1000000000000$/],
    [{ ...ok, service: { kind: 'mixture', parts: [{ p: 0.9, ms: 10 }, { p: 0.05, ms: 1000 }] } }, /^s\.json: service\.parts: the probabilities p must add up to 1/],
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
