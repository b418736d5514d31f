import { Fraction, Q } from '../../field/index.ts';
import { matInverse, type Scheme } from '../../scheme/index.ts';
import { laderman, naive, strassen } from '../../library/builtin.ts';

/**
 * A rational bilinear algorithm on coordinate spaces, f(x, y) = Σ_l W[l]·(U[l]·x)(V[l]·y), the
 * building block of group-algebra schemes before the group's own encoder and decoder are attached.
 * Rows are products, as in Scheme (W[l][γ] is the coefficient of product l in output γ).
 */
export interface Bilinear {
  a: number;
  b: number;
  c: number;
  U: Fraction[][];
  V: Fraction[][];
  W: Fraction[][];
}

const F0 = new Fraction(0), F1 = new Fraction(1);
const unit = (len: number, at: number) => Array.from({ length: len }, (_, t) => (t === at ? F1 : F0));

export function bilinearFromScheme(s: Scheme<unknown>): Bilinear {
  const conv = (M: readonly (readonly unknown[])[]) => M.map((r) => r.map((x) => x as Fraction));
  return { a: s.U[0]?.length ?? 0, b: s.V[0]?.length ?? 0, c: s.W[0]?.length ?? 0, U: conv(s.U), V: conv(s.V), W: conv(s.W) };
}

/** f ⊗ g: the algorithm for the tensor product of the two bilinear maps (index i1·a2 + i2). */
export function kronBilinear(f: Bilinear, g: Bilinear): Bilinear {
  const k = (x: Fraction[], y: Fraction[]) => x.flatMap((s) => y.map((t) => s.mul(t)));
  const out: Bilinear = { a: f.a * g.a, b: f.b * g.b, c: f.c * g.c, U: [], V: [], W: [] };
  for (let l1 = 0; l1 < f.U.length; l1++) for (let l2 = 0; l2 < g.U.length; l2++) {
    out.U.push(k(f.U[l1], g.U[l2]));
    out.V.push(k(f.V[l1], g.V[l2]));
    out.W.push(k(f.W[l1], g.W[l2]));
  }
  return out;
}

/**
 * <d,d,d> as a bilinear map on row-major d×d matrices: Strassen for d = 2 and Laderman for d = 3
 * ('best'), else the naive d³ products. These are exact over any ring, so they also multiply
 * matrices over a number field when combined with a field multiplication by kronBilinear.
 */
export function matmulBilinear(d: number, which: 'best' | 'naive' = 'best'): Bilinear {
  if (which === 'best' && d === 2) return bilinearFromScheme(strassen());
  if (which === 'best' && d === 3) return bilinearFromScheme(laderman());
  return bilinearFromScheme(naive(d, d, d));
}

/** The one-product algorithm for multiplication in Q. */
export const scalarBilinear: Bilinear = { a: 1, b: 1, c: 1, U: [[F1]], V: [[F1]], W: [[F1]] };

/** Coordinates of tⁱ modulo a monic polynomial mu (coefficients low → high, mu[e] = 1). */
export function powerMod(i: number, mu: readonly Fraction[]): Fraction[] {
  const e = mu.length - 1;
  let x = unit(e, 0);
  for (let s = 0; s < i; s++) {
    // t·x, then replace t^e by −Σ mu[k] t^k.
    const top = x[e - 1];
    const next = [F0, ...x.slice(0, e - 1)];
    x = next.map((v, k) => v.sub(top.mul(mu[k])));
  }
  return x;
}

/** Evaluation points for Toom–Cook: 0, 1, −1, 2, −2, …, and ∞ (the leading coefficient). */
function toomPoints(count: number): (number | null)[] {
  const pts: (number | null)[] = [];
  for (let s = 0; pts.length < count - 1; s++) {
    if (s === 0) pts.push(0);
    else {
      pts.push(s);
      if (pts.length < count - 1) pts.push(-s);
    }
  }
  pts.push(null);
  return pts;
}

/**
 * Product of two polynomials of degree < e by evaluation at 2e − 1 points and exact interpolation:
 * rank 2e − 1, the least possible over an infinite field. Output: the 2e − 1 coefficients.
 */
export function toomBilinear(e: number): Bilinear {
  if (e === 1) return scalarBilinear;
  const N = 2 * e - 1;
  const pts = toomPoints(N);
  const evalRow = (x: number | null, len: number) => Array.from({ length: len }, (_, i) => (x === null ? (i === len - 1 ? F1 : F0) : new Fraction(x).pow(i)));
  const M = pts.map((x) => evalRow(x, N));
  const D = matInverse(Q, M); // c = D·p
  return {
    a: e, b: e, c: N,
    U: pts.map((x) => evalRow(x, e)), V: pts.map((x) => evalRow(x, e)),
    W: pts.map((_, j) => Array.from({ length: N }, (_, i) => D[i][j])),
  };
}

/**
 * Multiplication in Q[t]/(mu) on coordinates 1, t, …, t^{e−1}: a polynomial product ('toom', rank
 * 2e − 1, or 'naive', rank e²) followed by reduction modulo mu (linear, so it moves into W).
 */
export function fieldMulBilinear(mu: readonly Fraction[], method: 'toom' | 'naive' = 'toom'): Bilinear {
  const e = mu.length - 1;
  const red = Array.from({ length: 2 * e - 1 }, (_, i) => powerMod(i, mu)); // red[i][k]: coefficient of t^k in t^i
  if (method === 'naive') {
    const out: Bilinear = { a: e, b: e, c: e, U: [], V: [], W: [] };
    for (let s = 0; s < e; s++) for (let t = 0; t < e; t++) {
      out.U.push(unit(e, s));
      out.V.push(unit(e, t));
      out.W.push(red[s + t].slice());
    }
    return out;
  }
  const p = toomBilinear(e);
  return {
    a: e, b: e, c: e, U: p.U, V: p.V,
    W: p.W.map((w) => Array.from({ length: e }, (_, k) => w.reduce((acc, x, i) => acc.add(x.mul(red[i][k])), F0))),
  };
}

/** Multiplication in an algebra with basis b_0..b_{k−1} by its structure constants: k² products. */
export function structureBilinear(k: number, times: (s: number, t: number) => Fraction[]): Bilinear {
  const out: Bilinear = { a: k, b: k, c: k, U: [], V: [], W: [] };
  for (let s = 0; s < k; s++) for (let t = 0; t < k; t++) {
    out.U.push(unit(k, s));
    out.V.push(unit(k, t));
    out.W.push(times(s, t));
  }
  return out;
}

/** Apply a bilinear algorithm to coordinate vectors (for checks). */
export function applyBilinearQ(f: Bilinear, x: readonly Fraction[], y: readonly Fraction[]): Fraction[] {
  const dot = (r: readonly Fraction[], v: readonly Fraction[]) => r.reduce((acc, c, i) => (c.n === 0n ? acc : acc.add(c.mul(v[i]))), F0);
  const out = new Array<Fraction>(f.c).fill(F0);
  f.U.forEach((u, l) => {
    const m = dot(u, x).mul(dot(f.V[l], y));
    if (m.n !== 0n) f.W[l].forEach((w, g) => (out[g] = out[g].add(w.mul(m))));
  });
  return out;
}
