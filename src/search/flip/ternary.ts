/**
 * Vectors with entries in {−1, 0, 1} as two bit-planes: P (the +1 entries) and N (the −1 entries),
 * each at most TERNARY_BITS bits, so P & N = 0. The signed flip states (signed-state.ts) keep every
 * factor in this form; outside the hot loop a vector is one exact number, its key P + N·2^26.
 *
 * A vector is canonical when its first nonzero entry (lowest bit) is +1: a term σ·a⊗b⊗c keeps its
 * three factors canonical and its sign σ ∈ {±1} apart, so two terms share a factor up to sign
 * exactly when their canonical factors are equal, which is what the factor groups look up.
 */
export const TERNARY_BITS = 26;
const SHIFT = 2 ** TERNARY_BITS;

export const ternaryKey = (P: number, N: number): number => (P >>> 0) + (N >>> 0) * SHIFT;
export const plusPlane = (key: number): number => key % SHIFT;
export const minusPlane = (key: number): number => Math.floor(key / SHIFT);

/** The key of a row of integers in {−1, 0, 1} (throws on any other entry). */
export function rowKey(row: readonly number[]): number {
  if (row.length > TERNARY_BITS) throw new Error(`a factor of ${row.length} entries; at most ${TERNARY_BITS} fit`);
  let P = 0, N = 0;
  row.forEach((x, i) => {
    if (x === 1) P |= 1 << i;
    else if (x === -1) N |= 1 << i;
    else if (x !== 0) throw new Error(`coefficient ${x} is not in {-1, 0, 1}`);
  });
  return ternaryKey(P, N);
}

/** The row of integers in {−1, 0, 1} of a key. */
export function keyRow(key: number, len: number): number[] {
  const P = plusPlane(key), N = minusPlane(key);
  return Array.from({ length: len }, (_, i) => ((P >>> i) & 1) - ((N >>> i) & 1));
}

/** −v. */
export const negKey = (key: number): number => ternaryKey(minusPlane(key), plusPlane(key));
