import { Fraction } from '../field/index.ts';
import type { Tensor } from '../tensor/index.ts';
import { lcm } from '../util/bigint.ts';

/** Dense accumulators above this many cells fall back to a Map. */
export const DENSE_LIMIT = 1 << 25;
const SAFE = BigInt(2 ** 53);

/** One rank-one term with rational factors, given by its nonzero positions; sign ±1. */
export interface RationalTerm {
  u: readonly Fraction[];
  v: readonly Fraction[];
  w: readonly Fraction[];
  sign: 1n | -1n;
}

/** Nonzero positions of a rational row. */
export function support(row: readonly Fraction[]): Int32Array {
  const idx: number[] = [];
  for (let t = 0; t < row.length; t++) if (row[t].n !== 0n) idx.push(t);
  return Int32Array.from(idx);
}

function integerRow(row: readonly Fraction[], idx: Int32Array) {
  let den = 1n;
  for (const t of idx) den = lcm(den, row[t].d);
  let maxAbs = 0n;
  const nums = Array.from(idx, (t) => {
    const v = row[t].s * row[t].n * (den / row[t].d);
    if ((v < 0n ? -v : v) > maxAbs) maxAbs = v < 0n ? -v : v;
    return v;
  });
  return { den, nums, maxAbs };
}

/** L·(Σ_l ±u_l⊗v_l⊗w_l − T) as exact integers, for a common denominator L. */
export interface IntegerResidual {
  L: bigint;
  /** Flat indices (α·b + β)·c + γ with nonzero residual, ascending. */
  keys: number[];
  at(key: number): bigint;
  method: 'integer-float64' | 'bigint';
}

/**
 * Clear all denominators, then sum integers. When a bound on every partial sum is below 2^53 the
 * sums run in a Float64Array, where integers of that size are represented exactly; otherwise in
 * BigInt. Either way the result is exact. `T` may be null for a zero target.
 */
export function integerResidual(dims: readonly [number, number, number], terms: readonly RationalTerm[], T: Tensor | null): IntegerResidual {
  const [a, b, c] = dims;
  const prepared = terms.map((t) => {
    const idx = [support(t.u), support(t.v), support(t.w)] as const;
    const rows = [integerRow(t.u, idx[0]), integerRow(t.v, idx[1]), integerRow(t.w, idx[2])] as const;
    return { idx, rows, den: rows[0].den * rows[1].den * rows[2].den, sign: t.sign };
  }).filter((t) => t.idx.every((x) => x.length > 0));
  const entries = T?.entries ?? [];
  let L = 1n;
  for (const t of prepared) L = lcm(L, t.den);
  for (const e of entries) L = lcm(L, e.v.d);
  // Each term adds at most one product to a cell, so this bounds every partial sum.
  let bound = 0n;
  for (const e of entries) if (e.v.n * (L / e.v.d) > bound) bound = e.v.n * (L / e.v.d);
  for (const t of prepared) bound += (L / t.den) * t.rows[0].maxAbs * t.rows[1].maxAbs * t.rows[2].maxAbs;
  const size = a * b * c;
  const keyOf = (e: { i: number; j: number; k: number }) => (e.i * b + e.j) * c + e.k;

  if (bound < SAFE && size <= DENSE_LIMIT) {
    const acc = new Float64Array(size);
    for (const t of prepared) {
      const scale = Number((L / t.den) * t.sign);
      const [iu, iv, iw] = t.idx;
      const [nu, nv, nw] = t.rows.map((r) => r.nums.map(Number));
      for (let x = 0; x < iu.length; x++) for (let y = 0; y < iv.length; y++) {
        const uv = scale * nu[x] * nv[y];
        const base = (iu[x] * b + iv[y]) * c;
        for (let z = 0; z < iw.length; z++) acc[base + iw[z]] += uv * nw[z];
      }
    }
    for (const e of entries) acc[keyOf(e)] -= Number(e.v.s * e.v.n * (L / e.v.d));
    const keys: number[] = [];
    for (let x = 0; x < size; x++) if (acc[x] !== 0) keys.push(x);
    return { L, keys, at: (key) => BigInt(acc[key]), method: 'integer-float64' };
  }
  const acc = new Map<number, bigint>();
  for (const t of prepared) {
    const scale = (L / t.den) * t.sign;
    const [iu, iv, iw] = t.idx;
    const [nu, nv, nw] = t.rows.map((r) => r.nums);
    for (let x = 0; x < iu.length; x++) for (let y = 0; y < iv.length; y++) {
      const uv = scale * nu[x] * nv[y];
      const base = (iu[x] * b + iv[y]) * c;
      for (let z = 0; z < iw.length; z++) acc.set(base + iw[z], (acc.get(base + iw[z]) ?? 0n) + uv * nw[z]);
    }
  }
  for (const e of entries) acc.set(keyOf(e), (acc.get(keyOf(e)) ?? 0n) - e.v.s * e.v.n * (L / e.v.d));
  const keys = [...acc].filter(([, v]) => v !== 0n).map(([k]) => k).sort((x, y) => x - y);
  return { L, keys, at: (key) => acc.get(key) ?? 0n, method: 'bigint' };
}

/** Σ residual² / L² as an exact rational. */
export function residualSq(r: IntegerResidual): Fraction {
  let sq = 0n;
  for (const key of r.keys) sq += r.at(key) ** 2n;
  return new Fraction(sq, r.L * r.L);
}
