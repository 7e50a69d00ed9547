import { SyntheticServiceModel } from '../../src/cluster/index.ts';
import { Rng } from '../../src/core/index.ts';
import { HARDWARE_PRESETS } from '../../src/hardware/index.ts';
import { LiveCluster, WallClock } from '../../src/live/index.ts';
import { LiveMachines } from '../../src/shard/index.ts';
import { servingModelContract, type ContractLayout } from '../cluster/servingModel.contract.ts';

/**
 * The live cluster on the serving seam's contract: a worker thread per machine, synthetic leaves spun on
 * them, wall-clock time. A live machine has one core (its thread), whatever the layout asks. Its
 * tolerance is the host's: message round trips and timer jitter (a few milliseconds on a loaded 2-core
 * machine), and busy shares measured by the workers themselves.
 */
servingModelContract(
  'LiveCluster (worker threads, wall clock)',
  async (l: ContractLayout) => {
    const machines = await LiveMachines.open({ shards: l.shards, replicas: l.replicas, index: null, disk: null });
    const clock = new WallClock();
    const serving = new LiveCluster(clock, machines, {
      k: 10,
      selection: 'round-robin',
      service: new SyntheticServiceModel(l.service, new Rng(1), 10),
      hardware: HARDWARE_PRESETS['2001'],
      watchdogMs: 30_000,
      seed: 2,
    });
    return {
      clock,
      serving,
      close: async () => {
        serving.close();
        await machines.close();
      },
    };
  },
  { ms: 8, share: 0.05, retry: 3 },
);
