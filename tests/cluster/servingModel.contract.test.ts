import { SimulatedCluster, SyntheticServiceModel } from '../../src/cluster/index.ts';
import { Rng } from '../../src/core/index.ts';
import { HARDWARE_PRESETS } from '../../src/hardware/index.ts';
import { Simulation } from '../../src/sim/index.ts';
import { servingModelContract, type ContractLayout } from './servingModel.contract.ts';

/** The simulated cluster, plain (Lindley stations) and tracked (cancellable requests), on the contract. */
for (const tracked of [false, true]) {
  servingModelContract(`SimulatedCluster (${tracked ? 'tracked' : 'plain'} machines)`, (l: ContractLayout) => {
    const clock = new Simulation();
    const serving = new SimulatedCluster(
      clock,
      { shards: l.shards, replicas: l.replicas, mode: 'memory', hardware: HARDWARE_PRESETS['2001'], cores: l.cores, disks: 1, selection: 'round-robin', cacheBytes: 0, hops: false, tracked },
      new SyntheticServiceModel(l.service, new Rng(1), 10),
      new Rng(2),
    );
    return { clock, serving };
  });
}
