import { afterEach, describe, expect, it } from 'vitest';
import type { PreparedQuery, QueryOutcome, ServingModel, SyntheticService } from '../../src/cluster/index.ts';
import type { DrivenClock } from '../../src/sim/index.ts';

/** A layout and a synthetic leaf service time, as the contract asks for them. */
export interface ContractLayout {
  shards: number;
  replicas: number;
  cores: number;
  service: SyntheticService;
}

/** A serving model on its clock; `close` (a live cluster's threads) runs after each test. */
export interface ContractTarget {
  clock: DrivenClock;
  serving: ServingModel;
  close?: () => Promise<void>;
}

export type ServingFactory = (layout: ContractLayout) => ContractTarget | Promise<ContractTarget>;

/**
 * Tolerances: 0 for a simulation; a live cluster passes its own (timer and thread jitter), and retries a
 * timing test the host's own load spoiled (a 2-core machine running other test files beside it).
 */
export interface ContractTolerance {
  ms: number;
  share: number;
  retry?: number;
}

const query = (seq: number): PreparedQuery => ({ seq, termCount: 0, termKeys: new Int32Array(0), work: null });

/** Submits `n` queries at the given instants and runs the clock to the end; outcomes by seq. */
async function submitAll(clock: DrivenClock, serving: ServingModel, atMs: number[]): Promise<QueryOutcome[][]> {
  const out: QueryOutcome[][] = atMs.map(() => []);
  atMs.forEach((t, seq) => clock.at(t, () => serving.submit(query(seq), (o) => out[seq].push({ ...o }))));
  await clock.advance();
  return out;
}

/**
 * The serving seam's contract (src/cluster/serving.ts), for any implementation: the simulated cluster
 * runs it with zero tolerance (servingModel.contract.test.ts); a live cluster runs it with its own.
 */
export function servingModelContract(name: string, factory: ServingFactory, tol: ContractTolerance = { ms: 1e-9, share: 1e-9 }): void {
  describe(`ServingModel contract: ${name}`, { retry: tol.retry ?? 0 }, () => {
    const opened: ContractTarget[] = [];
    const make = async (l: ContractLayout): Promise<ContractTarget> => {
      const t = await factory(l);
      opened.push(t);
      return t;
    };
    afterEach(async () => {
      for (const t of opened.splice(0)) await t.close?.();
    });

    it('answers every query exactly once, with its seq, never before it arrived, in no less than its service time', async () => {
      const { clock, serving } = await make({ shards: 3, replicas: 2, cores: 2, service: { kind: 'exponential', meanMs: 5 } });
      const at = Array.from({ length: 300 }, (_, i) => i * 2);
      const out = await submitAll(clock, serving, at);
      out.forEach((o, seq) => {
        expect(o).toHaveLength(1);
        expect(o[0].seq).toBe(seq);
        expect(o[0].arrivalMs).toBeCloseTo(at[seq], 6);
        expect(o[0].doneMs).toBeGreaterThanOrEqual(o[0].arrivalMs);
        expect(o[0].serviceMs).toBeGreaterThan(0);
        expect(o[0].serviceMs).toBeLessThanOrEqual(o[0].doneMs - o[0].arrivalMs + tol.ms);
        expect(o[0].failedLeaves).toBe(0);
      });
    });

    it('answers a query on an idle cluster in exactly its service time', async () => {
      const { clock, serving } = await make({ shards: 4, replicas: 1, cores: 1, service: { kind: 'deterministic', ms: 7 } });
      const [[o]] = await submitAll(clock, serving, [0]);
      expect(Math.abs(o.doneMs - o.arrivalMs - 7)).toBeLessThanOrEqual(tol.ms);
      expect(Math.abs(o.serviceMs - 7)).toBeLessThanOrEqual(tol.ms);
    });

    it('makes a query wait behind work charged to its machine', async () => {
      const { clock, serving } = await make({ shards: 1, replicas: 1, cores: 1, service: { kind: 'deterministic', ms: 2 } });
      expect(serving.chargeCpu(0, 0, 50)).toBeCloseTo(50, 9);
      const [[o]] = await submitAll(clock, serving, [0]);
      expect(o.doneMs - o.arrivalMs).toBeGreaterThanOrEqual(52 - tol.ms);
      expect(Math.abs(o.serviceMs - 2)).toBeLessThanOrEqual(tol.ms);
    });

    it('reports busy shares in [0, 1] per machine, counting only the measured window', async () => {
      // One core, 10 ms a query every 20 ms: half busy. The window is queries 10..19; before it the
      // machine was saturated by charged work, which the window must not count.
      const { clock, serving } = await make({ shards: 1, replicas: 1, cores: 1, service: { kind: 'deterministic', ms: 10 } });
      serving.stopMeasuring();
      serving.chargeCpu(0, 0, 150);
      const out: QueryOutcome[] = [];
      for (let seq = 0; seq < 20; seq++) {
        clock.at(200 + seq * 20, () => {
          if (seq === 10) serving.startMeasuring();
          serving.submit(query(seq), (o) => out.push({ ...o }));
        });
      }
      await clock.advance();
      const f = serving.figures(400, 590);
      expect(f.cpu).toHaveLength(serving.machines);
      expect(f.disk).toHaveLength(serving.machines);
      expect(f.shardBusyMs).toHaveLength(serving.shards);
      expect(Math.abs(f.cpu[0] - 100 / 190)).toBeLessThanOrEqual(tol.share);
      for (const x of [...f.cpu, ...f.disk]) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
      }
      expect(out).toHaveLength(20);
    });

    it('sends no request to a replica out of rotation while another is in', async () => {
      const { clock, serving } = await make({ shards: 2, replicas: 2, cores: 1, service: { kind: 'deterministic', ms: 1 } });
      serving.setOutOfRotation((replica) => replica === 0);
      serving.startMeasuring();
      const out = await submitAll(
        clock,
        serving,
        Array.from({ length: 40 }, (_, i) => i * 5),
      );
      expect(out.every((o) => o.length === 1)).toBe(true);
      const f = serving.figures(0, 196);
      // Machine m is shard m / replicas, replica m % replicas: replica 0 of each shard stays idle.
      expect(f.cpu[0]).toBe(0);
      expect(f.cpu[2]).toBe(0);
      expect(f.cpu[1]).toBeGreaterThan(0);
      expect(f.cpu[3]).toBeGreaterThan(0);
    });
  });
}
