/**
 * LEB128 variable-length integers (7 bits a byte, high bit = more follows), the encoding of Lucene's VInt
 * and of protobuf varints. Values are non-negative and below 2^31 here (document numbers, deltas, counts).
 */
export class ByteWriter {
  buf: Uint8Array;
  length = 0;
  constructor(initialBytes = 1024) {
    this.buf = new Uint8Array(initialBytes);
  }
  private grow(need: number): void {
    let cap = this.buf.length * 2;
    while (cap < this.length + need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  varint(v: number): void {
    if (this.length + 5 > this.buf.length) this.grow(5);
    const b = this.buf;
    let n = this.length;
    while (v >= 0x80) {
      b[n++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[n++] = v;
    this.length = n;
  }
  bytes(src: Uint8Array): void {
    if (this.length + src.length > this.buf.length) this.grow(src.length);
    this.buf.set(src, this.length);
    this.length += src.length;
  }
  /** A copy trimmed to the written length. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Reads one varint at `pos.at`, advancing it. For hot loops, the decoders inline this. */
export function readVarint(b: Uint8Array, pos: { at: number }): number {
  let p = pos.at;
  let byte = b[p++];
  let v = byte & 0x7f;
  let shift = 7;
  while (byte & 0x80) {
    byte = b[p++];
    v |= (byte & 0x7f) << shift;
    shift += 7;
  }
  pos.at = p;
  return v >>> 0;
}

/** An append-only typed array that doubles when full: the index builder's columns, packed receipts. */
class Column<A extends Int32Array | Float64Array> {
  data: A;
  length = 0;
  constructor(
    private readonly make: (n: number) => A,
    initial: number,
  ) {
    this.data = make(initial);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  set(i: number, v: number): void {
    this.data[i] = v;
  }
  view(): A {
    return this.data.subarray(0, this.length) as A;
  }
}

export class IntColumn extends Column<Int32Array> {
  constructor(initial = 1024) {
    super((n) => new Int32Array(n), initial);
  }
}

export class F64Column extends Column<Float64Array> {
  constructor(initial = 1024) {
    super((n) => new Float64Array(n), initial);
  }
}
