import { describe, expect, it } from 'vitest';
import { HARDWARE_PRESETS, hardwarePreset, readHardwareFile } from '../../src/hardware/index.ts';
import { parseScenario, simulate } from '../../src/scenarios/index.ts';
import { tempFiles } from '../helpers/files.ts';

const files = tempFiles('hardware');
const profile = (edit: (p: Record<string, any>) => void = () => {}): string => {
  const p = structuredClone(HARDWARE_PRESETS['2001']) as unknown as Record<string, any>;
  p.name = 'host';
  edit(p);
  return JSON.stringify({ ...p, calibration: { date: 'today' } });
};

describe('hardware files', () => {
  it('reads a profile written as JSON, leaving the calibration record out of it', () => {
    const path = files.file('ok.json', profile((p) => (p.cpu.nsPerRequest = 123_000)));
    const hw = readHardwareFile(path);
    expect(hw.cpu.nsPerRequest).toBe(123_000);
    expect(hw.disk).toEqual(HARDWARE_PRESETS['2001'].disk);
    expect(hw).not.toHaveProperty('calibration');
    expect(hardwarePreset(path)).toEqual(hw);
  });

  it.each([
    ['a missing field', (p: Record<string, any>) => delete p.cpu.nsPerPosting, /missing\.json field "cpu\.nsPerPosting": expected a number >= 0, got nothing \(the field is missing\)/],
    ['a negative cost', (p: Record<string, any>) => (p.network.oneWayMs = -1), /field "network\.oneWayMs": expected a number >= 0, got -1/],
    ['a zero rate', (p: Record<string, any>) => (p.disk.transferBytesPerMs = 0), /field "disk\.transferBytesPerMs": expected a number above 0, got 0/],
    ['a missing profile', (p: Record<string, any>) => delete p.memory, /field "memory": expected an object, got nothing/],
  ])('names the file and field of %s', (_what, edit, message) => {
    const path = files.file('missing.json', profile(edit));
    expect(() => readHardwareFile(path)).toThrow(message);
  });

  it('a scenario naming a hardware file that is not there names the scenario, the field and the file', () => {
    expect(() => parseScenario({ name: 'h', workload: { arrival: { kind: 'poisson', qps: 1 }, queries: 10 }, cluster: { hardware: 'nowhere.json' } }, 'my-scenario.json', files.dir)).toThrow(/^my-scenario\.json: cluster\.hardware: .*nowhere\.json: no such hardware file/);
  });

  it('is found beside the scenario that names it, and its CPU times the leaves', async () => {
    files.file('slow.json', profile((p) => (p.cpu.nsPerRequest = 50_000_000)));
    const base = { name: 'h', seed: 1, corpus: `${process.cwd()}/workloads/cranfield`, workload: { arrival: { kind: 'poisson', qps: 1 }, queries: 200, warmupQueries: 20 } };
    const runIn = (cluster: object) => simulate(parseScenario({ ...base, cluster }, 'test scenario', files.dir), { threads: 0 });
    const fast = await runIn({ shards: 2, hardware: '2001' });
    const slow = await runIn({ shards: 2, hardware: 'slow.json' });
    // 50 ms a leaf request instead of 0.1 ms: the service time grows by about 49.9 ms.
    expect(slow.serviceMs.p50 - fast.serviceMs.p50).toBeGreaterThan(49);
    expect(slow.cluster.hardware).toBe('host');
  });
});
