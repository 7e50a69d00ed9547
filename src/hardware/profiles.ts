
/**
 * Named hardware profiles: every constant of the cost model lives here, with its source. Units are in
 * the names: milliseconds, bytes per millisecond (1 MB/s = 1,000 bytes/ms), nanoseconds, watts,
 * picojoules per byte.
 */

export interface DiskProfile {
  name: string;
  /** Average seek time. */
  seekMs: number;
  /** One full rotation; a random read waits half of it on average. 0 for flash. */
  rotationMs: number;
  /** Sustained transfer rate. */
  transferBytesPerMs: number;
  capacityBytes: number;
  /** Power while seeking or transferring. */
  activeWatts: number;
  /** Energy per byte moved, beyond busy power (interface and buffers). */
  pjPerByte: number;
}

export interface MemoryProfile {
  name: string;
  /** Sustained sequential bandwidth of one machine. */
  bandwidthBytesPerMs: number;
  /** RAM per machine. */
  ramBytes: number;
  /** RAM the OS, the server process and its buffers keep: the rest can hold index or buffer cache. */
  reservedBytes: number;
  /** Energy per byte read from DRAM. */
  pjPerByte: number;
}

export interface CpuProfile {
  name: string;
  cores: number;
  /** Decode one posting (varint delta + frequency) and add its BM25 contribution. */
  nsPerPosting: number;
  /** Per query term on a shard: dictionary lookup, list header, bound computation. */
  nsPerTerm: number;
  /** Per request a leaf serves: RPC decode and encode, setup, top-k heap. */
  nsPerRequest: number;
  /** Per hit merged at the router (k-way merge of shard top-k lists). */
  nsPerMergedHit: number;
  /** Power of one busy core. */
  wattsPerCore: number;
}

export interface NetworkProfile {
  name: string;
  /** One-way latency of a hop inside a datacenter (half the round trip). */
  oneWayMs: number;
  bandwidthBytesPerMs: number;
  /** Energy per byte sent. */
  pjPerByte: number;
}

const MB = 1_000_000;
const GB = 1_000_000_000;
const PER_MS = 1 / 1000;

export const DISKS: Record<string, DiskProfile> = {
  /**
   * A 2001 7200 rpm IDE disk, e.g. IBM Deskstar 60GXP / Maxtor DiamondMax Plus 60: 8.5 ms average seek
   * (data sheets give 8.5-9.0 ms), 7200 rpm = 8.33 ms a rotation (4.17 ms average latency), 25-50 MB/s
   * sustained from inner to outer zone (35 MB/s taken), 80 GB. Active power: an estimate of 9.5 W
   * (7200 rpm IDE data sheets of the time list about 8-12 W seeking). Seek + half rotation = 12.7 ms,
   * the "about 13 ms" random read of docs/DESIGN.md section 1.
   */
  'hdd-2001': {
    name: 'hdd-2001',
    seekMs: 8.5,
    rotationMs: 60_000 / 7200,
    transferBytesPerMs: 35 * MB * PER_MS,
    capacityBytes: 80 * GB,
    activeWatts: 9.5,
    pjPerByte: 0,
  },
  /**
   * A 2020s datacenter NVMe SSD (e.g. Samsung PM9A3 class): about 80 us 4K random-read latency at queue
   * depth 1 (data sheets: 70-90 us), no rotation, about 3.5 GB/s sequential read, 3.84 TB, about 8 W
   * active read power.
   */
  nvme: {
    name: 'nvme',
    seekMs: 0.08,
    rotationMs: 0,
    transferBytesPerMs: 3500 * MB * PER_MS,
    capacityBytes: 3840 * GB,
    activeWatts: 8,
    pjPerByte: 0,
  },
};

export const MEMORIES: Record<string, MemoryProfile> = {
  /**
   * PC133 SDRAM: 133 MHz x 8 bytes = 1.06 GB/s peak, "about 1 GB/s" sustained (docs/DESIGN.md section 3);
   * 2 GB per server (docs/DESIGN.md section 3). Reserved: 256 MB for the OS and the server process (an estimate).
   * Energy: a PC133 DIMM draws about 3 W active (Micron SDRAM data sheets, IDD about 0.9 A at 3.3 V) while
   * streaming about 1 GB/s: about 3 nJ per byte.
   */
  'dram-2001': {
    name: 'dram-2001',
    bandwidthBytesPerMs: 1 * GB * PER_MS,
    ramBytes: 2 * GB,
    reservedBytes: 256 * MB,
    pjPerByte: 3000,
  },
  /**
   * DDR5-4800: 38.4 GB/s a channel, 8 channels a socket; about 150 GB/s sustained (STREAM-like) taken.
   * 512 GB per server, 16 GB reserved. Energy about 20 pJ/bit = 160 pJ/byte for a DRAM access
   * (Horowitz, "Computing's energy problem", ISSCC 2014: 1.3-2.6 nJ per 64-bit DRAM read).
   */
  ddr5: {
    name: 'ddr5',
    bandwidthBytesPerMs: 150 * GB * PER_MS,
    ramBytes: 512 * GB,
    reservedBytes: 16 * GB,
    pjPerByte: 160,
  },
};

export const CPUS: Record<string, CpuProfile> = {
  /**
   * Dual 1.4 GHz Pentium III, the Google server of 2001-2003 (Barroso, Dean and Hölzle, "Web Search for a
   * Planet: The Google Cluster Architecture", IEEE Micro 23(2), 2003). Per posting: an estimate of
   * about 30 cycles to decode a byte-aligned delta and frequency and accumulate a score, 20 ns (Scholer,
   * Williams, Yiannis and Zobel, "Compression of inverted indexes for fast query evaluation", SIGIR 2002,
   * show byte-aligned codes decode fastest on CPUs of that era). Estimates: per term (a dictionary probe
   * and list setup, a few cache misses) 2 us; per request (RPC handling, result encoding) 100 us; per
   * merged hit 50 ns. Power: about 31 W per 1.4 GHz Pentium III-S (Intel data sheet, thermal design power).
   */
  'cpu-2001': {
    name: 'cpu-2001',
    cores: 2,
    nsPerPosting: 20,
    nsPerTerm: 2_000,
    nsPerRequest: 100_000,
    nsPerMergedHit: 50,
    wattsPerCore: 31,
  },
  /**
   * A 2020s server core (e.g. AMD EPYC 9004, 3-4 GHz, AVX-512): SIMD decoding runs at billions of
   * integers a second (Lemire and Boytsov, "Decoding billions of integers per second through
   * vectorization", SPE 2015); scoring dominates: 2 ns a posting. Per term 200 ns, per request 10 us,
   * per merged hit 5 ns. 32 cores used by the search process; about 3.75 W a core (360 W for 96 cores).
   */
  'cpu-2024': {
    name: 'cpu-2024',
    cores: 32,
    nsPerPosting: 2,
    nsPerTerm: 200,
    nsPerRequest: 10_000,
    nsPerMergedHit: 5,
    wattsPerCore: 3.75,
  },
};

/**
 * A device a ranking model runs on (the funnel's final stage): its peak operations a second (one
 * multiply or add) and its power while busy. Peak figures: what a stage costs at full utilisation, the
 * cheapest it can be.
 */
export interface ComputeDevice {
  name: string;
  opsPerS: number;
  watts: number;
}

export const COMPUTE_DEVICES: Record<string, ComputeDevice> = {
  /**
   * The 2001 machine's two Pentium III cores at 1 GHz with SSE: an add and a multiply unit, each two
   * single-precision lanes a cycle, so 4 operations a cycle a core (Intel, "IA-32 Intel Architecture
   * Optimization Reference Manual", 2001, on SSE throughput): 8e9 a second; 2 x 31 W (cpu-2001).
   */
  'cpu-2001': { name: 'cpu-2001', opsPerS: 2 * 1e9 * 4, watts: 2 * 31 },
  /**
   * The modern machine's 32 cores (cpu-2024, AMD EPYC 9004 class at about 3.5 GHz): two 256-bit FMA
   * pipes a core (AVX-512 runs on them in two halves), 2 x 8 lanes x 2 operations = 32 a cycle:
   * 32 x 3.5e9 x 32 = 3.6e12 a second; 32 x 3.75 W.
   */
  'cpu-2024': { name: 'cpu-2024', opsPerS: 32 * 3.5e9 * 32, watts: 32 * 3.75 },
  /**
   * One NVIDIA A100 SXM: 312 TFLOPS dense FP16/BF16 on its tensor cores, 400 W (NVIDIA, "A100 Tensor
   * Core GPU" datasheet, 2020).
   */
  a100: { name: 'a100', opsPerS: 312e12, watts: 400 },
};
export const COMPUTE_DEVICE_NAMES = Object.keys(COMPUTE_DEVICES);

export const NETWORKS: Record<string, NetworkProfile> = {
  /**
   * 100 Mbit/s Ethernet to each rack machine (Barroso et al. 2003: 100 Mbps to the servers, gigabit
   * between racks), about 0.5 ms round trip in a datacenter (docs/DESIGN.md section 3): 0.25 ms one way. Energy per byte:
   * not modelled for 2001 (0).
   */
  'net-2001': { name: 'net-2001', oneWayMs: 0.25, bandwidthBytesPerMs: (100 / 8) * MB * PER_MS, pjPerByte: 0 },
  /**
   * 25 Gbit/s server links; about 50 us round trip through a modern datacenter fabric (RDMA-free TCP,
   * typical published figures 20-100 us): 25 us one way.
   */
  'net-modern': { name: 'net-modern', oneWayMs: 0.025, bandwidthBytesPerMs: (25_000 / 8) * MB * PER_MS, pjPerByte: 0 },
};

/** A machine's hardware: one profile of each kind. */
export interface HardwarePreset {
  name: string;
  cpu: CpuProfile;
  memory: MemoryProfile;
  disk: DiskProfile;
  network: NetworkProfile;
  /** Disks per machine. */
  disks: number;
}

export const HARDWARE_PRESETS: Record<string, HardwarePreset> = {
  /** The 2001 Google server (Barroso et al. 2003): dual PIII, 2 GB, one IDE disk, 100 Mbit/s. */
  '2001': { name: '2001', cpu: CPUS['cpu-2001'], memory: MEMORIES['dram-2001'], disk: DISKS['hdd-2001'], network: NETWORKS['net-2001'], disks: 1 },
  modern: { name: 'modern', cpu: CPUS['cpu-2024'], memory: MEMORIES.ddr5, disk: DISKS.nvme, network: NETWORKS['net-modern'], disks: 1 },
};
export const HARDWARE_PRESET_NAMES = Object.keys(HARDWARE_PRESETS);
