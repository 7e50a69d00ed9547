export { SearchsimError, errorData, errorFromData, errors, invariant, preview } from './errors.ts';
export type { ErrorCode, ErrorData, InputLocation } from './errors.ts';
export { fnv1a32, shardOf, staticRankKey } from './hash.ts';
export type { Bytes, SimMs } from './units.ts';
export { Rng } from './rng.ts';
export { grown } from './arrays.ts';
export { fromExactJson, parseExact, stringifyExact, toExactJson } from './json.ts';
