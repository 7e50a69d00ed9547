import { ByteWriter } from './bytes.ts';

/**
 * One posting list, as bytes. Documents (segment-local numbers, ascending) are split into blocks of
 * BLOCK_SIZE postings, each posting a varint document delta and a varint term frequency. A skip table in
 * front lists each block's last document and payload length, so a cursor jumps over blocks it does not
 * need (dynamic pruning) and decodes only the blocks it visits. Layout:
 *
 *   varint blockCount
 *   blockCount x (varint lastDoc - previous lastDoc, varint payloadBytes)
 *   blockCount x payload: per posting varint (doc - previous doc), varint tf
 *
 * The first delta of each block is taken from the previous block's last document (from 0 in the first
 * block, where the first delta may be 0). 128 postings a block as in Lucene's and PISA's block codecs.
 */
export const BLOCK_SIZE = 128;

/** Encodes `docs[from..to)` (ascending) with their `tfs` into `out`; returns the bytes written. */
export function encodePostings(docs: Int32Array, tfs: Int32Array, from: number, to: number, out: ByteWriter): number {
  const start = out.length;
  const n = to - from;
  const blocks = Math.ceil(n / BLOCK_SIZE);
  const payload = new ByteWriter(Math.max(16, n * 2));
  const lastDocs: number[] = [];
  const payloadEnds: number[] = [];
  let prev = 0;
  for (let b = 0; b < blocks; b++) {
    const s = from + b * BLOCK_SIZE;
    const e = Math.min(to, s + BLOCK_SIZE);
    for (let i = s; i < e; i++) {
      payload.varint(docs[i] - prev);
      payload.varint(tfs[i]);
      prev = docs[i];
    }
    lastDocs.push(prev);
    payloadEnds.push(payload.length);
  }
  out.varint(blocks);
  let prevLast = 0;
  let prevEnd = 0;
  for (let b = 0; b < blocks; b++) {
    out.varint(lastDocs[b] - prevLast);
    out.varint(payloadEnds[b] - prevEnd);
    prevLast = lastDocs[b];
    prevEnd = payloadEnds[b];
  }
  out.bytes(payload.buf.subarray(0, payload.length));
  return out.length - start;
}

/** The end of a cursor: larger than any document number. */
export const END_DOC = 0x7fffffff;

/**
 * Iterates one posting list in document order, decoding a block at a time. `decoded` counts the postings
 * in the blocks it decoded: the work the receipt reports.
 */
export class PostingCursor {
  doc = -1;
  tf = 0;
  decoded = 0;
  df = 0;
  private bytes: Uint8Array = new Uint8Array(0);
  private blockLast = new Int32Array(4);
  private blockStart = new Int32Array(5);
  private blockCount = 0;
  private readonly docs = new Int32Array(BLOCK_SIZE);
  private readonly tfs = new Int32Array(BLOCK_SIZE);
  private block = -1;
  private inBlock = 0;
  private blockLen = 0;
  /** Where the list starts in `bytes`, and the end of the furthest block decoded (a prefix read). */
  private listStart = 0;
  private readEnd = 0;

  /** `bytes[offset..]` holds a list encoded by `encodePostings` with `df` postings. */
  constructor(bytes?: Uint8Array, offset = 0, df = 0) {
    if (bytes) this.reset(bytes, offset, df);
  }

  /** Points this cursor at another list, reusing its buffers (cursors are pooled per shard). */
  reset(bytes: Uint8Array, offset: number, df: number): this {
    this.bytes = bytes;
    this.df = df;
    this.doc = -1;
    this.tf = 0;
    this.decoded = 0;
    this.block = -1;
    this.inBlock = 0;
    this.blockLen = 0;
    this.listStart = offset;
    let p = offset;
    // inline varint reads: this runs once per term per query.
    let byte = bytes[p++];
    let count = byte & 0x7f;
    for (let s = 7; byte & 0x80; s += 7) {
      byte = bytes[p++];
      count |= (byte & 0x7f) << s;
    }
    this.blockCount = count;
    if (this.blockLast.length < count) {
      this.blockLast = new Int32Array(count * 2);
      this.blockStart = new Int32Array(count * 2 + 1);
    }
    const blockLast = this.blockLast;
    const blockStart = this.blockStart;
    let last = 0;
    let end = 0;
    // First pass stores payload ends in blockStart[b + 1]; the payload start is known after the table.
    for (let b = 0; b < count; b++) {
      byte = bytes[p++];
      let v = byte & 0x7f;
      for (let s = 7; byte & 0x80; s += 7) {
        byte = bytes[p++];
        v |= (byte & 0x7f) << s;
      }
      last += v;
      blockLast[b] = last;
      byte = bytes[p++];
      v = byte & 0x7f;
      for (let s = 7; byte & 0x80; s += 7) {
        byte = bytes[p++];
        v |= (byte & 0x7f) << s;
      }
      end += v;
      blockStart[b + 1] = end;
    }
    blockStart[0] = p;
    for (let b = 1; b <= count; b++) blockStart[b] += p;
    this.readEnd = p;
    return this;
  }

  private decodeBlock(b: number): void {
    const bytes = this.bytes;
    let p = this.blockStart[b];
    let prev = b === 0 ? 0 : this.blockLast[b - 1];
    const n = b === this.blockCount - 1 ? this.df - b * BLOCK_SIZE : BLOCK_SIZE;
    const docs = this.docs;
    const tfs = this.tfs;
    for (let i = 0; i < n; i++) {
      let byte = bytes[p++];
      let v = byte & 0x7f;
      for (let s = 7; byte & 0x80; s += 7) {
        byte = bytes[p++];
        v |= (byte & 0x7f) << s;
      }
      prev += v;
      docs[i] = prev;
      byte = bytes[p++];
      v = byte & 0x7f;
      for (let s = 7; byte & 0x80; s += 7) {
        byte = bytes[p++];
        v |= (byte & 0x7f) << s;
      }
      tfs[i] = v;
    }
    this.block = b;
    this.blockLen = n;
    this.inBlock = 0;
    this.decoded += n;
    if (this.blockStart[b + 1] > this.readEnd) this.readEnd = this.blockStart[b + 1];
  }

  /**
   * Bytes of the list up to the end of the furthest block decoded, its skip table included: what reading
   * the list as a prefix moves (the whole list once every block is decoded).
   */
  get prefixBytes(): number {
    return this.readEnd - this.listStart;
  }

  /** Moves to the next posting; `doc` becomes END_DOC past the end. */
  next(): number {
    if (this.block >= 0 && this.inBlock + 1 < this.blockLen) {
      this.inBlock++;
    } else if (this.block + 1 < this.blockCount) {
      this.decodeBlock(this.block + 1);
    } else {
      this.doc = END_DOC;
      return END_DOC;
    }
    this.tf = this.tfs[this.inBlock];
    return (this.doc = this.docs[this.inBlock]);
  }

  /** Moves to the first posting with document >= target (never backwards). */
  advance(target: number): number {
    if (this.doc >= target) return this.doc;
    let b = this.block < 0 ? 0 : this.block;
    if (this.block < 0 || this.blockLast[b] < target) {
      const last = this.blockLast;
      if (this.block >= 0) b++;
      while (b < this.blockCount && last[b] < target) b++;
      if (b >= this.blockCount) {
        this.doc = END_DOC;
        return END_DOC;
      }
      this.decodeBlock(b);
    }
    const docs = this.docs;
    let i = this.inBlock;
    while (docs[i] < target) i++;
    this.inBlock = i;
    this.tf = this.tfs[i];
    return (this.doc = docs[i]);
  }
}
