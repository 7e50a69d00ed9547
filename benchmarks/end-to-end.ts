/**
 * End to end: replay TREC 2005 efficiency queries (cycled) over GCIDE on two layouts of 1200 machines,
 * timing the whole run (real shards in worker threads + the simulation) on this machine.
 *
 *   npm run bench:e2e [-- --queries 1000000 --sizes 250000,500000,1000000]
 *
 * Each configuration runs in a fresh child process, so its peak RSS is its own. Layouts:
 * - 60 shards x 20 replicas, disk mode (google-2000-style), Poisson 100 queries/s (below saturation)
 * - 1200 shards x 1 replica, memory mode (google-2001-style), Poisson 1000 queries/s
 * both at a billion modelled documents on 2001 hardware. Reports wall time, simulated queries per
 * second of wall time and peak RSS; several trace lengths show whether time is linear in length.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
};

if (process.env.SEARCHSIM_E2E_CHILD) {
  const { parseScenario, simulate } = await import('../src/scenarios/index.ts');
  const s = JSON.parse(process.env.SEARCHSIM_E2E_CHILD);
  const t0 = performance.now();
  const r = await simulate(parseScenario(s, 'bench', root));
  const wallS = (performance.now() - t0) / 1000;
  const rssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    JSON.stringify({ wallS, qps: r.queries.total / wallS, rssMB, p50: r.latencyMs.p50, p99: r.latencyMs.p99, receiptHits: r.receiptCache?.hits, receiptMisses: r.receiptCache?.misses }) + '\n',
  );
  process.exit(0);
}

const gcide = resolve(root, '../shared/data/gcide/docs.jsonl');
const corpus = existsSync(gcide) ? gcide : join(root, 'workloads/cacm/docs.jsonl');
const sizes = arg('sizes', arg('queries', '1000000')).split(',').map(Number);
const layouts = [
  { name: '60 x 20 disk', cluster: { shards: 60, replicas: 20, mode: 'disk', hardware: '2001', modelledDocs: 1e9 }, qps: 100, target: 20_000 },
  { name: '1200 x 1 memory', cluster: { shards: 1200, replicas: 1, mode: 'memory', hardware: '2001', modelledDocs: 1e9 }, qps: 1000, target: 2_000 },
].filter((l) => !arg('layouts', '').length || arg('layouts', '').split(',').some((x) => l.name.startsWith(x)));

console.log(`corpus: ${corpus}${corpus === gcide ? ' (GCIDE)' : ' (GCIDE absent: ../shared/data/gcide/docs.jsonl not found, using CACM)'}`);
console.log(`queries: TREC 2005 efficiency (workloads/trec-2005-efficiency), cycled; node ${process.version}; ${new Date().toISOString().slice(0, 10)}\n`);
console.log('| layout | queries | wall s | simulated queries/s | target | peak RSS MB | receipt cache hits / misses |');
console.log('|---|---:|---:|---:|---:|---:|---|');
for (const l of layouts) {
  for (const n of sizes) {
    const scenario = {
      name: `e2e ${l.name}`,
      seed: 1,
      corpus,
      workload: { arrival: { kind: 'poisson', qps: l.qps }, queries: n, warmupQueries: Math.min(10_000, Math.floor(n / 10)) },
      cluster: l.cluster,
    };
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      env: { ...process.env, SEARCHSIM_E2E_CHILD: JSON.stringify(scenario) },
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (r.status !== 0) {
      console.log(`| ${l.name} | ${n} | failed: ${(r.stderr || '').split('\n').slice(0, 3).join(' ')} |`);
      continue;
    }
    const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
    console.log(
      `| ${l.name} | ${n.toLocaleString('en-US')} | ${j.wallS.toFixed(1)} | ${Math.round(j.qps).toLocaleString('en-US')} | ${l.target.toLocaleString('en-US')} | ${Math.round(j.rssMB)} | ${j.receiptHits} / ${j.receiptMisses} |`,
    );
  }
}
