// The library's entry (package.json "exports"): searchsim ships as TypeScript and runs through tsx's
// loader, as bin/searchsim.js does, so an importer needs no build step. Types: src/api/index.ts.
import { register } from 'tsx/esm/api';

register();
const api = await import('../src/api/index.ts');
export const { simulate, compare, sweep, plan, funnel, loadScenario, SearchsimError } = api;
