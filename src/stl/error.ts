import { floatResidual } from '../verify/float.ts';
import { Fraction } from '../field/index.ts';
import { changeField, SchemeError, type Scheme } from '../scheme/index.ts';
import { frobeniusSq as tensorFrobeniusSq, targetTensor } from '../tensor/index.ts';
import { verifyScheme } from '../verify/index.ts';
import { integerResidual } from '../verify/integer.ts';
import { matmul, relErrorSq, type Matrix } from './matrix.ts';
import { stl, type StlEncoders } from './operator.ts';

/**
 * Error measures of stl.md for a scheme T̂ = Σ_l U[l] ⊗ V[l] ⊗ W[l] of a target T.
 * Isotropic: e = ‖T − T̂‖_F² / ‖T‖_F², which for X, W with i.i.d. N(0,1) entries equals
 * E‖STL(X,W) − XW‖_F² / E‖XW‖_F². Empirical: the same ratio on given X, W.
 */
export interface IsotropicError {
  /** e as a float (rounded from `fraction` when that is present). */
  value: number;
  /** e exactly, "p/q", for schemes over Z, Q and C; absent for float (R) schemes. */
  fraction?: string;
  exact: boolean;
}

function refuseModular(s: Scheme<unknown>): void {
  if (s.field.characteristic !== 0n) throw new SchemeError(`a scheme over ${s.field.name} has no real-valued error; use a scheme over Z, Q, R or C`);
}

/** e(T̂): exact over Q through the integer residual of verifyScheme, float64 for R. */
export function isotropicError(s: Scheme<unknown>): IsotropicError {
  refuseModular(s);
  const report = verifyScheme(s, { maxFailures: 0 });
  if (report.kind === 'float') {
    const tSq = tensorFrobeniusSq(targetTensor(s.target)).valueOf();
    return { value: report.residualSq / tSq, exact: false };
  }
  const fraction = report.exact ? '0' : report.isotropicError;
  if (fraction === undefined) throw new SchemeError(`no exact isotropic error for a scheme over ${report.field}`);
  return { value: new Fraction(fraction).valueOf(), fraction, exact: true };
}

/**
 * The residual tensor T̂ − T as dense float64, index (α·b + β)·c + γ. For rational schemes it is
 * summed exactly (integers over a common denominator) and rounded once, so exact schemes give 0.
 */
export function residualTensor(s: Scheme<unknown>): { dims: [number, number, number]; data: Float64Array } {
  refuseModular(s);
  const T = targetTensor(s.target);
  const [a, b, c] = T.dims;
  if (!s.field.exact) return { dims: [a, b, c], data: floatResidual(changeField<unknown, number>(s, 'R'), T) };
  const data = new Float64Array(a * b * c);
  // C schemes with real coefficients map to Q (changeField refuses a nonzero imaginary part).
  const q = changeField<unknown, Fraction>(s, 'Q');
  const r = integerResidual(T.dims, q.U.map((u, l) => ({ u, v: q.V[l], w: q.W[l], sign: 1n as const })), T);
  for (const key of r.keys) data[key] = new Fraction(r.at(key), r.L).valueOf();
  return { dims: [a, b, c], data };
}

/** ‖STL(X, W) − XW‖_F² / ‖XW‖_F² on given matrices. */
export function empiricalError(X: Matrix, W: Matrix, enc: StlEncoders): number {
  return relErrorSq(stl(X, W, enc).data, matmul(X, W).data);
}
