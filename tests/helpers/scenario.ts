import { parseScenario, simulate, type ScenarioInput, type SimulateOptions } from '../../src/scenarios/index.ts';
import type { RunReport } from '../../src/report/index.ts';

/** Runs a scenario given as an object, paths relative to the repository root. */
export function run(s: ScenarioInput, options: SimulateOptions = {}): Promise<RunReport> {
  return simulate(parseScenario(s, 'test scenario', process.cwd()), { threads: 0, ...options });
}
