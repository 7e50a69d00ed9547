import { Analyzer } from '../analysis/index.ts';
import { errorData } from '../core/index.ts';
import { ShardGroup, loadShards } from '../index/index.ts';
import { LiveMachine } from './liveMachine.ts';
import { PROTOCOL_VERSION, type Reply, type ShardReplies, type ShardTask } from './protocol.ts';

/** This worker's sets of shards, by set id (set 0 by `load`, the others by `fork`). */
const groups = new Map<number, ShardGroup>();
/** In live mode, the machine this worker is (set by a `machine` task). */
let machine: LiveMachine | null = null;

function liveMachine(): LiveMachine {
  if (!machine) throw new Error('a live task before this worker was made a machine');
  return machine;
}

type LiveTask = Extract<ShardTask, { type: 'machine' | 'serve' | 'holdCore' | 'diskCharge' | 'fail' }>;
const LIVE_TASKS = new Set<string>(['machine', 'serve', 'holdCore', 'diskCharge', 'fail'] satisfies LiveTask['type'][]);
const isLive = (t: ShardTask): t is LiveTask => LIVE_TASKS.has(t.type);

/** The live-mode tasks. */
function handleLive(task: LiveTask): unknown {
  switch (task.type) {
    case 'machine':
      machine = new LiveMachine(task.disk, task.slowdown);
      return null;
    case 'serve': {
      const group = groups.get(task.set);
      if (!group) throw new Error(`serve for set ${task.set}, which this worker does not hold`);
      return liveMachine().serve(group.index(task.shard), task.request, task.globals);
    }
    case 'holdCore':
      return liveMachine().holdCore(task.cpuMs, task.leaf);
    case 'diskCharge':
      return liveMachine().chargeDisk(task.ioMs);
    case 'fail':
      if (task.how === 'exit') process.exit(3);
      throw new Error('this worker was told to fail');
  }
}

function handle(task: Exclude<ShardTask, LiveTask>): unknown {
  if (task.type === 'close') {
    groups.get(task.set)?.close();
    groups.delete(task.set);
    return null;
  }
  const group = groups.get(task.set);
  if (!group) throw new Error(`task ${task.type} for set ${task.set}, which this worker does not hold`);
  switch (task.type) {
    case 'fork':
      groups.set(task.to, group.fork());
      return null;
    case 'info':
      return group.info();
    case 'vocabulary':
      return group.vocabulary();
    case 'stats':
      return group.stats(task.terms);
    case 'search':
      return group.search(task.requests, task.globals);
    case 'work':
      return group.work(task.requests, task.globals, task.hits === true);
    case 'update':
      return group.update(task.ops);
    case 'load':
      throw new Error('load is asynchronous');
  }
}

/** The piscina entry point: one task, one reply; never throws (errors travel as data). */
export default async function run(task: ShardTask): Promise<Reply<ShardReplies[keyof ShardReplies]>> {
  try {
    if (task.type === 'load') {
      if (task.version !== PROTOCOL_VERSION) throw new Error(`protocol ${task.version} != ${PROTOCOL_VERSION}`);
      const shards = await loadShards(task.spec, task.shards);
      groups.set(task.set, new ShardGroup(task.shards, shards, task.spec.shards, new Analyzer(task.spec.analyzer)));
      let docs = 0;
      for (const s of shards.values()) docs += s.docCount;
      return { ok: true, value: { docs } };
    }
    const value = isLive(task) ? await handleLive(task) : handle(task);
    return { ok: true, value: value as ShardReplies[keyof ShardReplies] };
  } catch (e) {
    return { ok: false, ...errorData(e) };
  }
}
