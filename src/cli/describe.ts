import { counts, rank, type Scheme } from '../scheme/index.ts';
import { describeTarget } from '../tensor/index.ts';
import type { VerifyReport } from '../verify/index.ts';

/** The facts `info` and `--json` outputs report about a scheme. */
export function schemeFacts(s: Scheme<unknown>) {
  const c = counts(s);
  return {
    target: describeTarget(s.target),
    format: s.target.kind === 'matmul' ? s.target.format : undefined,
    rank: rank(s),
    field: s.fieldTag,
    source: s.meta.source,
    nnz: { U: c.nnz[0], V: c.nnz[1], W: c.nnz[2] },
    additions: c.additions,
    scalings: c.scalings,
    coefficients: c.coefficients,
  };
}

/** One line saying what verification found, the part after the scheme's name in `verify`. */
export function verdict(r: VerifyReport, tol?: number): { ok: boolean; text: string } {
  if (r.kind === 'float') {
    const within = tol !== undefined && r.relFrobenius <= tol;
    const stats = `rel. Frobenius error ${r.relFrobenius.toExponential(3)}, max |residual| ${r.maxAbs.toExponential(3)}`;
    return within
      ? { ok: true, text: `APPROX (float scheme within --tol ${tol}: ${stats})` }
      : { ok: false, text: `APPROX (float scheme; exactness is not decided in floating point: ${stats}${tol !== undefined ? `, above --tol ${tol}` : ''})` };
  }
  if (r.exact) return { ok: true, text: `EXACT over ${r.field === 'Z' ? 'Z' : r.field} (${r.equations} equations)` };
  const err = r.isotropicError ? `, isotropic error ${r.isotropicError}` : '';
  return { ok: false, text: `NOT EXACT over ${r.field}: ${r.failing} of ${r.equations} equations fail${err}` };
}
