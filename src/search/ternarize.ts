/**
 * Make an integer <n,m,p> scheme ternary by a change of basis: a Hensel lift of a Z2 scheme is exact
 * over Z but may keep a few coefficients ±2, which keeps it out of ZT (coefficients in {−1, 0, 1}).
 * The sandwich action of (P, Q, R) ∈ GL_n(Z) × GL_m(Z) × GL_p(Z) (src/scheme/basis.ts) maps exact
 * schemes to exact schemes of the same rank, and its elementary generators (add ±1 times one row or
 * column to another) keep everything integral. A walk over those generators that never raises the
 * excess Σ max(0, |x| − 1) by much (accepted with probability e^{−Δ}), as the flip graphs walk their
 * plateaus, often reaches excess 0: e.g. a <3,4,4>:38 lift with four entries ±2 in about 300 steps.
 * The result is verified exactly before it is returned.
 */
import { Fraction, Q } from '../field/index.ts';
import { formatOf, makeScheme, type Scheme } from '../scheme/index.ts';
import { Rng } from '../util/rng.ts';
import { verifyScheme } from '../verify/index.ts';

export interface TernarizeOptions {
  /** Elementary basis changes tried before giving up (default 20 000). */
  maxSteps?: number;
  seed?: number;
}

export type TernarizeResult =
  | { scheme: Scheme<unknown>; steps: number }
  | { scheme: null; reason: string };

const excessOf = (rows: readonly Int32Array[]) => {
  let e = 0;
  for (const a of rows) for (const x of a) if (x > 1 || x < -1) e += Math.abs(x) - 1;
  return e;
};

/** Row `dst` += λ·row `src` of each r×c row-major matrix. */
function addRow(ms: Int32Array[], c: number, dst: number, src: number, lam: number): void {
  for (const a of ms) for (let k = 0; k < c; k++) a[dst * c + k] += lam * a[src * c + k];
}

/** Column `dst` += λ·column `src` of each r×c row-major matrix. */
function addCol(ms: Int32Array[], r: number, c: number, dst: number, src: number, lam: number): void {
  for (const a of ms) for (let k = 0; k < r; k++) a[k * c + dst] += lam * a[k * c + src];
}

function integers(rows: readonly (readonly unknown[])[]): Int32Array[] | null {
  const out: Int32Array[] = [];
  for (const row of rows) {
    const a = new Int32Array(row.length);
    for (let i = 0; i < row.length; i++) {
      const x = row[i] as Fraction;
      if (!(x instanceof Fraction) || x.d !== 1n || x.n > 1n << 20n) return null;
      a[i] = Number(x.s * x.n);
    }
    out.push(a);
  }
  return out;
}

export function ternarize(s: Scheme<unknown>, opts: TernarizeOptions = {}): TernarizeResult {
  if (s.fieldTag !== 'Z' || s.target.kind !== 'matmul') return { scheme: null, reason: `expected a matrix-multiplication scheme over Z, got ${s.fieldTag}` };
  const [n, m, p] = formatOf(s);
  const U0 = integers(s.U), V0 = integers(s.V), W0 = integers(s.W);
  if (!U0 || !V0 || !W0) return { scheme: null, reason: 'a coefficient is not a (small) integer' };
  let [U, V, W] = [U0, V0, W0];
  const rng = new Rng(opts.seed ?? 1);
  const maxSteps = opts.maxSteps ?? 20_000;
  let cur = excessOf(U) + excessOf(V) + excessOf(W);
  let steps = 0;
  for (; steps < maxSteps && cur > 0; steps++) {
    const which = rng.int(3);
    const d = [n, m, p][which];
    if (d < 2) continue;
    const lam = rng.int(2) ? 1 : -1;
    const i = rng.int(d);
    let j = rng.int(d - 1);
    if (j >= i) j++;
    const copy = (ms: Int32Array[]) => ms.map((a) => a.slice());
    const [U2, V2, W2] = [copy(U), copy(V), copy(W)];
    // The generator I + λE_ij of one factor of (P, Q, R), applied as in changeBasis:
    // u' = P⁻ᵀuQᵀ, v' = Q⁻ᵀvRᵀ, w' = PwR⁻¹.
    if (which === 0) {
      addRow(U2, m, j, i, -lam);
      addRow(W2, p, i, j, lam);
    } else if (which === 1) {
      addCol(U2, n, m, i, j, lam);
      addRow(V2, p, j, i, -lam);
    } else {
      addCol(V2, m, p, i, j, lam);
      addCol(W2, n, p, j, i, -lam);
    }
    const e = excessOf(U2) + excessOf(V2) + excessOf(W2);
    if (e <= cur || rng.float() < Math.exp(cur - e)) {
      [U, V, W, cur] = [U2, V2, W2, e];
    }
  }
  if (cur > 0) return { scheme: null, reason: `coefficients outside {-1,0,1} remain after ${steps} basis changes` };
  const F = (ms: Int32Array[]) => ms.map((a) => Array.from(a, (x) => new Fraction(x)));
  const out = makeScheme({ field: Q, fieldTag: 'Z', target: s.target, U: F(U), V: F(V), W: F(W), meta: { ...s.meta, ternarized: `basis change, ${steps} elementary steps` } });
  const rep = verifyScheme(out);
  if (rep.kind !== 'exact' || !rep.exact) return { scheme: null, reason: 'internal check failed: the basis change is not exact' };
  return { scheme: out, steps };
}
