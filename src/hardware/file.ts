import { readFileSync, statSync } from 'node:fs';
import { errors } from '../core/index.ts';
import { HARDWARE_PRESETS, HARDWARE_PRESET_NAMES, type HardwarePreset } from './profiles.ts';

/**
 * A hardware profile read from a JSON file (`searchsim calibrate` writes one; a scenario names it as
 * `"hardware": "host.json"`): the four profiles of a `HardwarePreset` and its disk count; other keys (the
 * calibration's own record) are kept out of the profile. Every field is checked, and a missing or bad one
 * is named with the file.
 */

/** Fields that must be above 0 (a rate, a size, a count); every other number may be 0 but not below. */
const POSITIVE = new Set(['cpu.cores', 'disks', 'disk.transferBytesPerMs', 'disk.capacityBytes', 'memory.bandwidthBytesPerMs', 'memory.ramBytes', 'network.bandwidthBytesPerMs']);

const SHAPE: Record<string, readonly string[]> = {
  cpu: ['cores', 'nsPerPosting', 'nsPerTerm', 'nsPerRequest', 'nsPerMergedHit', 'wattsPerCore'],
  memory: ['bandwidthBytesPerMs', 'ramBytes', 'reservedBytes', 'pjPerByte'],
  disk: ['seekMs', 'rotationMs', 'transferBytesPerMs', 'capacityBytes', 'activeWatts', 'pjPerByte'],
  network: ['oneWayMs', 'bandwidthBytesPerMs', 'pjPerByte'],
};

const cache = new Map<string, { mtimeMs: number; preset: HardwarePreset }>();

/** Reads and checks a hardware file (read again only when it changes). */
export function readHardwareFile(path: string): HardwarePreset {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
  } catch {
    throw errors.notFound(path, 'hardware file (write one with `searchsim calibrate --out FILE`)');
  }
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === mtimeMs) return hit.preset;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw errors.input({ file: path }, 'a JSON hardware profile', (e as Error).message);
  }
  const preset = checkHardware(value, path);
  cache.set(path, { mtimeMs, preset });
  return preset;
}

/** Checks a parsed hardware profile; `file` names it in errors. */
export function checkHardware(value: unknown, file: string): HardwarePreset {
  const root = asObject(value, file, '(the file)');
  const out: Record<string, unknown> = { name: typeof root.name === 'string' ? root.name : file, disks: numberAt(root, 'disks', file, 'disks') };
  for (const [part, fields] of Object.entries(SHAPE)) {
    const o = asObject(root[part], file, part);
    const profile: Record<string, unknown> = { name: typeof o.name === 'string' ? o.name : `${file} ${part}` };
    for (const f of fields) profile[f] = numberAt(o, f, file, `${part}.${f}`);
    out[part] = profile;
  }
  return out as unknown as HardwarePreset;
}

function asObject(v: unknown, file: string, field: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw errors.input({ file, field }, 'an object', v === undefined ? 'nothing' : JSON.stringify(v));
  return v as Record<string, unknown>;
}

function numberAt(o: Record<string, unknown>, key: string, file: string, field: string): number {
  const v = o[key];
  const positive = POSITIVE.has(field);
  const ok = typeof v === 'number' && Number.isFinite(v) && (positive ? v > 0 : v >= 0);
  if (!ok) throw errors.input({ file, field }, positive ? 'a number above 0' : 'a number >= 0', v === undefined ? 'nothing (the field is missing)' : JSON.stringify(v));
  if (field === 'cpu.cores' || field === 'disks') {
    if (!Number.isInteger(v)) throw errors.input({ file, field }, 'a whole number above 0', JSON.stringify(v));
  }
  return v as number;
}

/** A named preset, or a hardware file (a path ending in .json). */
export function hardwarePreset(name: string): HardwarePreset {
  const p = HARDWARE_PRESETS[name];
  if (p) return p;
  if (isHardwareFile(name)) return readHardwareFile(name);
  throw errors.option('cluster.hardware', `one of ${HARDWARE_PRESET_NAMES.join(', ')}, or a hardware file (.json)`, name);
}

/** Whether a hardware name is a file's path rather than a preset's name. */
export function isHardwareFile(name: string): boolean {
  return /\.json$/i.test(name);
}
