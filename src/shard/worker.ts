import { Analyzer } from '../analysis/index.ts';
import { SearchsimError } from '../core/index.ts';
import { applyUpdates, loadShards, routeUpdates, type ShardIndex, type UpdateResult } from '../index/index.ts';
import { PROTOCOL_VERSION, type Reply, type ShardReplies, type ShardTask } from './protocol.ts';

/** This worker's shards, in the order the main thread listed them. */
let owned: number[] = [];
let shards = new Map<number, ShardIndex>();
let analyzer = new Analyzer();
let shardCount = 1;

function handle(task: ShardTask): unknown {
  switch (task.type) {
    case 'info':
      return owned.map((s) => {
        const i = shards.get(s)!;
        return { shard: s, docs: i.docCount, postingBytes: i.postingBytes, segments: i.segmentCount };
      });
    case 'stats':
      return owned.map((s) => shards.get(s)!.stats(task.terms));
    case 'search':
      return owned.map((s) => {
        const idx = shards.get(s)!;
        return task.requests.map((r, q) => idx.search(r, task.globals[q]));
      });
    case 'update': {
      const out: UpdateResult = { applied: 0, unknownDeletes: [] };
      for (const [s, ops] of routeUpdates(task.ops, shardCount)) {
        const idx = shards.get(s);
        if (!idx) continue;
        const r = applyUpdates(idx, analyzer, ops);
        out.applied += r.applied;
        out.unknownDeletes.push(...r.unknownDeletes);
      }
      return out;
    }
    case 'close':
      for (const i of shards.values()) i.close();
      shards = new Map();
      return null;
    case 'load':
      throw new Error('load is asynchronous');
  }
}

/** The piscina entry point: one task, one reply; never throws (errors travel as data). */
export default async function run(task: ShardTask): Promise<Reply<ShardReplies[keyof ShardReplies]>> {
  try {
    if (task.type === 'load') {
      if (task.version !== PROTOCOL_VERSION) throw new Error(`protocol ${task.version} != ${PROTOCOL_VERSION}`);
      owned = task.shards;
      shardCount = task.spec.shards;
      analyzer = new Analyzer(task.spec.analyzer);
      shards = await loadShards(task.spec, owned);
      let docs = 0;
      for (const s of shards.values()) docs += s.docCount;
      return { ok: true, value: { docs } };
    }
    return { ok: true, value: handle(task) as ShardReplies[keyof ShardReplies] };
  } catch (e) {
    if (e instanceof SearchsimError) return { ok: false, code: e.code, message: e.message, stack: e.stack };
    const err = e as Error;
    return { ok: false, code: 'E_WORKER', message: String(err?.message ?? e), stack: err?.stack };
  }
}
