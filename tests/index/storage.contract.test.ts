import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, type PostingStore, type StorageSpec } from '../../src/index/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'searchsim-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The storage seam's contract, run against both implementations (tantivy's habit). */
const impls: [string, StorageSpec][] = [
  ['memory', { kind: 'memory' }],
  ['disk (cache smaller than the data)', { kind: 'disk', dir, cacheBytes: 64 }],
];

describe.each(impls)('PostingStore: %s', (_name, spec) => {
  it('returns exactly the bytes stored, for any range, in any order, repeatedly', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 4096 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 40 }),
        (data, ranges) => {
          const store: PostingStore = createStore(spec, data);
          try {
            expect(store.bytes).toBe(data.length);
            for (const [a, b] of [...ranges, ...ranges]) {
              const off = a % data.length;
              const len = 1 + (b % (data.length - off));
              expect([...store.read(off, len)]).toEqual([...data.subarray(off, off + len)]);
            }
          } finally {
            store.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reports its kind', () => {
    const s = createStore(spec, new Uint8Array([1, 2, 3]));
    expect(s.kind).toBe(spec.kind);
    s.close();
  });
});
