/**
 * Measurements as plain data (docs/DESIGN.md section 6: latency and service time as p50/p90/p99/p99.9/max
 * with sample counts). Recorders live here; reports only read their summaries.
 */
export { LatencyRecorder } from './histogram.ts';
export type { LatencyRecorderOptions, LatencySummary, TailQuantiles } from './histogram.ts';
