import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE, ByteWriter, END_DOC, PostingCursor, encodePostings, readVarint } from '../../src/index/index.ts';

function encode(docs: number[], tfs: number[]): Uint8Array {
  const w = new ByteWriter(4);
  encodePostings(Int32Array.from(docs), Int32Array.from(tfs), 0, docs.length, w);
  return w.finish();
}

const postingList = fc
  .uniqueArray(fc.integer({ min: 0, max: 2_000_000 }), { minLength: 1, maxLength: 700 })
  .chain((ds) => {
    const docs = [...ds].sort((a, b) => a - b);
    return fc.tuple(fc.constant(docs), fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: docs.length, maxLength: docs.length }));
  });

describe('varint', () => {
  it('round-trips every non-negative 31-bit integer it writes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 31 - 1 })), (xs) => {
        const w = new ByteWriter(1);
        xs.forEach((x) => w.varint(x));
        const b = w.finish();
        const pos = { at: 0 };
        expect(xs.map(() => readVarint(b, pos))).toEqual(xs);
        expect(pos.at).toBe(b.length);
      }),
    );
  });
  it('spends one byte below 128 and two below 16384', () => {
    const w = new ByteWriter();
    w.varint(127);
    expect(w.length).toBe(1);
    w.varint(128);
    expect(w.length).toBe(3);
  });
});

describe('posting lists', () => {
  it('decode to the documents and frequencies encoded, in order', () => {
    fc.assert(
      fc.property(postingList, ([docs, tfs]) => {
        const c = new PostingCursor(encode(docs, tfs), 0, docs.length);
        const got: number[][] = [];
        for (let d = c.next(); d !== END_DOC; d = c.next()) got.push([d, c.tf]);
        expect(got).toEqual(docs.map((d, i) => [d, tfs[i]]));
        expect(c.decoded).toBe(docs.length);
      }),
    );
  });

  it('advance(target) lands on the first document >= target, never moving backwards', () => {
    fc.assert(
      fc.property(postingList, fc.array(fc.integer({ min: 0, max: 2_100_000 }), { maxLength: 30 }), ([docs, tfs], targets) => {
        const c = new PostingCursor(encode(docs, tfs), 0, docs.length);
        let pos = -1;
        for (const t of [...targets].sort((a, b) => a - b)) {
          const want = docs.find((d) => d >= Math.max(t, pos)) ?? END_DOC;
          pos = c.advance(t);
          expect(pos).toBe(want);
          if (pos !== END_DOC) expect(c.tf).toBe(tfs[docs.indexOf(pos)]);
        }
      }),
    );
  });

  it('skips whole blocks it does not need: decoding counts only the blocks visited', () => {
    const docs = Array.from({ length: BLOCK_SIZE * 10 }, (_, i) => i * 3);
    const c = new PostingCursor(encode(docs, docs.map(() => 1)), 0, docs.length);
    expect(c.advance(docs[BLOCK_SIZE * 9 + 5])).toBe(docs[BLOCK_SIZE * 9 + 5]);
    expect(c.decoded).toBe(BLOCK_SIZE);
  });
});
