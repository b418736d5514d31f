import { flatten, matInverse, matMul, transpose, unflatten, type Mat } from './matrix.ts';
import { formatOf, withFactors, type Scheme } from './scheme.ts';

/**
 * The sandwich action of (P, Q, R) ∈ GL_n × GL_m × GL_p on <n,m,p> schemes. If the scheme computes
 * AB, the result computes XY through A = P⁻¹XQ, B = Q⁻¹YR, XY = P(AB)R⁻¹, which gives
 *   u' = P⁻ᵀ u Qᵀ,   v' = Q⁻ᵀ v Rᵀ,   w' = P w R⁻¹
 * for each product's factor matrices. It maps exact schemes to exact schemes of the same rank.
 */
export function changeBasis<E>(s: Scheme<E>, P: Mat<E>, Q: Mat<E>, R: Mat<E>): Scheme<E> {
  const F = s.field;
  const [n, m, p] = formatOf(s);
  const [Pi, Qi, Ri] = [matInverse(F, P), matInverse(F, Q), matInverse(F, R)];
  const [PiT, QiT, QT, RT] = [transpose(Pi), transpose(Qi), transpose(Q), transpose(R)];
  const sandwich = (x: readonly E[], r: number, c: number, L: Mat<E>, Rm: Mat<E>) => flatten(matMul(F, matMul(F, L, unflatten(x, r, c)), Rm));
  return withFactors(
    s,
    s.U.map((u) => sandwich(u, n, m, PiT, QT)),
    s.V.map((v) => sandwich(v, m, p, QiT, RT)),
    s.W.map((w) => sandwich(w, n, p, P, Ri)),
    { meta: { ...s.meta, source: `basis change of ${s.meta.source ?? 'scheme'}` } },
  );
}
