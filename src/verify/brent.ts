import { Fraction, type Field, type Gaussian } from '../field/index.ts';
import { entriesIn, frobeniusSq, targetTensor, type Tensor } from '../tensor/index.ts';
import { isFloatScheme, isGaussianScheme, isRationalScheme, isZ2Scheme, type Scheme } from '../scheme/index.ts';
import { verifyBits } from './bits.ts';
import { verifyFloat } from './float.ts';
import { integerResidual, residualSq, type RationalTerm } from './integer.ts';
import { collectFailures, type ExactReport, type VerifyOptions, type VerifyReport } from './report.ts';

export type { ExactReport, Failure, FloatReport, VerifyOptions, VerifyReport } from './report.ts';

/** Check the Brent equations of a scheme against its target, exactly over its field. */
export function verifyScheme<E>(s: Scheme<E>, opts: VerifyOptions = {}): VerifyReport {
  const T = targetTensor(s.target);
  const max = opts.maxFailures ?? 10;
  if (isFloatScheme(s)) return verifyFloat(s, T);
  if (isRationalScheme(s)) return verifyRational(s, T, max);
  if (isGaussianScheme(s)) return verifyGaussian(s, T, max);
  if (isZ2Scheme(s)) return verifyBits(s, T, max) ?? verifyGeneric(s, T, max);
  return verifyGeneric(s, T, max);
}

/** Any exact field: a sparse accumulation in the field's own arithmetic. */
function verifyGeneric<E>(s: Scheme<E>, T: Tensor, max: number): ExactReport {
  const F: Field<E> = s.field;
  const [a, b, c] = T.dims;
  const acc = new Map<number, E>();
  const support = (row: readonly E[]) => row.flatMap((x, t) => (F.isZero(x) ? [] : [t]));
  for (let l = 0; l < s.U.length; l++) {
    const iv = support(s.V[l]), iw = support(s.W[l]);
    for (const al of support(s.U[l])) for (const be of iv) {
      const uv = F.mul(s.U[l][al], s.V[l][be]);
      const base = (al * b + be) * c;
      for (const ga of iw) {
        const prev = acc.get(base + ga);
        const add = F.mul(uv, s.W[l][ga]);
        acc.set(base + ga, prev === undefined ? add : F.add(prev, add));
      }
    }
  }
  const target = new Map(entriesIn(T, F).map((e) => [e.key, e.v]));
  const keys = [...new Set([...acc.keys(), ...target.keys()])].sort((x, y) => x - y);
  const { failing, failures } = collectFailures(s.target, T, max, keys, (key) => {
    const got = acc.get(key) ?? F.zero, want = target.get(key) ?? F.zero;
    return F.eq(got, want) ? null : [F.toString(want), F.toString(got)];
  });
  return { kind: 'exact', field: F.name, exact: failing === 0, equations: a * b * c, failing, failures, method: 'field' };
}

/** Q and Z: integer sums over a common denominator (see integerResidual). */
function verifyRational(s: Scheme<Fraction>, T: Tensor, max: number): ExactReport {
  const terms: RationalTerm[] = s.U.map((u, l) => ({ u, v: s.V[l], w: s.W[l], sign: 1n }));
  const r = integerResidual(T.dims, terms, T);
  const [b, c] = [T.dims[1], T.dims[2]];
  const targetAt = new Map(T.entries.map((e) => [(e.i * b + e.j) * c + e.k, e.v]));
  const { failing, failures } = collectFailures(s.target, T, max, r.keys, (key) => {
    const want = targetAt.get(key) ?? new Fraction(0);
    return [want.toFraction(), want.add(new Fraction(r.at(key), r.L)).toFraction()];
  });
  const report: ExactReport = { kind: 'exact', field: s.fieldTag, exact: failing === 0, equations: T.dims[0] * b * c, failing, failures, method: r.method };
  if (failing > 0) report.isotropicError = residualSq(r).div(frobeniusSq(T)).toFraction();
  return report;
}

/**
 * C (Gaussian rationals): with u = u' + i u'' etc., the real part of Σ u⊗v⊗w is the rational sum
 * Σ u'v'w' − u'v''w'' − u''v'w'' − u''v''w' and the imaginary part Σ u'v'w'' + u'v''w' + u''v'w' − u''v''w''.
 * The scheme is exact iff the first equals T and the second vanishes: two integer checks.
 */
function verifyGaussian(s: Scheme<Gaussian>, T: Tensor, max: number): ExactReport {
  const re = (row: readonly Gaussian[]) => row.map((x) => x.re);
  const im = (row: readonly Gaussian[]) => row.map((x) => x.im);
  const realTerms: RationalTerm[] = [], imagTerms: RationalTerm[] = [];
  s.U.forEach((u, l) => {
    const [ur, ui, vr, vi, wr, wi] = [re(u), im(u), re(s.V[l]), im(s.V[l]), re(s.W[l]), im(s.W[l])];
    realTerms.push({ u: ur, v: vr, w: wr, sign: 1n }, { u: ur, v: vi, w: wi, sign: -1n }, { u: ui, v: vr, w: wi, sign: -1n }, { u: ui, v: vi, w: wr, sign: -1n });
    imagTerms.push({ u: ur, v: vr, w: wi, sign: 1n }, { u: ur, v: vi, w: wr, sign: 1n }, { u: ui, v: vr, w: wr, sign: 1n }, { u: ui, v: vi, w: wi, sign: -1n });
  });
  const rr = integerResidual(T.dims, realTerms, T);
  const ri = integerResidual(T.dims, imagTerms, null);
  const [b, c] = [T.dims[1], T.dims[2]];
  const targetAt = new Map(T.entries.map((e) => [(e.i * b + e.j) * c + e.k, e.v]));
  const keys = [...new Set([...rr.keys, ...ri.keys])].sort((x, y) => x - y);
  const { failing, failures } = collectFailures(s.target, T, max, keys, (key) => {
    const want = targetAt.get(key) ?? new Fraction(0);
    const gotRe = want.add(new Fraction(rr.at(key), rr.L)), gotIm = new Fraction(ri.at(key), ri.L);
    return [want.toFraction(), gotIm.n === 0n ? gotRe.toFraction() : `${gotRe.toFraction()}${gotIm.s < 0n ? '-' : '+'}${gotIm.abs().toFraction()}i`];
  });
  const method = rr.method === 'bigint' || ri.method === 'bigint' ? 'bigint' : 'integer-float64';
  const report: ExactReport = { kind: 'exact', field: 'C', exact: failing === 0, equations: T.dims[0] * b * c, failing, failures, method };
  if (failing > 0) report.isotropicError = residualSq(rr).add(residualSq(ri)).div(frobeniusSq(T)).toFraction();
  return report;
}
