/** A typed array with room for `length` elements: `a`'s values first, then `fill` (default 0). */
export function grown<A extends Float64Array | Int32Array | Uint8Array>(a: A, length: number, fill = 0): A {
  const b = new (a.constructor as new (n: number) => A)(length);
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}
