import { Fraction, Q } from '../field/index.ts';
import type { Scheme } from '../scheme/index.ts';
import { copyFactors, type Factors } from '../cp/factors.ts';
import { lmRun } from '../cp/lm.ts';
import { denseProblem, residual, type CpProblem } from '../cp/problem.ts';
import { nearestRational, normaliseTerms, sparsify } from '../cp/round.ts';
import { exactDecoder } from './exactls.ts';
import { fitDecoder } from './truncate.ts';
import { exactError, floatError, rationalScheme } from './isotropic.ts';

/**
 * Rounding a float approximation to simple rationals, kept only where it costs nothing: the exact
 * error of the rational scheme (by the verifier) must be ≤ the float error + tol (1e-12).
 * Tried in order, cheapest first:
 *  1. every coefficient to the nearest rational with denominator ≤ 1, 2, 4, 8, 16 (after scaling
 *     each term so its largest |u| and |v| are 1: rational points usually have ±1 there);
 *  2. encoders rounded that way, decoder re-solved by least squares exactly over Q (the decoder
 *     of a local minimum is that least-squares solution, rational when the encoders are);
 *  3. for small problems, pinning: fix coordinates near 0, ±1, ±2, ±½ one batch at a time while
 *     Levenberg–Marquardt keeps the error at its value (the sparsification of cp/round.ts
 *     with the minimum as tolerance), then 1 and 2 again. A local minimum lies on an orbit of the
 *     GL(t)³ symmetry, and a generic point of the orbit has no rational coordinates; pinning walks
 *     along it to a simple one.
 * A float check comes before every exact one, which is the expensive step.
 */
export interface RoundedScheme {
  scheme: Scheme<Fraction>;
  error: Fraction;
  how: string;
}

export interface RoundOptions {
  tol?: number;
  deadline?: number;
  /** Pinning only while r·3t² ≤ this (its LM steps are dense). */
  pinMaxN?: number;
  source?: string;
}

const DENS = [1, 2, 4, 8, 16];

export function roundToRational(P: CpProblem, F0: Factors, floatErr: number, opts: RoundOptions = {}): RoundedScheme | null {
  const tol = opts.tol ?? 1e-12, deadline = opts.deadline ?? Infinity;
  const F = copyFactors(F0);
  normaliseTerms(P, F);
  const first = tryRound(P, F, floatErr, tol, opts.source);
  if (first || performance.now() > deadline) return first;
  const viaPattern = residualPattern(P, F, floatErr, tol, deadline, opts.source);
  if (viaPattern || performance.now() > deadline) return viaPattern;
  const N = P.r * (P.a + P.b + P.c);
  if (N > (opts.pinMaxN ?? 700)) return null;
  const sp = sparsify(P, F, { tol: (floatErr + tol / 10) * P.tSq, maxTrials: 400, deadline });
  const pinned = floatError(P, sp.factors);
  if (!(pinned <= floatErr + tol)) return null;
  const second = tryRound(P, sp.factors, floatErr, tol, opts.source);
  return second ? { ...second, how: `${second.how} after pinning ${sp.pinned} coordinates` } : null;
}

/**
 * Many minima leave a residual T̂ − T that is a simple pattern (e.g. minus k unit terms: e = k/t³).
 * Then the point is an approximate *exact* decomposition of T' = T + pattern, a problem on which
 * Levenberg–Marquardt converges quadratically and the exact-scheme sparsification of
 * cp/round.ts applies; its rational points have error ‖pattern‖²/t³ against T.
 */
function residualPattern(P: CpProblem, F: Factors, floatErr: number, tol: number, deadline: number, source?: string): RoundedScheme | null {
  const e = new Float64Array(P.dense.length);
  residual(P, F, e);
  const target = P.dense.slice();
  let patternSq = 0;
  for (let i = 0; i < e.length; i++) {
    const v = Math.round(e[i] * 2) / 2;
    if (Math.abs(e[i] - v) > 1e-3) return null;
    target[i] += v;
    patternSq += v * v;
  }
  if (patternSq / P.tSq > floatErr + tol) return null;
  const Q2 = denseProblem([P.a, P.b, P.c], target, P.r);
  const G = copyFactors(F);
  const fit = lmRun(Q2, G, { maxIters: 40, tol: 1e-24, deadline, stallWindow: 6, stallFactor: 1e-2 });
  if (!(fit.residual < 1e-20)) return null;
  const direct = tryRound(P, G, floatErr, tol, source);
  if (direct || performance.now() > deadline) return direct && { ...direct, how: `${direct.how} (residual pattern)` };
  let found: RoundedScheme | null = null;
  sparsify(Q2, G, { tol: 1e-20, maxTrials: 600, deadline, done: (H) => (found = tryRound(P, H, floatErr, tol, source)) !== null });
  const f = found as RoundedScheme | null;
  return f && { ...f, how: `${f.how} (residual pattern, pinned)` };
}

function tryRound(P: CpProblem, F: Factors, floatErr: number, tol: number, source?: string): RoundedScheme | null {
  const t = P.format[0], d = t * t, r = P.r;
  const limit = floatErr + tol;
  for (const den of DENS) {
    const G = roundFactors(F, den);
    if (!(floatError(P, G) <= limit + 1e-9)) continue;
    const s = toScheme(t, r, G, den, den, `stlkit universal: coefficients rounded (denominators ≤ ${den})${source ? `; ${source}` : ''}`);
    const e = exactError(s);
    if (e.valueOf() <= limit) return { scheme: s, error: e, how: `rounded, denominators ≤ ${den}` };
  }
  for (const den of DENS) {
    const G = roundFactors(F, den);
    G.W.set(fitDecoder(P, G).B);
    if (!(floatError(P, G) <= limit + 1e-9)) continue;
    const U = rows(G.U, r, d, den), V = rows(G.V, r, d, den);
    const s = rationalScheme(t, U, V, exactDecoder(t, U, V), { source: `stlkit universal: encoders rounded (denominators ≤ ${den}), decoder by exact least squares${source ? `; ${source}` : ''}` });
    const e = exactError(s);
    if (e.valueOf() <= limit) return { scheme: s, error: e, how: `encoders rounded (≤ ${den}), exact least-squares decoder` };
  }
  return null;
}

function roundFactors(F: Factors, den: number): Factors {
  const f = (X: Float64Array) => X.map((x) => {
    const [p, q] = nearestRational(x, den, 1e-9);
    return p / q;
  });
  return { U: f(F.U), V: f(F.V), W: f(F.W) };
}

function rows(X: Float64Array, r: number, d: number, den: number): Fraction[][] {
  return Array.from({ length: r }, (_, l) => Array.from(X.subarray(l * d, (l + 1) * d), (x) => {
    const [p, q] = nearestRational(x, den, 1e-9);
    return p === 0 ? Q.zero : new Fraction(BigInt(p), BigInt(q));
  }));
}

function toScheme(t: number, r: number, G: Factors, denUV: number, denW: number, source: string): Scheme<Fraction> {
  const d = t * t;
  return rationalScheme(t, rows(G.U, r, d, denUV), rows(G.V, r, d, denUV), rows(G.W, r, d, denW), { source });
}
