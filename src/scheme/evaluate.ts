import type { Field } from '../field/index.ts';
import { formatOf, SchemeError, type Scheme } from './scheme.ts';

function dot<E>(F: Field<E>, row: readonly E[], x: readonly E[]): E {
  let s = F.zero;
  for (let t = 0; t < row.length; t++) if (!F.isZero(row[t])) s = F.add(s, F.mul(row[t], x[t]));
  return s;
}

/** f(x, y) = Σ_l W[l]·(U[l]·x)(V[l]·y) in the scheme's field. */
export function applyBilinear<E>(s: Scheme<E>, x: readonly E[], y: readonly E[]): E[] {
  const F = s.field;
  const [a, b, c] = [s.U[0]?.length ?? 0, s.V[0]?.length ?? 0, s.W[0]?.length ?? 0];
  if (x.length !== a || y.length !== b) throw new SchemeError(`inputs have lengths ${x.length} and ${y.length}, expected ${a} and ${b}`);
  const out = new Array<E>(c).fill(F.zero);
  for (let l = 0; l < s.U.length; l++) {
    const m = F.mul(dot(F, s.U[l], x), dot(F, s.V[l], y));
    if (F.isZero(m)) continue;
    const w = s.W[l];
    for (let g = 0; g < c; g++) if (!F.isZero(w[g])) out[g] = F.add(out[g], F.mul(w[g], m));
  }
  return out;
}

/** C = A·B through a matrix-multiplication scheme; A is n×m and B is m×p, as arrays of rows. */
export function applyMatmul<E>(s: Scheme<E>, A: readonly (readonly E[])[], B: readonly (readonly E[])[]): E[][] {
  const [n, m, p] = formatOf(s);
  if (A.length !== n || A.some((r) => r.length !== m)) throw new SchemeError(`A must be ${n}×${m}`);
  if (B.length !== m || B.some((r) => r.length !== p)) throw new SchemeError(`B must be ${m}×${p}`);
  const c = applyBilinear(s, A.flat(), B.flat());
  return Array.from({ length: n }, (_, i) => c.slice(i * p, (i + 1) * p));
}
