import type { ComputeDevice, CpuProfile, DiskProfile, MemoryProfile, NetworkProfile } from './profiles.ts';

/**
 * The cost model (docs/DESIGN.md section 3): pure functions from work to milliseconds or joules. Nothing here
 * sleeps or keeps state; queues belong to the simulator.
 */

/** A random read of `bytes` contiguous bytes: seek, half a rotation on average, transfer. */
export function diskReadMs(d: DiskProfile, bytes: number): number {
  return d.seekMs + d.rotationMs / 2 + bytes / d.transferBytesPerMs;
}

/** Streaming `bytes` from RAM. */
export function memoryReadMs(m: MemoryProfile, bytes: number): number {
  return bytes / m.bandwidthBytesPerMs;
}

/** CPU time of one leaf request: postings decoded and scored, terms looked up, fixed overhead. */
export function leafCpuMs(c: CpuProfile, postings: number, terms: number): number {
  return (postings * c.nsPerPosting + terms * c.nsPerTerm + c.nsPerRequest) / 1e6;
}

/** Router CPU to merge `hits` shard hits into the top k. */
export function mergeCpuMs(c: CpuProfile, hits: number): number {
  return (hits * c.nsPerMergedHit + c.nsPerRequest) / 1e6;
}

/** A ranking model on `device`: milliseconds per candidate it scores, at the device's peak. */
export function modelMsPerCandidate(device: ComputeDevice, opsPerCandidate: number): number {
  return (opsPerCandidate / device.opsPerS) * 1000;
}

/** One network hop carrying `bytes`: latency plus serialization on the link. */
export function networkMs(n: NetworkProfile, bytes: number): number {
  return n.oneWayMs + bytes / n.bandwidthBytesPerMs;
}

/** Joules: watts x milliseconds / 1000, and picojoules per byte x bytes. */
export function busyJoules(watts: number, ms: number): number {
  return (watts * ms) / 1000;
}
export function byteJoules(pjPerByte: number, bytes: number): number {
  return pjPerByte * bytes * 1e-12;
}

/** Bytes on the wire: a query of `terms` terms (about 16 bytes each with framing), k hits of 16 bytes. */
export const QUERY_BYTES_PER_TERM = 16;
export const HIT_BYTES = 16;
export const MESSAGE_OVERHEAD_BYTES = 64;
