import type { Field } from '../field/index.ts';
import { matInverse, matMul, transpose, type Mat } from '../scheme/index.ts';
import { det, Echelon, proportional, rankOneFactors } from '../field/linalg.ts';
import { normaliseMatrix } from './action.ts';
import { termKey } from './terms.ts';
import type { TermData } from './invariants.ts';

/**
 * The linear algebra of one correspondence search (see solve.ts): for a → b, u'_a ∝ u_b, v'_a ∝ v_b,
 * w'_a ∝ w_b with u' = P⁻ᵀ u Qᵀ, v' = Q⁻ᵀ v Rᵀ, w' = P w R⁻¹. Proportionality to a known matrix is
 * linear in the unknowns:
 *  - a rank-one factor u = x yᵀ ↦ (P⁻ᵀx)(Qy)ᵀ gives Pᵀx_b ∝ x and Q y ∝ y_b, linear in P and in Q
 *    separately (similarly for v and w);
 *  - a factor of higher rank gives Pᵀu_b ∝ u Qᵀ, linear in P once Q is known (up to a scalar, which
 *    does not matter) and vice versa; these wait ("deferred") until one side is known.
 * A matrix is known once its equations leave a one-dimensional solution space.
 */

export type Known<E> = [Mat<E> | null, Mat<E> | null, Mat<E> | null];
interface Deferred {
  a: number;
  b: number;
  /** 0: u (P, Q), 1: v (Q, R), 2: w (P, R). */
  kind: 0 | 1 | 2;
}
export interface State<E> {
  ech: [Echelon<E>, Echelon<E>, Echelon<E>];
  known: Known<E>;
  assign: number[];
  used: boolean[];
  deferred: Deferred[];
}

/** L(X) = op(X)·M as linear forms in vec(X) (row-major d×d), op = transpose when tX. */
export function formsXM<E>(F: Field<E>, d: number, M: Mat<E>, tX: boolean): E[][] {
  const c = M[0].length;
  const out: E[][] = [];
  for (let i = 0; i < d; i++) for (let j = 0; j < c; j++) {
    const row = new Array<E>(d * d).fill(F.zero);
    for (let k = 0; k < d; k++) row[tX ? k * d + i : i * d + k] = M[k][j];
    out.push(row);
  }
  return out;
}

/** L(X) = M·op(X) as linear forms in vec(X). */
export function formsMX<E>(F: Field<E>, d: number, M: Mat<E>, tX: boolean): E[][] {
  const r = M.length;
  const out: E[][] = [];
  for (let i = 0; i < r; i++) for (let j = 0; j < d; j++) {
    const row = new Array<E>(d * d).fill(F.zero);
    for (let k = 0; k < d; k++) row[tX ? j * d + k : k * d + j] = M[i][k];
    out.push(row);
  }
  return out;
}

const col = <E>(x: readonly E[]): Mat<E> => x.map((v) => [v]);

/** Add "L(X) ∝ M" (M known): M[j0]·L_i − M[i]·L_j0 = 0 for a pivot j0 with M[j0] ≠ 0. */
function addProportional<E>(F: Field<E>, ech: Echelon<E>, forms: E[][], M: Mat<E>): void {
  const m = M.flat();
  const j0 = m.findIndex((x) => !F.isZero(x));
  for (let i = 0; i < forms.length; i++) {
    if (j0 < 0) {
      ech.add(forms[i]);
      continue;
    }
    if (i === j0) continue;
    ech.add(forms[i].map((x, t) => F.sub(F.mul(m[j0], x), F.mul(m[i], forms[j0][t]))));
  }
}

export class Matcher<E> {
  private readonly bKeys = new Map<string, number>();
  constructor(
    readonly F: Field<E>, readonly dims: readonly [number, number, number],
    readonly dataA: readonly TermData<E>[], readonly dataB: readonly TermData<E>[],
  ) {
    dataB.forEach((d) => {
      const k = termKey(F, d.u.flat(), d.v.flat(), d.w.flat());
      this.bKeys.set(k, (this.bKeys.get(k) ?? 0) + 1);
    });
  }

  root(): State<E> {
    const [n, m, p] = this.dims, r = this.dataA.length;
    return {
      ech: [new Echelon(this.F, n * n), new Echelon(this.F, m * m), new Echelon(this.F, p * p)],
      known: [null, null, null], assign: new Array(r).fill(-1), used: new Array(this.dataB.length).fill(false), deferred: [],
    };
  }

  clone(st: State<E>): State<E> {
    return {
      ech: [st.ech[0].clone(), st.ech[1].clone(), st.ech[2].clone()],
      known: [...st.known] as Known<E>, assign: st.assign.slice(), used: st.used.slice(), deferred: st.deferred.slice(),
    };
  }

  factor(d: TermData<E>, f: 0 | 1 | 2): Mat<E> {
    return f === 0 ? d.u : f === 1 ? d.v : d.w;
  }

  /** Record a → b and add its constraints that need no known matrix; the rest are deferred. */
  assign(st: State<E>, a: number, b: number): void {
    const F = this.F, dims = this.dims;
    st.assign[a] = b;
    st.used[b] = true;
    const da = this.dataA[a], db = this.dataB[b];
    const [P, Q, R] = st.ech;
    const pairs: [0 | 1 | 2, Echelon<E>, Echelon<E>, number, number][] = [[0, P, Q, 0, 1], [1, Q, R, 1, 2], [2, P, R, 0, 2]];
    for (const [kind, E1, E2, i1, i2] of pairs) {
      const xa = this.factor(da, kind), xb = this.factor(db, kind);
      if (da.ranks[kind] !== 1) {
        if (da.ranks[kind] > 0) st.deferred.push({ a, b, kind });
        continue;
      }
      const [x, y] = rankOneFactors(F, xa.flat(), xa.length, xa[0].length);
      const [xx, yy] = rankOneFactors(F, xb.flat(), xb.length, xb[0].length);
      if (kind === 0) {
        addProportional(F, E1, formsXM(F, dims[i1], col(xx), true), col(x)); // Pᵀ x_b ∝ x
        addProportional(F, E2, formsXM(F, dims[i2], col(y), false), col(yy)); // Q y ∝ y_b
      } else if (kind === 1) {
        addProportional(F, E1, formsXM(F, dims[i1], col(xx), true), col(x)); // Qᵀ x_b ∝ x
        addProportional(F, E2, formsXM(F, dims[i2], col(y), false), col(yy)); // R y ∝ y_b
      } else {
        addProportional(F, E1, formsXM(F, dims[i1], col(x), false), col(xx)); // P x ∝ x_b
        addProportional(F, E2, formsXM(F, dims[i2], col(yy), true), col(y)); // Rᵀ y_b ∝ y
      }
    }
  }

  /** Linearise a deferred constraint once one of its two matrices is known. */
  private useDeferred(st: State<E>, d: Deferred): 'wait' | 'done' | 'fail' {
    const F = this.F, dims = this.dims;
    const [P, Q, R] = st.known;
    const xa = this.factor(this.dataA[d.a], d.kind), xb = this.factor(this.dataB[d.b], d.kind);
    const T = transpose;
    if (d.kind === 0) { // Pᵀ u_b ∝ u_a Qᵀ
      if (P && Q) return proportional(F, matMul(F, T(P), xb).flat(), matMul(F, xa, T(Q)).flat()) ? 'done' : 'fail';
      if (Q) addProportional(F, st.ech[0], formsXM(F, dims[0], xb, true), matMul(F, xa, T(Q)));
      else if (P) addProportional(F, st.ech[1], formsMX(F, dims[1], xa, true), matMul(F, T(P), xb));
      else return 'wait';
    } else if (d.kind === 1) { // Qᵀ v_b ∝ v_a Rᵀ
      if (Q && R) return proportional(F, matMul(F, T(Q), xb).flat(), matMul(F, xa, T(R)).flat()) ? 'done' : 'fail';
      if (Q) addProportional(F, st.ech[2], formsMX(F, dims[2], xa, true), matMul(F, T(Q), xb));
      else if (R) addProportional(F, st.ech[1], formsXM(F, dims[1], xb, true), matMul(F, xa, T(R)));
      else return 'wait';
    } else { // P w_a ∝ w_b R
      if (P && R) return proportional(F, matMul(F, P, xa).flat(), matMul(F, xb, R).flat()) ? 'done' : 'fail';
      if (P) addProportional(F, st.ech[2], formsMX(F, dims[2], xb, false), matMul(F, P, xa));
      else if (R) addProportional(F, st.ech[0], formsXM(F, dims[0], xa, false), matMul(F, xb, R));
      else return 'wait';
    }
    return 'done';
  }

  /** Fix every matrix whose solution space is a line; use deferred constraints; false on contradiction. */
  propagate(st: State<E>): boolean {
    const F = this.F;
    for (let changed = true; changed;) {
      changed = false;
      for (let x = 0; x < 3; x++) {
        const d = this.dims[x], e = st.ech[x];
        if (e.rank === d * d) return false;
        if (st.known[x] || e.rank < d * d - 1) continue;
        const v = e.nullspace()[0];
        const M = normaliseMatrix(F, Array.from({ length: d }, (_, i) => v.slice(i * d, (i + 1) * d)));
        if (F.isZero(det(F, M))) return false;
        st.known[x] = M;
        changed = true;
      }
      const keep: Deferred[] = [];
      for (const d of st.deferred) {
        const res = this.useDeferred(st, d);
        if (res === 'fail') return false;
        if (res === 'wait') keep.push(d);
        else changed = true;
      }
      st.deferred = keep;
    }
    return true;
  }

  /** Fix matrix x to a given value (up to scale). */
  fix(st: State<E>, x: number, M: Mat<E>): void {
    const d = this.dims[x];
    const I = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? this.F.one : this.F.zero)));
    addProportional(this.F, st.ech[x], formsXM(this.F, d, I, false), M);
  }

  inverses(st: State<E>): (Mat<E> | null)[] {
    return st.known.map((M) => (M ? matInverse(this.F, M) : null));
  }

  /** Image of product a under the known matrices (the factors whose two matrices are known). */
  image(st: State<E>, a: number, inv: (Mat<E> | null)[]): (Mat<E> | null)[] {
    const F = this.F;
    const [P, Q, R] = st.known, [Pi, Qi, Ri] = inv;
    const d = this.dataA[a], T = transpose;
    return [
      P && Q ? matMul(F, matMul(F, T(Pi!), d.u), T(Q)) : null,
      Q && R ? matMul(F, matMul(F, T(Qi!), d.v), T(R)) : null,
      P && R ? matMul(F, matMul(F, P, d.w), Ri!) : null,
    ];
  }

  /** With P, Q, R known: does the image of A hold exactly B's terms? */
  imagesMatch(st: State<E>): boolean {
    const inv = this.inverses(st);
    const left = new Map(this.bKeys);
    for (let a = 0; a < this.dataA.length; a++) {
      const [u, v, w] = this.image(st, a, inv) as Mat<E>[];
      const k = termKey(this.F, u.flat(), v.flat(), w.flat());
      const c = left.get(k) ?? 0;
      if (c === 0) return false;
      left.set(k, c - 1);
    }
    return true;
  }

  /** B's products that a may still go to: same colour, unused, consistent with the known matrices. */
  candidates(st: State<E>, a: number, inv: (Mat<E> | null)[], colA: readonly string[], colB: readonly string[]): number[] {
    const img = this.image(st, a, inv);
    const out: number[] = [];
    for (let b = 0; b < this.dataB.length; b++) {
      if (st.used[b] || colB[b] !== colA[a]) continue;
      const db = this.dataB[b];
      if (img.every((x, f) => !x || proportional(this.F, x.flat(), this.factor(db, f as 0 | 1 | 2).flat()))) out.push(b);
    }
    return out;
  }
}
