export { COMPUTE_DEVICES, COMPUTE_DEVICE_NAMES, CPUS, DISKS, HARDWARE_PRESETS, HARDWARE_PRESET_NAMES, MEMORIES, NETWORKS } from './profiles.ts';
export { checkHardware, hardwarePreset, isHardwareFile, readHardwareFile } from './file.ts';
export type { ComputeDevice, CpuProfile, DiskProfile, HardwarePreset, MemoryProfile, NetworkProfile } from './profiles.ts';
export {
  HIT_BYTES,
  MESSAGE_OVERHEAD_BYTES,
  QUERY_BYTES_PER_TERM,
  busyJoules,
  byteJoules,
  diskReadMs,
  leafCpuMs,
  memoryReadMs,
  mergeCpuMs,
  modelMsPerCandidate,
  networkMs,
} from './costs.ts';
