import { Fraction, Q } from '../field/index.ts';
import type { Scheme } from '../scheme/index.ts';
import { buildFor, subSchemeFor, type SubScheme } from './subschemes.ts';
import { rationalScheme } from './isotropic.ts';

/**
 * Exact sub-schemes embedded in the tile, plus naive products.
 *
 * T = <t,t,t> is the sum of t³ unit terms e_ij⊗e_jk⊗e_ik, one per (i,j,k) ∈ [t]³. An exact <a,b,c>
 * scheme placed on index sets I, J, K (|I| = a, …) computes exactly the unit terms of the box
 * I×J×K; a naive product computes one unit term. With disjoint boxes, T̂ is T minus the uncovered
 * unit terms, so ‖T − T̂‖² = #uncovered and e = #uncovered / t³, exactly.
 *
 * Which boxes: guillotine packings (cut the cube along an axis into two boxes, recursively), by
 * dynamic programming over (box shape, budget): best[a,b,c][k] = most unit terms of an a×b×c box
 * covered with at most k products. Options per box: k naive products; an exact scheme of the
 * whole box; or a cut a = a₁ + a₂ (any axis) with the budget split k = k₁ + k₂ (max-plus
 * convolution). A box's budget is capped at its size, so the work is Σ (a₁bc)(a₂bc) ≈ 10⁸ at t = 8.
 */
type Choice = { kind: 'naive' } | { kind: 'scheme'; sub: SubScheme } | { kind: 'cut'; axis: 0 | 1 | 2; at: number; k1: number };

export interface CoverTable {
  t: number;
  lib: Map<string, SubScheme>;
  best: Map<number, Int32Array>;
  choice: Map<number, Choice[]>;
}

const boxKey = (a: number, b: number, c: number) => (a * 64 + b) * 64 + c;

export function coverTable(t: number, lib: Map<string, SubScheme>, allow: (s: SubScheme) => boolean = () => true): CoverTable {
  const best = new Map<number, Int32Array>(), choice = new Map<number, Choice[]>();
  // Boxes in order of volume, so both parts of a cut are done first.
  const boxes: [number, number, number][] = [];
  for (let a = 1; a <= t; a++) for (let b = 1; b <= t; b++) for (let c = 1; c <= t; c++) boxes.push([a, b, c]);
  boxes.sort((x, y) => x[0] * x[1] * x[2] - y[0] * y[1] * y[2]);
  for (const [a, b, c] of boxes) {
    const vol = a * b * c;
    const f = new Int32Array(vol + 1), ch: Choice[] = [];
    for (let k = 0; k <= vol; k++) [f[k], ch[k]] = [k, { kind: 'naive' }];
    const sub = subSchemeFor(lib, [a, b, c]);
    if (sub && allow(sub)) for (let k = sub.rank; k <= vol; k++) if (vol > f[k]) [f[k], ch[k]] = [vol, { kind: 'scheme', sub }];
    const dims = [a, b, c];
    for (const axis of [0, 1, 2] as const) {
      // Cuts at `at` and dim − at give mirror-image packings; one of each pair suffices.
      for (let at = 1; at <= dims[axis] / 2; at++) {
        const d1 = dims.slice(), d2 = dims.slice();
        d1[axis] = at;
        d2[axis] = dims[axis] - at;
        const f1 = best.get(boxKey(d1[0], d1[1], d1[2]))!, f2 = best.get(boxKey(d2[0], d2[1], d2[2]))!;
        const n1 = f1.length - 1, n2 = f2.length - 1;
        for (let k1 = 0; k1 <= n1; k1++) {
          const v1 = f1[k1];
          for (let k2 = 0; k2 <= n2; k2++) {
            const v = v1 + f2[k2], k = k1 + k2;
            if (v > f[k]) [f[k], ch[k]] = [v, { kind: 'cut', axis, at, k1 }];
          }
        }
      }
    }
    // "At most k products": carry the best of smaller budgets forward.
    for (let k = 1; k <= vol; k++) if (f[k - 1] > f[k]) [f[k], ch[k]] = [f[k - 1], ch[k - 1]];
    best.set(boxKey(a, b, c), f);
    choice.set(boxKey(a, b, c), ch);
  }
  return { t, lib, best, choice };
}

/** One placed piece: an exact sub-scheme or `count` naive products, in the box at `offset`. */
export interface Piece {
  offset: [number, number, number];
  dims: [number, number, number];
  kind: 'scheme' | 'naive';
  products: number;
  covered: number;
  name: string;
  sub?: SubScheme;
}

export interface CoverPlan {
  t: number;
  r: number;
  pieces: Piece[];
  covered: number;
  /** Products the plan uses (≤ r; the scheme is padded with zero products). */
  used: number;
}

export function coverPlan(table: CoverTable, r: number): CoverPlan {
  const { t } = table;
  const pieces: Piece[] = [];
  const walk = (off: [number, number, number], dims: [number, number, number], k: number) => {
    const vol = dims[0] * dims[1] * dims[2];
    k = Math.min(k, vol);
    const ch = table.choice.get(boxKey(...dims))![k];
    if (ch.kind === 'naive') {
      if (k > 0) pieces.push({ offset: off, dims, kind: 'naive', products: k, covered: k, name: `${k} naive` });
    } else if (ch.kind === 'scheme') {
      pieces.push({ offset: off, dims, kind: 'scheme', products: ch.sub.rank, covered: vol, name: `<${dims.join(',')}>:${ch.sub.rank}`, sub: ch.sub });
    } else {
      const d1 = dims.slice() as [number, number, number], d2 = dims.slice() as [number, number, number];
      d1[ch.axis] = ch.at;
      d2[ch.axis] = dims[ch.axis] - ch.at;
      const o2 = off.slice() as [number, number, number];
      o2[ch.axis] += ch.at;
      walk(off, d1, ch.k1);
      walk(o2, d2, k - ch.k1);
    }
  };
  walk([0, 0, 0], [t, t, t], r);
  const covered = pieces.reduce((s, p) => s + p.covered, 0), used = pieces.reduce((s, p) => s + p.products, 0);
  return { t, r, pieces, covered, used };
}

export function describePlan(p: CoverPlan): string {
  const parts = p.pieces.filter((x) => x.kind === 'scheme').map((x) => x.name);
  const naive = p.pieces.filter((x) => x.kind === 'naive').reduce((s, x) => s + x.products, 0);
  if (naive > 0) parts.push(`${naive} naive`);
  return parts.length ? parts.join(' + ') : 'nothing';
}

/**
 * The plan as a rank-r scheme over Q for <t,t,t>: each piece's rows with A indices (i0+i, j0+j),
 * B indices (j0+j, k0+k), C indices (i0+i, k0+k); naive pieces take the first unit terms of their box.
 */
export function planScheme(plan: CoverPlan): Scheme<Fraction> {
  const { t, r } = plan;
  const zero = () => new Array<Fraction>(t * t).fill(Q.zero);
  const U: Fraction[][] = [], V: Fraction[][] = [], W: Fraction[][] = [];
  for (const p of plan.pieces) {
    const [i0, j0, k0] = p.offset, [a, b, c] = p.dims;
    if (p.kind === 'naive') {
      let left = p.products;
      for (let i = 0; i < a && left > 0; i++) for (let j = 0; j < b && left > 0; j++) for (let k = 0; k < c && left > 0; k++, left--) {
        const [u, v, w] = [zero(), zero(), zero()];
        u[(i0 + i) * t + j0 + j] = Q.one;
        v[(j0 + j) * t + k0 + k] = Q.one;
        w[(i0 + i) * t + k0 + k] = Q.one;
        U.push(u), V.push(v), W.push(w);
      }
      continue;
    }
    const s = buildFor(p.sub!, p.dims);
    for (let l = 0; l < s.U.length; l++) {
      const [u, v, w] = [zero(), zero(), zero()];
      for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) u[(i0 + i) * t + j0 + j] = s.U[l][i * b + j];
      for (let j = 0; j < b; j++) for (let k = 0; k < c; k++) v[(j0 + j) * t + k0 + k] = s.V[l][j * c + k];
      for (let i = 0; i < a; i++) for (let k = 0; k < c; k++) w[(i0 + i) * t + k0 + k] = s.W[l][i * c + k];
      U.push(u), V.push(v), W.push(w);
    }
  }
  while (U.length < r) U.push(zero()), V.push(zero()), W.push(zero());
  return rationalScheme(t, U, V, W, { source: `stlkit universal: exact sub-schemes embedded in <${t},${t},${t}> (${describePlan(plan)}), ${plan.covered}/${t ** 3} unit terms covered` });
}

/** e of a plan, exactly: uncovered unit terms over t³. */
export function planError(p: CoverPlan): Fraction {
  return new Fraction(p.t ** 3 - p.covered, p.t ** 3);
}
