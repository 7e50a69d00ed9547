import { describe, expect, it } from 'vitest';
import { HARDWARE_PRESETS, checkHardware } from '../../src/hardware/index.ts';
import { calibrateHost, fitCpu } from '../../src/live/index.ts';
import { hardwareFileOf } from '../../src/scenarios/index.ts';

describe('host calibration', () => {
  it('fits CPU per posting, per term and per request exactly from exact samples', () => {
    const samples = Array.from({ length: 50 }, (_, i) => {
      const postings = (i * 37) % 400;
      const terms = 1 + (i % 7);
      return { postings, terms, cpuMs: (postings * 20 + terms * 2000 + 100_000) / 1e6 };
    });
    const f = fitCpu(samples);
    expect(f.nsPerPosting).toBeCloseTo(20, 6);
    expect(f.nsPerTerm).toBeCloseTo(2000, 4);
    expect(f.nsPerRequest).toBeCloseTo(100_000, 2);
    expect(f.r2).toBeCloseTo(1, 9);
  });

  it('never fits a negative cost: it sets it to 0 and fits the others without it', () => {
    // Time falls with terms here (noise can do that): a negative per-term cost would let a model run
    // faster than its work.
    const samples = Array.from({ length: 40 }, (_, i) => ({ postings: i * 10, terms: 1 + (i % 4), cpuMs: (i * 10 * 50 - (1 + (i % 4)) * 300 + 5000) / 1e6 }));
    const f = fitCpu(samples);
    expect(f.nsPerTerm).toBe(0);
    expect(f.nsPerPosting).toBeGreaterThan(0);
    expect(f.nsPerRequest).toBeGreaterThan(0);
  });

  it('measures this host into a profile a scenario can name, every figure with its range', async () => {
    const queries = ['boundary layer flow', 'heat transfer', 'supersonic wing', 'shock wave interaction with a boundary layer'];
    const c = await calibrateHost({ index: { corpus: 'workloads/cranfield', shards: 1 }, queries: Array.from({ length: 40 }, (_, i) => queries[i % 4]), base: HARDWARE_PRESETS['2001'], repetitions: 2, roundTrips: 20 });
    for (const m of Object.values(c.measured)) {
      expect(m.low).toBeLessThanOrEqual(m.value);
      expect(m.value).toBeLessThanOrEqual(m.high);
      expect(m.value).toBeGreaterThanOrEqual(0);
    }
    expect(c.measured.oneWayMs.value).toBeGreaterThan(0);
    expect(c.hardware.disk).toEqual(HARDWARE_PRESETS['2001'].disk);
    // What calibrate --out writes reads back as the same profile.
    expect(checkHardware(JSON.parse(JSON.stringify(hardwareFileOf(c, 'now'))), 'host.json')).toEqual({ ...c.hardware });
  });
});
