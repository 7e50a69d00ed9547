import { errors } from '../core/index.ts';
import { parseScenario, type LoadedScenario, type Scenario } from '../scenarios/index.ts';

/** A sweep's axes: the layouts and loads to try, and any scenario field a user names (`--set`). */
export interface SweepAxes {
  shards?: number[];
  replicas?: number[];
  mode?: ('disk' | 'memory')[];
  /** Expansion term caps (the expansion study's axis). */
  terms?: number[];
  /** Fixed arrival rates; absent with --find-max-qps. */
  qps?: number[];
  /** `--set path=v1,v2`: a JSON path into the scenario and its values. */
  set?: { path: string; values: (string | number | boolean)[] }[];
}

/** One point of the grid before it runs: its coordinates and its scenario. */
export interface GridPoint {
  params: Record<string, string | number>;
  /** The scenario at this point, validated (a point over the caps is an error before any run). */
  loaded: LoadedScenario;
  /** Index into the qps axis, or -1 (find-max-qps): points differing only in qps share a layout. */
  layout: string;
}

/** Most points a sweep runs (each is at least one run). */
export const MAX_POINTS = 10_000;

/** The axes in the order points vary (the last fastest), with their names as the JSON shows them. */
function axisList(axes: SweepAxes): { name: string; values: (string | number | boolean)[]; apply: (s: Scenario, v: never) => void }[] {
  const list: { name: string; values: (string | number | boolean)[]; apply: (s: Scenario, v: never) => void }[] = [];
  const add = <T extends string | number | boolean>(name: string, values: T[] | undefined, apply: (s: Scenario, v: T) => void) => {
    if (values === undefined) return;
    if (values.length === 0) throw errors.option(`--${name}`, 'at least one value', '');
    list.push({ name, values, apply: apply as (s: Scenario, v: never) => void });
  };
  add('mode', axes.mode, (s, v) => (s.cluster.mode = v));
  add('shards', axes.shards, (s, v) => (s.cluster.shards = v));
  add('replicas', axes.replicas, (s, v) => (s.cluster.replicas = v));
  for (const set of axes.set ?? []) add(set.path, set.values, (s, v) => setPath(s, set.path, v));
  add('terms', axes.terms, (s, v) => {
    s.expansion = { ...s.expansion, policy: s.expansion.policy === 'none' ? 'both' : s.expansion.policy, maxTerms: v };
  });
  add('qps', axes.qps, (s, v) => {
    const a = s.workload.arrival;
    if (a.kind === 'trace' || a.kind === 'closed') throw errors.option('--qps', `used with arrival kinds fixed, poisson or diurnal (this scenario's is ${a.kind})`, v);
    a.qps = v;
  });
  return list;
}

/** The axes' names and values, as the sweep's JSON lists them. */
export function axesOf(axes: SweepAxes): { name: string; values: (string | number)[] }[] {
  return axisList(axes).map((a) => ({ name: a.name, values: a.values.map((v) => (typeof v === 'boolean' ? String(v) : v)) }));
}

/**
 * Every combination of the axes' values, each a validated scenario. The scenario's own value stands
 * for an axis not given. A point the scenario schema refuses (a field that does not exist, a layout past
 * the caps) is an error naming the option, before anything runs.
 */
export function gridPoints(base: LoadedScenario, axes: SweepAxes): GridPoint[] {
  for (const set of axes.set ?? []) checkSetPath(base, set.path, set.values[0]);
  const list = axisList(axes);
  const total = list.reduce((n, a) => n * a.values.length, 1);
  if (total > MAX_POINTS) throw errors.option('the sweep', `at most ${MAX_POINTS} points (the axes' values multiplied)`, total);
  const points: GridPoint[] = [];
  const at = list.map(() => 0);
  for (let n = 0; n < total; n++) {
    const raw = structuredClone(base.scenario);
    const params: Record<string, string | number> = {};
    const layout: string[] = [];
    list.forEach((a, i) => {
      const v = a.values[at[i]];
      a.apply(raw, v as never);
      params[a.name] = typeof v === 'boolean' ? String(v) : v;
      if (a.name !== 'qps') layout.push(`${a.name}=${params[a.name]}`);
    });
    // The expansion study isolates terms, the sweep layouts: a change stream is left out of neither.
    let loaded: LoadedScenario;
    try {
      loaded = parseScenario(raw, base.source, base.baseDir);
    } catch (e) {
      const where = Object.entries(params)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      throw errors.option(`the sweep point ${where}`, 'a valid scenario', (e as Error).message);
    }
    points.push({ params, loaded, layout: layout.join(' ') });
    for (let i = list.length - 1; i >= 0; i--) {
      if (++at[i] < list[i].values.length) break;
      at[i] = 0;
    }
  }
  return points;
}

/** A `--set` path the scenario schema does not know is refused by its name, before any point is built. */
function checkSetPath(base: LoadedScenario, path: string, value: unknown): void {
  const raw = structuredClone(base.scenario);
  setPath(raw, path, value);
  try {
    parseScenario(raw, base.source, base.baseDir);
  } catch (e) {
    const why = (e as Error).message.replace(`${base.source}: `, '');
    if (/Unrecognized key/.test(why)) throw errors.option('--set', `a field of the scenario (${why})`, path);
  }
}

/** Sets `path` (dot separated) in a scenario object; every field but the last must exist. */
function setPath(s: Scenario, path: string, value: unknown): void {
  const keys = path.split('.');
  let o: Record<string, unknown> = s as unknown as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) {
    const next = o[k];
    if (next === null || typeof next !== 'object') throw errors.option('--set', `a path into the scenario (${keys.slice(0, keys.indexOf(k) + 1).join('.')} is not a section)`, path);
    o = next as Record<string, unknown>;
  }
  o[keys[keys.length - 1]] = value;
}

/** Parses `--set path=v1,v2`: numbers and true/false as such, the rest as strings. */
export function parseSet(text: string): { path: string; values: (string | number | boolean)[] } {
  const m = /^([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)=(.+)$/.exec(text.trim());
  if (!m) throw errors.option('--set', 'like cluster.hardware=2001,modern (a scenario field, =, values separated by commas)', text);
  const values = m[2].split(',').map((v) => {
    const t = v.trim();
    if (t === 'true' || t === 'false') return t === 'true';
    return t !== '' && Number.isFinite(Number(t)) ? Number(t) : t;
  });
  return { path: m[1], values };
}
