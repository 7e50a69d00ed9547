import { describe, expect, it } from 'vitest';
import { SimulatedCluster, SyntheticServiceModel, type ClusterOptions, type QueryOutcome, type SyntheticService } from '../../src/cluster/index.ts';
import { Rng } from '../../src/core/index.ts';
import { HARDWARE_PRESETS } from '../../src/hardware/index.ts';
import { LatencyRecorder } from '../../src/metrics/index.ts';
import { Simulation } from '../../src/sim/index.ts';
import { parseScenario } from '../../src/scenarios/index.ts';

/**
 * The price of fan-out and what pays it down (Dean and Barroso, "The Tail at Scale", CACM 56(2), 2013),
 * on the synthetic service so that each figure has a closed form: a leaf request takes 10 ms, and 1 s
 * with probability p ("slow p of the time").
 */
const slowLeaves = (p: number): SyntheticService => ({ kind: 'mixture', parts: [{ p: 1 - p, ms: 10 }, { p, ms: 1000 }] });

/** Queries `gapMs` apart, or (poisson) at exponential gaps of that mean. */
function run(o: Partial<ClusterOptions> & { shards: number; replicas: number }, service: SyntheticService, queries: number, gapMs: number, seed = 1, poisson = false) {
  const sim = new Simulation();
  const c = new SimulatedCluster(
    sim,
    { mode: 'memory', hardware: HARDWARE_PRESETS['2001'], cores: 1, disks: 1, selection: 'random', cacheBytes: 0, hops: false, ...o },
    new SyntheticServiceModel(service, new Rng(seed).fork('service'), 10),
    new Rng(seed),
  );
  const outcomes: QueryOutcome[] = [];
  const gaps = new Rng(seed).fork('arrivals');
  let atMs = 0;
  for (let i = 0; i < queries; i++) {
    sim.at(atMs, () => c.submit({ seq: i, termCount: 0, termKeys: new Int32Array(0), work: null }, (x) => outcomes.push(x)));
    atMs += poisson ? gaps.exponential(gapMs) : gapMs;
  }
  c.startMeasuring();
  sim.run();
  const latency = new LatencyRecorder();
  for (const x of outcomes) latency.record(x.doneMs - x.arrivalMs);
  const figures = c.figures(0, atMs);
  const busyMs = Array.from(figures.cpu).reduce((a, u) => a + u * atMs, 0);
  return { outcomes, latency, figures, busyMs };
}

describe('slow leaves: the share of queries slowed grows with fan-out (1 - (1 - p)^N)', () => {
  it.each([
    [100, 0.01, 0.634],
    [2000, 0.0001, 0.181],
  ])('%i leaves each slow %d of the time: %d of queries slow, within 2 points', (shards, p, expected) => {
    // Queries far apart (2 s > the slowest leaf), so no query waits behind another.
    const { outcomes } = run({ shards, replicas: 1 }, slowLeaves(p), shards === 100 ? 6000 : 3000, 2000);
    const slow = outcomes.filter((x) => x.doneMs - x.arrivalMs >= 1000).length / outcomes.length;
    expect(1 - (1 - p) ** shards).toBeCloseTo(expected, 3);
    expect(Math.abs(slow - expected)).toBeLessThan(0.02);
  });
});

describe("The Tail at Scale's Table 1: one leaf, 95 % of the leaves, all of them", () => {
  it('95 % of 100 leaves slow 1 % of the time answer in 10 ms; all of them take 1 s for 63 % of queries', () => {
    const { outcomes, figures } = run({ shards: 100, replicas: 1 }, slowLeaves(0.01), 3000, 2000);
    // More than 5 of 100 leaves slow at once: binomial tail below 0.1 %.
    const most = outcomes.filter((x) => x.mostLeavesDoneMs - x.arrivalMs === 10).length / outcomes.length;
    expect(most).toBeGreaterThan(0.99);
    const allSlow = outcomes.filter((x) => x.allLeavesDoneMs - x.arrivalMs === 1000).length / outcomes.length;
    expect(Math.abs(allSlow - 0.634)).toBeLessThan(0.03);
    expect(figures.oneLeafMs.p95).toBeCloseTo(10, 0);
    // One leaf slow 5 % of the time: 10 ms at the median, 1 s at p99.
    const five = run({ shards: 100, replicas: 1 }, slowLeaves(0.05), 300, 2000).figures.oneLeafMs;
    expect(five.p50).toBeCloseTo(10, 0);
    expect(five.p99).toBeGreaterThan(990);
  });
});

describe('a deadline answers with the shards that made it', () => {
  it('answers by the deadline, with coverage below 1 exactly when a leaf was slow', () => {
    const { outcomes, figures } = run({ shards: 100, replicas: 1, deadlineMs: 50 }, slowLeaves(0.01), 4000, 2000);
    for (const x of outcomes) {
      expect(x.doneMs - x.arrivalMs).toBeLessThanOrEqual(50);
      expect(x.coverage).toBeGreaterThan(0.9);
    }
    const full = outcomes.filter((x) => x.coverage === 1).length / outcomes.length;
    expect(Math.abs(full - 0.99 ** 100)).toBeLessThan(0.02);
    const mean = outcomes.reduce((a, x) => a + x.coverage, 0) / outcomes.length;
    expect(mean).toBeCloseTo(0.99, 2);
    // The slow leaves were cancelled at the deadline, not left running.
    expect(figures.leafRequests.cancelled).toBeGreaterThan(0);
    expect(figures.leafRequests.cancelled / figures.leafRequests.first).toBeCloseTo(0.01, 2);
  });

  it('without slow leaves, every query is answered in full and as fast as without a deadline', () => {
    const a = run({ shards: 20, replicas: 1, deadlineMs: 50 }, { kind: 'deterministic', ms: 10 }, 200, 100);
    const b = run({ shards: 20, replicas: 1 }, { kind: 'deterministic', ms: 10 }, 200, 100);
    expect(a.outcomes.map((x) => [x.doneMs, x.coverage])).toEqual(b.outcomes.map((x) => [x.doneMs, 1]));
  });
});

describe('hedged requests (a second copy after the observed p95)', () => {
  // Each query reads from one of 100 servers (one shard, 100 replicas); a server is slow 1 % of the time.
  const servers = { shards: 1, replicas: 100 };
  const queries = 40_000;

  it('cut p99.9 at least 5x for under 10 % extra requests', () => {
    const plain = run(servers, slowLeaves(0.01), queries, 5);
    const hedged = run({ ...servers, hedge: { afterMs: 'p95', maxExtraShare: 0.1 } }, slowLeaves(0.01), queries, 5);
    const before = plain.latency.percentileMs(99.9);
    const after = hedged.latency.percentileMs(99.9);
    expect(before).toBeGreaterThanOrEqual(1000);
    expect(before / after).toBeGreaterThanOrEqual(5);
    const { first, extra } = hedged.figures.leafRequests;
    expect(first).toBe(queries);
    expect(extra / first).toBeGreaterThan(0);
    expect(extra / first).toBeLessThan(0.1);
    expect(plain.figures.leafRequests.extra).toBe(0);
  });

  it('never send more extra copies than the budget allows', () => {
    // A fixed delay shorter than every request would hedge all of them: the budget stops it at 3 %.
    const { figures, outcomes } = run({ ...servers, hedge: { afterMs: 1, maxExtraShare: 0.03 } }, slowLeaves(0.01), 5000, 5);
    expect(figures.leafRequests.extra / figures.leafRequests.first).toBeLessThanOrEqual(0.03);
    expect(figures.leafRequests.extra / figures.leafRequests.first).toBeGreaterThan(0.02);
    expect(outcomes).toHaveLength(5000);
    for (const x of outcomes) expect(x.coverage).toBe(1);
  });

  it('are byte-identical from run to run with the same seed', () => {
    const a = run({ ...servers, hedge: { afterMs: 'p95', maxExtraShare: 0.1 } }, slowLeaves(0.01), 5000, 5, 3);
    const b = run({ ...servers, hedge: { afterMs: 'p95', maxExtraShare: 0.1 } }, slowLeaves(0.01), 5000, 5, 3);
    expect(JSON.stringify(a.outcomes)).toBe(JSON.stringify(b.outcomes));
  });
});

describe('tied requests (both copies queued; the first to start cancels its twin)', () => {
  // One shard on two replicas, each one server with exponential service of mean 10 ms, at half load.
  const pair = { shards: 1, replicas: 2 };
  const exponential: SyntheticService = { kind: 'exponential', meanMs: 10 };
  const gapMs = 10; // 100 queries/s on two servers of 100/s each: 50 % busy
  const queries = 40_000;
  // The paper's protocol: the second copy 2 message delays after the first, a message 0.1 ms.
  const tie = { afterMs: 0.2, messageMs: 0.1 };

  it('cut p99 under load by at least 25 % for under 5 % extra work', () => {
    const plain = run(pair, exponential, queries, gapMs, 1, true);
    const tied = run({ ...pair, tie }, exponential, queries, gapMs, 1, true);
    const before = plain.latency.percentileMs(99);
    const after = tied.latency.percentileMs(99);
    expect(before).toBeGreaterThan(80); // M/M/1 at 50 %: ln(100) x 10 / 0.5 = 92 ms
    expect(after / before).toBeLessThan(0.75); // measured 93 -> 56 ms
    expect(tied.busyMs / plain.busyMs - 1).toBeLessThan(0.05);
    const l = tied.figures.leafRequests;
    // Every request was tied; nearly every twin was cancelled before it started.
    expect(l.extra).toBeGreaterThan(0.95 * l.first);
    expect(l.bothStarted / l.first).toBeLessThan(0.05);
    expect(l.cancelled).toBeGreaterThan(0.9 * l.extra);
  });

  it('cut p99 beside background work by at least 25 % too (the paper ran them beside a batch job)', () => {
    // Each server stalls 20 ms every 200 ms (10 % of its time), at a seeded phase.
    const stalls = { everyMs: 200, forMs: 20 };
    const plain = run({ ...pair, stalls }, exponential, queries, gapMs, 1, true);
    const tied = run({ ...pair, stalls, tie }, exponential, queries, gapMs, 1, true);
    expect(plain.latency.percentileMs(99)).toBeGreaterThan(run(pair, exponential, queries, gapMs, 1, true).latency.percentileMs(99));
    expect(tied.latency.percentileMs(99) / plain.latency.percentileMs(99)).toBeLessThan(0.75);
    expect(tied.busyMs / plain.busyMs - 1).toBeLessThan(0.05);
  });

  it('run both copies when the cancellation is slower than the servers (the window tying cannot close)', () => {
    // Idle servers and a message slower than the service: both copies start before either hears of the other.
    const { figures } = run({ ...pair, tie: { afterMs: 0, messageMs: 100 } }, { kind: 'deterministic', ms: 10 }, 200, 100);
    expect(figures.leafRequests.bothStarted).toBe(200);
  });

  it('drop the twin on arrival when the first copy started before the second left (idle servers)', () => {
    const { figures, outcomes } = run({ ...pair, tie: { afterMs: 0.2, messageMs: 0.1 } }, { kind: 'deterministic', ms: 10 }, 200, 100);
    expect(figures.leafRequests.bothStarted).toBe(0);
    expect(figures.leafRequests.cancelled).toBe(200);
    for (const x of outcomes) expect(x.doneMs - x.arrivalMs).toBe(10);
  });
});

describe('slow machines', () => {
  it('make the seeded share of machines factor times slower', () => {
    const { outcomes } = run({ shards: 1, replicas: 10, selection: 'round-robin', slowMachines: { share: 0.2, factor: 5 } }, { kind: 'deterministic', ms: 10 }, 100, 100);
    const latencies = outcomes.map((x) => x.doneMs - x.arrivalMs);
    expect(latencies.filter((l) => l === 50)).toHaveLength(20);
    expect(latencies.filter((l) => l === 10)).toHaveLength(80);
  });
});

describe('latency-induced probation (a much slower machine leaves rotation for a while)', () => {
  // One shard on 4 replicas, round-robin; the seed makes one machine 10x slower (100 ms a request).
  // At 20 queries/s it takes 5 a second and is 50 % busy: a quarter of requests wait behind it.
  const layout = { shards: 1, replicas: 4, selection: 'round-robin' as const, slowMachines: { share: 0.25, factor: 10 } };
  const service = { kind: 'exponential' as const, meanMs: 10 };
  it('cuts the p99 at least in half and the p95 by 4x, sending the slow machine a small share of requests', () => {
    const plain = run({ ...layout, tracked: true }, service, 20_000, 50, 3, true);
    const probed = run({ ...layout, probation: { factor: 3, forMs: 5000, minSamples: 5 } }, service, 20_000, 50, 3, true);
    // p99 458 -> 196 ms, p95 232 -> 41 ms (seed 3).
    expect(probed.latency.percentileMs(99)).toBeLessThan(plain.latency.percentileMs(99) / 2);
    expect(probed.latency.percentileMs(95)).toBeLessThan(plain.latency.percentileMs(95) / 4);
    expect(probed.figures.leafRequests.probations).toBeGreaterThan(10);
    // No extra requests: probation moves load, it does not add any.
    expect(probed.figures.leafRequests.extra).toBe(0);
    const slow = probed.outcomes.filter((o) => o.serviceMs > 50).length / probed.outcomes.length;
    expect(slow).toBeLessThan(0.1);
  });
  it('leaves a healthy cluster almost alone', () => {
    const plain = run({ shards: 1, replicas: 4, selection: 'round-robin', tracked: true }, service, 20_000, 50, 3, true);
    const probed = run({ shards: 1, replicas: 4, selection: 'round-robin', probation: { factor: 3, forMs: 5000, minSamples: 5 } }, service, 20_000, 50, 3, true);
    expect(probed.latency.percentileMs(99)).toBeLessThan(plain.latency.percentileMs(99) * 1.1);
  });
  it('never takes the last serving replica of a shard out', () => {
    const { outcomes } = run({ shards: 1, replicas: 1, probation: { factor: 1.01, forMs: 1e9, minSamples: 1 }, slowMachines: { share: 1, factor: 10 } }, service, 2000, 50, 3, true);
    expect(outcomes).toHaveLength(2000);
    expect(outcomes.every((o) => o.coverage === 1)).toBe(true);
  });
});

describe('background stalls', () => {
  it('take each machine for forMs every everyMs: requests arriving in a stall wait for its end', () => {
    // 0.1 ms requests every 3 ms; the one machine stalls 10 ms every 100 ms: the 10 % that arrive in a
    // stall wait for its end (at most 10 ms), the others not at all.
    const { outcomes, figures } = run({ shards: 1, replicas: 1, stalls: { everyMs: 100, forMs: 10 } }, { kind: 'deterministic', ms: 0.1 }, 30_000, 3);
    const latencies = outcomes.map((x) => x.doneMs - x.arrivalMs);
    const waited = latencies.filter((l) => l > 0.1 + 1e-9).length / latencies.length;
    expect(Math.abs(waited - 0.1)).toBeLessThan(0.01);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(10.1 + 1e-9);
    // The stalls are busy time: 3.3 % for the requests and 10 % for the stalls.
    expect(figures.cpu[0]).toBeCloseTo(0.1 / 3 + 0.1, 2);
  });

  it('are seeded: the same seed gives the same phases, another seed others', () => {
    const o = { shards: 1, replicas: 4, stalls: { everyMs: 100, forMs: 10 } };
    const a = run(o, { kind: 'deterministic', ms: 0.5 }, 2000, 1, 5);
    const b = run(o, { kind: 'deterministic', ms: 0.5 }, 2000, 1, 5);
    const c = run(o, { kind: 'deterministic', ms: 0.5 }, 2000, 1, 6);
    expect(JSON.stringify(a.outcomes)).toBe(JSON.stringify(b.outcomes));
    expect(JSON.stringify(a.outcomes)).not.toBe(JSON.stringify(c.outcomes));
  });
});

describe('machine failures and repairs', () => {
  // MTBF 900 ms, MTTR 100 ms: each machine is down 10 % of the time; about 1,000 failures a machine.
  const failures = { mtbfMs: 900, mttrMs: 100 };
  it.each([1, 2, 3])('a shard with %i replicas is available 1 - (MTTR/(MTBF+MTTR))^R of the time, within 1 point', (replicas) => {
    const { outcomes } = run({ shards: 1, replicas, failures, selection: 'round-robin' }, { kind: 'deterministic', ms: 1 }, 100_000, 10);
    const available = outcomes.filter((x) => x.coverage === 1).length / outcomes.length;
    expect(available).toBeLessThan(1); // failures happened (measured 0.895, 0.987, 0.998)
    expect(Math.abs(available - (1 - 0.1 ** replicas))).toBeLessThan(0.01);
  });

  it('with one replica, a dead machine removes its shard from the answers until it is repaired', () => {
    const { outcomes } = run({ shards: 10, replicas: 1, outages: [{ machine: 3, atMs: 1000, forMs: 1000 }] }, { kind: 'deterministic', ms: 1 }, 300, 10);
    for (const x of outcomes) expect(x.coverage).toBe(x.arrivalMs >= 1000 && x.arrivalMs < 2000 ? 0.9 : 1);
  });

  it('with two replicas, queries lose the shard only until the router notices (the detection delay)', () => {
    const { outcomes } = run({ shards: 10, replicas: 2, selection: 'round-robin', detectionMs: 100, outages: [{ machine: 6, atMs: 1000, forMs: 1000 }] }, { kind: 'deterministic', ms: 1 }, 300, 10);
    const partial = outcomes.filter((x) => x.coverage < 1);
    expect(partial.length).toBeGreaterThan(0);
    for (const x of partial) {
      expect(x.arrivalMs).toBeGreaterThanOrEqual(1000);
      expect(x.arrivalMs).toBeLessThan(1100);
    }
  });
});

describe('queries of death and canary requests', () => {
  // One query in 1000 crashes every machine it runs on; a crashed machine is back after 60 s.
  const qod = { share: 0.001, repairMs: 60_000 };
  const count = (o: QueryOutcome[]) => o.length;
  it('unprotected, a query of death crashes every machine it fans out to', () => {
    const { figures, outcomes } = run({ shards: 50, replicas: 2, queriesOfDeath: qod }, { kind: 'deterministic', ms: 5 }, 3000, 20);
    const deadly = outcomes.filter((x) => x.coverage === 0).length;
    expect(deadly).toBeGreaterThan(0);
    // Each deadly query reached one replica of every shard: 50 machines each.
    expect(figures.leafRequests.crashes).toBe(deadly * 50);
  });

  it.each([
    [1, 2],
    [2, 3],
  ])('with %i canaries and at most %i crashes, a query of death crashes no more machines than that, and is refused', (canaries, maxCrashes) => {
    const { figures, outcomes } = run({ shards: 50, replicas: 2, queriesOfDeath: qod, canaries: { count: canaries, maxCrashes } }, { kind: 'deterministic', ms: 5 }, 3000, 20);
    const refused = figures.leafRequests.refused;
    expect(refused).toBeGreaterThan(0);
    expect(figures.leafRequests.crashes).toBeLessThanOrEqual(refused * (canaries + maxCrashes - 1));
    expect(figures.leafRequests.crashes).toBeGreaterThanOrEqual(refused * maxCrashes);
    expect(count(outcomes)).toBe(3000);
    // The other queries are answered in full, one canary round trip later.
    const healthy = outcomes.filter((x) => x.coverage > 0);
    expect(healthy.length).toBe(3000 - refused);
    for (const x of healthy) expect(x.coverage).toBe(1);
  });

  it('canaries cost healthy queries one round trip (latency 2 x the leaf time when idle)', () => {
    const { outcomes } = run({ shards: 10, replicas: 1, canaries: { count: 1, maxCrashes: 2 } }, { kind: 'deterministic', ms: 5 }, 100, 50);
    for (const x of outcomes) expect(x.doneMs - x.arrivalMs).toBe(10);
  });
});

describe('bad tail options are one-line errors naming the field', () => {
  const ok = {
    name: 't',
    workload: { arrival: { kind: 'poisson', qps: 10 }, queries: 2000, warmupQueries: 100 },
    cluster: { shards: 2, replicas: 2 },
    service: { kind: 'exponential', meanMs: 10 },
  };
  it.each([
    [{ router: { deadlineMs: 0 } }, /^s\.json: router\.deadlineMs: Too small: expected number to be >0, got 0$/],
    [{ router: { hedge: { afterMs: -5 } } }, /^s\.json: router\.hedge\.afterMs: .*got -5$/],
    [{ router: { hedge: { afterMs: 'p99' } } }, /^s\.json: router\.hedge\.afterMs: .*got "p99"$/],
    [{ faults: { slowMachines: { share: 1.5, factor: 2 } } }, /^s\.json: faults\.slowMachines\.share: Too big: expected number to be <=1, got 1\.5$/],
    [{ faults: { slowMachines: { share: 0.1, factor: 0.5 } } }, /^s\.json: faults\.slowMachines\.factor: Too small: expected number to be >=1, got 0\.5$/],
    [{ faults: { failures: { mtbfMs: 0, mttrMs: 10 } } }, /^s\.json: faults\.failures\.mtbfMs: Too small: expected number to be >0, got 0$/],
    [{ faults: { stalls: { everyMs: 100, forMs: -1 } } }, /^s\.json: faults\.stalls\.forMs: Too small: expected number to be >0, got -1$/],
    [{ router: { tie: { afterMs: -1 } } }, /^s\.json: router\.tie\.afterMs: Too small: expected number to be >=0, got -1$/],
    [{ router: { probation: { factor: 1 } } }, /^s\.json: router\.probation\.factor: Too small: expected number to be >1, got 1$/],
    [{ router: { resultCache: { entries: 0 } } }, /^s\.json: router\.resultCache\.entries: Too small: expected number to be >0, got 0$/],
  ])('%j', (extra, message) => {
    expect(() => parseScenario({ ...ok, ...extra }, 's.json', '.')).toThrow(message);
  });
});
