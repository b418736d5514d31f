/**
 * Linear dependence among at most 31 vectors over Z2 of up to 64 bits (two 32-bit words each), for
 * the group reduction: terms a⊗v_i⊗w_i sharing a with v_j = Σ_{i∈I} v_i collapse to |group| − 1
 * terms, a⊗v_i⊗(w_i + w_j) for i ∈ I.
 */

const rowLo = new Int32Array(32), rowHi = new Int32Array(32), rowMask = new Int32Array(32);

/**
 * Given vectors (lo[idx[i]], hi[idx[i]]) for i < k, returns a bit mask M of a dependent subset
 * (Σ_{i∈M} v_i = 0, M ≠ 0), or 0 when the vectors are independent. Elimination in input order, so
 * the answer is a function of the input alone.
 */
export function dependentSubset(lo: Int32Array, hi: Int32Array, idx: ArrayLike<number>, k: number): number {
  if (k > 31) throw new Error('at most 31 vectors');
  let rank = 0;
  for (let i = 0; i < k; i++) {
    let l = lo[idx[i]], h = hi[idx[i]], mask = 1 << i;
    // Each stored row has a distinct lowest set bit (its pivot) that no later stored row has.
    for (let r = 0; r < rank; r++) {
      const pl = rowLo[r], ph = rowHi[r];
      const pivotInLo = pl !== 0;
      const bit = pivotInLo ? pl & -pl : ph & -ph;
      if ((pivotInLo ? l & bit : h & bit) !== 0) {
        l ^= pl;
        h ^= ph;
        mask ^= rowMask[r];
      }
    }
    if (l === 0 && h === 0) return mask;
    rowLo[rank] = l;
    rowHi[rank] = h;
    rowMask[rank] = mask;
    rank++;
  }
  return 0;
}
