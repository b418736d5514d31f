import { Fraction, Q } from '../../field/index.ts';
import { makeScheme, type Scheme } from '../../scheme/index.ts';
import { verifyScheme } from '../../verify/index.ts';
import { freedomFromNormal } from '../../cp/linalg.ts';
import { nearestRational } from '../../cp/round.ts';
import { Rng } from '../../util/rng.ts';
import { diagonaliseFixed } from './symmetric-gauge.ts';
import { symLm, symNormal, symProblem, symResidual, type SymProblem } from './symmetric-lm.ts';

/**
 * Numerical search for cyclic-invariant exact <n,n,n> schemes of rank 3k + f over Q: k orbit
 * representatives and f fixed vectors (symmetric-lm.ts), from seeded random starts,
 *   1. Levenberg–Marquardt holding a norm penalty λ until the penalised cost stalls, then letting λ
 *      fade to 0 (as lmDescent in search.ts: the penalty keeps away from border-rank points);
 *   2. sparsification: pin coordinates to 0, then ±1, then ±2, ±1/2 while the decomposition stays
 *      exact (the solution set has the conjugations a ↦ PaP⁻¹ and two scalings per orbit, so a
 *      generic point has no rational coordinates), then rounding to small rationals;
 *   3. exact verification of the expanded scheme over Q. Invariance holds by construction.
 */
export interface SymAlsOptions {
  n: number;
  /** Orbits and fixed terms; rank 3·orbits + fixed. */
  orbits: number;
  fixed: number;
  seed: number;
  timeLimitMs?: number;
  /** Default: unlimited with a time limit, else 10. */
  restarts?: number;
  lambda?: number;
  maxDen?: number;
  /** Accept only integer schemes (field tag "Z"); rational ones count as 'not-integer'. */
  integerOnly?: boolean;
  onProgress?: (p: { restarts: number; ms: number; bestResidual: number; last: { residual: number; outcome: SymOutcome } }) => void;
}

export type SymOutcome = 'exact' | 'not-rounded' | 'not-converged' | 'not-integer';

export interface SymAlsResult {
  /** A verified invariant scheme over Q ("Z" when integral), or null. */
  scheme: Scheme<Fraction> | null;
  bestResidual: number;
  restarts: number;
  ms: number;
  /** Outcomes by restart, in order. */
  outcomes: SymOutcome[];
}

const EXACT_TOL = 1e-20;

export function symmetricAlsSearch(opts: SymAlsOptions): SymAlsResult {
  const t0 = performance.now();
  const deadline = opts.timeLimitMs === undefined ? Infinity : t0 + opts.timeLimitMs;
  const maxRestarts = opts.restarts ?? (opts.timeLimitMs === undefined ? 10 : Infinity);
  const P = symProblem(opts.n, opts.orbits, opts.fixed);
  const master = new Rng(opts.seed);
  const outcomes: SymOutcome[] = [];
  let bestResidual = Infinity;
  while (outcomes.length < maxRestarts && performance.now() < deadline) {
    const rng = new Rng(master.nextU32());
    const x = randomStart(P, rng);
    const residual = descend(P, x, opts.lambda ?? 1e-3, deadline);
    bestResidual = Math.min(bestResidual, residual);
    let outcome: SymOutcome = 'not-converged', scheme: Scheme<Fraction> | null = null;
    if (residual < EXACT_TOL) {
      scheme = roundSymmetric(P, x, { maxDen: opts.maxDen ?? 16, deadline, rng });
      outcome = !scheme ? 'not-rounded' : opts.integerOnly && scheme.fieldTag !== 'Z' ? 'not-integer' : 'exact';
      if (outcome !== 'exact') scheme = null;
    }
    outcomes.push(outcome);
    opts.onProgress?.({ restarts: outcomes.length, ms: performance.now() - t0, bestResidual, last: { residual, outcome } });
    if (scheme) {
      const meta = { ...scheme.meta, source: `stlkit symmetric ALS <${opts.n},${opts.n},${opts.n}>: ${opts.orbits} orbits + ${opts.fixed} fixed, seed ${opts.seed} restart ${outcomes.length - 1}` };
      return { scheme: { ...scheme, meta }, bestResidual, restarts: outcomes.length, ms: performance.now() - t0, outcomes };
    }
  }
  return { scheme: null, bestResidual, restarts: outcomes.length, ms: performance.now() - t0, outcomes };
}

/** N(0, σ²) entries, σ so that a random rank-r sum has about the norm of T (cf. randomFactors). */
export function randomStart(P: SymProblem, rng: Rng): Float64Array {
  const r = 3 * P.k + P.f, sigma = Math.pow(P.tSq / (r * P.q ** 3), 1 / 6);
  return Float64Array.from({ length: P.N }, () => sigma * rng.normal());
}

/** Penalised LM, then λ → 0, then a polish; returns ‖T − T̂‖². */
function descend(P: SymProblem, x: Float64Array, lambda: number, deadline: number): number {
  const hold = symLm(P, x, { maxIters: 200, lambda, lambdaDecay: 1, stallWindow: 10, stallFactor: 1 - 1e-5, deadline });
  // A penalised minimum far above λ is a swamp that did not reach an exact point once λ faded.
  if (hold.residual > 10 * lambda) return hold.residual;
  return symLm(P, x, { maxIters: 150, lambda, lambdaDecay: 0.75, lambdaMin: 1e-9, tol: 1e-26, stallWindow: 10, stallFactor: 1e-2, deadline }).residual;
}

/** The expanded scheme over Q of rational parameters (c' transposed back to C as written). */
export function symmetricScheme(n: number, k: number, f: number, coef: Fraction[]): Scheme<Fraction> {
  const q = n * n;
  const vec = (off: number) => coef.slice(off, off + q);
  const tr = (c: Fraction[]) => Array.from({ length: q }, (_, t) => c[(t % n) * n + Math.floor(t / n)]);
  const U: Fraction[][] = [], V: Fraction[][] = [], W: Fraction[][] = [];
  const term = (a: Fraction[], b: Fraction[], c: Fraction[]) => { U.push(a); V.push(b); W.push(tr(c)); };
  for (let l = 0; l < k; l++) {
    const a = vec(3 * l * q), b = vec((3 * l + 1) * q), c = vec((3 * l + 2) * q);
    term(a, b, c); term(b, c, a); term(c, a, b);
  }
  for (let j = 0; j < f; j++) {
    const d = vec((3 * k + j) * q);
    term(d, d, d);
  }
  const integral = coef.every((x) => x.d === 1n);
  return makeScheme({ field: Q, fieldTag: integral ? 'Z' : 'Q', target: { kind: 'matmul', format: [n, n, n] }, U, V, W, meta: { source: 'stlkit symmetric ALS/LM, rounded', symmetry: `cyclic: ${k} orbits + ${f} fixed` } });
}

/** Round every parameter to a small rational and verify exactly; null unless it is exact. */
export function exactSymmetric(P: SymProblem, x: Float64Array, maxDen: number): Scheme<Fraction> | null {
  const coef = Array.from(x, (v) => {
    const [num, den] = nearestRational(v, maxDen);
    return num === 0 ? Q.zero : new Fraction(BigInt(num), BigInt(den));
  });
  const s = symmetricScheme(P.n, P.k, P.f, coef);
  const r = verifyScheme(s);
  return r.kind === 'exact' && r.exact ? s : null;
}

const PHASES: number[][] = [[0], [0, 1, -1], [0, 1, -1, 2, -2, 0.5, -0.5]];
const MAX_MISSES = 12;

/**
 * How far each free coordinate moves along the solution set per unit of its free parameters
 * (μ·‖row of L⁻¹‖² for JᵀJ + μ = LLᵀ; see freedom in cp/round.ts): pins are ranked by distance over
 * √(this), so coordinates the solution set holds in place are not tried first.
 */
function freedom(P: SymProblem, x: Float64Array, frozen: Uint8Array): Float64Array {
  const N = P.N, H = new Float64Array(N * N), g = new Float64Array(N), e = new Float64Array(P.target.length);
  symResidual(P, x, e);
  symNormal(P, x, e, H, g);
  return freedomFromNormal(H, N, frozen);
}

/**
 * Sparsify and round (see cp/round.ts for the idea): pins go in batches, nearest first (with a jitter
 * in later attempts), a batch that leaves the solution set is halved, single failures are skipped;
 * after each phase the point is rounded and tried. Orbit reps are first scaled so that the largest
 * entries of a and b are 1 (the two scalings of an orbit), so ±1 entries sit where pins look.
 */
export function roundSymmetric(P: SymProblem, x0: Float64Array, opts: { maxDen?: number; deadline?: number; rng?: Rng; attempts?: number } = {}): Scheme<Fraction> | null {
  const maxDen = opts.maxDen ?? 16, deadline = opts.deadline ?? Infinity, tol = EXACT_TOL;
  const direct = exactSymmetric(P, x0, maxDen);
  if (direct) return direct;
  const { q, k, N } = P;
  const base = x0.slice();
  if (diagonaliseFixed(P, base)) {
    // Conjugation is exact in theory; re-polish what the floating-point eigenbasis cost.
    if (!(symLm(P, base, { maxIters: 20, tol: 1e-26 }).residual < tol)) base.set(x0);
  }
  for (let attempt = 0; attempt < (opts.attempts ?? 3) && performance.now() < deadline; attempt++) {
    const x = base.slice();
    for (let l = 0; l < k; l++) {
      const big = (off: number) => x.subarray(off, off + q).reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0);
      const sa = big(3 * l * q), sb = big((3 * l + 1) * q);
      if (sa === 0 || sb === 0) continue;
      for (let t = 0; t < q; t++) {
        x[3 * l * q + t] /= sa;
        x[(3 * l + 1) * q + t] /= sb;
        x[(3 * l + 2) * q + t] *= sa * sb;
      }
    }
    const frozen = new Uint8Array(N), rejected = new Uint8Array(N);
    let weight = freedom(P, x, frozen);
    for (const values of PHASES) {
      rejected.fill(0);
      let batch = Math.max(1, Math.floor(N / 16)), misses = 0;
      while (misses < MAX_MISSES && performance.now() < deadline) {
        const cand: [number, number, number][] = [];
        for (let i = 0; i < N; i++) if (!frozen[i] && !rejected[i]) {
          let best = 0, dist = Infinity;
          for (const v of values) if (Math.abs(x[i] - v) < dist) [best, dist] = [v, Math.abs(x[i] - v)];
          const d = dist < 1e-12 ? 0 : dist / Math.sqrt(Math.max(weight[i], 1e-30));
          cand.push([i, best, attempt > 0 && opts.rng ? d * (0.5 + opts.rng.float()) : d]);
        }
        if (cand.length === 0) break;
        cand.sort((u, v) => u[2] - v[2] || u[0] - v[0]);
        const pins = cand.slice(0, batch), y = x.slice();
        for (const [i, v] of pins) { y[i] = v; frozen[i] = 1; }
        const r = symLm(P, y, { maxIters: 30, tol, frozen, stallWindow: 6, stallFactor: 1e-2, deadline });
        if (r.residual < tol) {
          x.set(y);
          weight = freedom(P, x, frozen);
          misses = 0;
          batch = Math.min(2 * batch, N);
        } else {
          for (const [i] of pins) frozen[i] = 0;
          if (pins.length === 1) { rejected[pins[0][0]] = 1; misses++; }
          batch = Math.max(1, Math.floor(pins.length / 2));
        }
      }
      const s = exactSymmetric(P, x, maxDen);
      if (s) return s;
    }
  }
  return null;
}

export { symProblem, symResidual };
