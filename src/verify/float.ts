import type { Scheme } from '../scheme/index.ts';
import type { Tensor } from '../tensor/index.ts';
import type { FloatReport } from './report.ts';

/** The residual tensor Σ u⊗v⊗w − T of a float scheme, dense, index (α·b + β)·c + γ. */
export function floatResidual(s: Scheme<number>, T: Tensor): Float64Array {
  const [a, b, c] = T.dims;
  const acc = new Float64Array(a * b * c);
  for (let l = 0; l < s.U.length; l++) {
    const u = s.U[l], v = s.V[l], w = s.W[l];
    for (let al = 0; al < a; al++) {
      if (u[al] === 0) continue;
      for (let be = 0; be < b; be++) {
        const uv = u[al] * v[be];
        if (uv === 0) continue;
        const base = (al * b + be) * c;
        for (let ga = 0; ga < c; ga++) acc[base + ga] += uv * w[ga];
      }
    }
  }
  for (const e of T.entries) acc[(e.i * b + e.j) * c + e.k] -= Number(e.v.s * e.v.n) / Number(e.v.d);
  return acc;
}

/** R: residual statistics only; a float scheme is never declared exact. */
export function verifyFloat(s: Scheme<number>, T: Tensor): FloatReport {
  const [a, b, c] = T.dims;
  const acc = floatResidual(s, T);
  let tSq = 0;
  for (const e of T.entries) {
    const v = Number(e.v.s * e.v.n) / Number(e.v.d);
    tSq += v * v;
  }
  let sq = 0, maxAbs = 0, entries = 0;
  for (const x of acc) {
    sq += x * x;
    if (Math.abs(x) > maxAbs) maxAbs = Math.abs(x);
    if (Math.abs(x) > 1e-12) entries++;
  }
  return { kind: 'float', field: 'R', equations: a * b * c, relFrobenius: Math.sqrt(sq / tSq), maxAbs, residualEntries: entries, residualSq: sq };
}
