export { ScenarioSchema, scenarioJsonSchema } from './schema.ts';
export type { Scenario, ScenarioInput } from './schema.ts';
export { PACKAGE_ROOT, formatIssues, loadScenarioFile, parseScenario, resolvePath } from './load.ts';
export type { LoadedScenario } from './load.ts';
export { BRIN_PAGE_INDEX_BYTES_PER_DOC, DEFAULT_TRACE, applyOverrides, simulate } from './simulate.ts';
export type { SimulateOptions } from './simulate.ts';
