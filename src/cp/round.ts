import { Fraction, Q } from '../field/index.ts';
import { makeScheme, type Scheme } from '../scheme/index.ts';
import { verifyScheme } from '../verify/index.ts';
import { gcd, lcm } from '../util/bigint.ts';
import { Rng } from '../util/rng.ts';
import { copyFactors, type Factors } from './factors.ts';
import { freedomFromNormal } from './linalg.ts';
import { lmRun, normalMatrix } from './lm.ts';
import { matmulProblem, residualOf, type CpProblem } from './problem.ts';

/**
 * From a numerically exact float decomposition to an exact rational scheme.
 *
 * A converged point lies on a manifold of solutions (the GL_n×GL_m×GL_p symmetry, term scalings,
 * sometimes more), and a generic point of it has no rational coordinates. Sparsification (after
 * Smirnov 2013) walks along that manifold: pin the coordinates closest to a simple value (0, ±1,
 * then ±2, ±1/2; "closest" weighted by how freely each coordinate moves, see freedom) and let
 * Levenberg–Marquardt re-solve the rest; a pin that leaves the solution set is undone. Once enough is pinned the remaining coordinates are forced, and for a rational scheme
 * they are rational: round them with bounded denominators and let the exact verifier decide.
 */
export interface RoundOptions {
  /** Largest denominator accepted when rounding (default 32; the simplest fit is taken first). */
  maxDen?: number;
  /** Pin and re-solve before rounding (off: round directly). */
  sparsify?: boolean;
  /** ‖T − T̂‖² below which a float decomposition counts as exact (and sparsification is tried). */
  tol?: number;
  /** Cap on re-solves during sparsification. */
  maxTrials?: number;
  /** performance.now() after which sparsification stops. */
  deadline?: number;
  /**
   * Sparsification attempts; the first pins nearest-first, later ones jitter the order with an
   * Rng seeded from `seed` (a greedy path can end at a point with irrational coordinates, e.g.
   * roots of x³ + x − 1 for <3,3,3>:23; another path from the same point may not).
   */
  attempts?: number;
  seed?: number;
  /** Keep trying (all attempts) for an integer scheme; a rational one is returned only failing that. */
  integral?: boolean;
}

export interface RoundResult {
  scheme: Scheme<Fraction> | null;
  /** The float factors after sparsification (pinned coordinates are exact simple values). */
  factors: Factors;
  trials: number;
  pinned: number;
}

/**
 * The simplest rational within eps of x (smallest denominator ≤ maxDen), else the best
 * continued-fraction approximation with denominator ≤ maxDen (the verifier then decides).
 */
export function nearestRational(x: number, maxDen: number, eps = 1e-9): [number, number] {
  if (!Number.isFinite(x)) return [0, 1];
  for (let q = 1; q <= maxDen; q++) {
    const num = Math.round(x * q);
    if (Math.abs(x - num / q) <= eps * Math.max(1, Math.abs(x))) return [num, q];
  }
  const sign = x < 0 ? -1 : 1, ax = Math.abs(x);
  let y = ax;
  let [p0, q0, p1, q1] = [0, 1, 1, 0];
  for (let it = 0; it < 64; it++) {
    const a = Math.floor(y);
    const [p2, q2] = [a * p1 + p0, a * q1 + q0];
    if (q2 > maxDen) break;
    [p0, q0, p1, q1] = [p1, q1, p2, q2];
    const frac = y - a;
    if (frac < 1e-15) break;
    y = 1 / frac;
  }
  // The semiconvergent with the largest admissible denominator may be closer than the last convergent.
  const k = Math.floor((maxDen - q0) / q1);
  const [ps, qs] = [p0 + k * p1, q0 + k * q1];
  const [bp, bq] = k > 0 && Math.abs(ps / qs - ax) < Math.abs(p1 / q1 - ax) ? [ps, qs] : [p1, q1];
  return [sign * bp, bq];
}

/**
 * Exact cosmetic rescaling per term (u⊗v⊗w = su⊗tv⊗w/(st)): make two of the three factors
 * primitive integer vectors, choosing the pair that leaves the third with the smallest
 * denominators. Sparsification fixes the scale by whatever it pinned first, which often leaves
 * 3/4-style entries that this removes.
 */
function tidyTerms(U: Fraction[][], V: Fraction[][], W: Fraction[][]): void {
  const primitiveScale = (x: Fraction[]) => {
    let l = 1n, g = 0n;
    for (const e of x) if (e.n !== 0n) {
      l = lcm(l, e.d);
      g = gcd(g, e.n);
    }
    return g === 0n ? new Fraction(1) : new Fraction(l, g);
  };
  const maxDen = (x: Fraction[]) => x.reduce((m, e) => (e.d > m ? e.d : m), 1n);
  const termDen = (rows: Fraction[][]) => rows.reduce((m, x) => (maxDen(x) > m ? maxDen(x) : m), 1n);
  for (let l = 0; l < U.length; l++) {
    const rows = [U[l], V[l], W[l]];
    let best = rows, bestDen = termDen(rows);
    for (const absorb of [2, 1, 0]) {
      const [i, j] = [0, 1, 2].filter((t) => t !== absorb);
      const si = primitiveScale(rows[i]), sj = primitiveScale(rows[j]);
      const out = rows.map((x) => x.slice());
      out[i] = rows[i].map((e) => e.mul(si));
      out[j] = rows[j].map((e) => e.mul(sj));
      out[absorb] = rows[absorb].map((e) => e.div(si).div(sj));
      const d = termDen(out);
      if (d < bestDen) [best, bestDen] = [out, d];
    }
    [U[l], V[l], W[l]] = best;
  }
}

/** Round every coefficient and verify exactly over Q; null unless every Brent equation holds. */
export function exactScheme(format: [number, number, number], F: Factors, rank: number, maxDen = 32): Scheme<Fraction> | null {
  const [n, m, p] = format;
  const [a, b, c] = [n * m, m * p, n * p];
  let integral = true;
  const toQ = (X: Float64Array, d: number) => Array.from({ length: rank }, (_, l) => Array.from({ length: d }, (_, t) => {
    const [num, den] = nearestRational(X[l * d + t], maxDen);
    if (den !== 1) integral = false;
    return num === 0 ? Q.zero : new Fraction(BigInt(num), BigInt(den));
  }));
  const U = toQ(F.U, a), V = toQ(F.V, b), W = toQ(F.W, c);
  if (!integral) {
    tidyTerms(U, V, W);
    integral = [U, V, W].every((M) => M.every((row) => row.every((e) => e.d === 1n)));
  }
  const s = makeScheme({ field: Q, fieldTag: integral ? 'Z' : 'Q', target: { kind: 'matmul', format }, U, V, W, meta: { source: 'stlkit ALS/LM numerical search, rounded' } });
  const rep = verifyScheme(s);
  return rep.kind === 'exact' && rep.exact ? s : null;
}

/**
 * Pin targets by phase: zeros first (sparsity is what a rational point of the orbit has most of;
 * pinning values like 1/2 early tends to force an irrational point such as one with √5 in it),
 * then ±1, then ±2 and ±1/2.
 */
const MAX_MISSES = 8;

const PHASES: number[][] = [[0], [0, 1, -1], [0, 1, -1, 2, -2, 0.5, -0.5]];

function target(x: number, values: number[]): [number, number] {
  let best = 0, cost = Infinity;
  for (const v of values) {
    const d = Math.abs(x - v);
    if (d < cost) [best, cost] = [v, d];
  }
  return [best, cost];
}

/**
 * Per-term scaling: largest |u| and |v| become 1 (w compensates), so the ±1 entries a rational
 * scheme usually has are where the pins look for them.
 */
export function normaliseTerms(P: CpProblem, F: Factors): void {
  const { a, b, c, r } = P;
  for (let l = 0; l < r; l++) {
    const big = (X: Float64Array, d: number) => {
      let m = 0;
      for (let t = 0; t < d; t++) if (Math.abs(X[l * d + t]) > Math.abs(m)) m = X[l * d + t];
      return m;
    };
    const su = big(F.U, a), sv = big(F.V, b);
    if (su === 0 || sv === 0) continue;
    for (let t = 0; t < a; t++) F.U[l * a + t] /= su;
    for (let t = 0; t < b; t++) F.V[l * b + t] /= sv;
    for (let t = 0; t < c; t++) F.W[l * c + t] *= su * sv;
  }
}

/**
 * How strongly each free coordinate moves along the solution set. Near an exact solution JᵀJ
 * is singular along the set's tangent space; factorised with a tiny ridge μ, the pivots that
 * collapse to ~μ belong to coordinates that are free parameters given the earlier ones, and
 * μ·‖row i of L⁻¹‖² measures how much coordinate i moves per unit change of those parameters.
 * Pins are ranked by distance-to-target divided by √(this): a coordinate that the solution set
 * holds in place (weight ≈ 0) is not worth a trial. This is an empirical choice: on four converged
 * <3,3,3>:23 points it rounded in 9 of 12 attempts, against 1 of 10 for the diagonal of the
 * orthogonal projector onto the tangent space and 5 of 24 for plain distance.
 */
function freedom(P: CpProblem, F: Factors, frozen: Uint8Array): Float64Array {
  const { a, b, c, r } = P;
  const N = r * (a + b + c);
  const H = new Float64Array(N * N);
  normalMatrix(P, F, new Float64Array(r * r), new Float64Array(r * r), new Float64Array(r * r), H);
  return freedomFromNormal(H, N, frozen);
}

export interface SparsifyOptions {
  tol?: number;
  maxTrials?: number;
  deadline?: number;
  /** Jitter the pin order (different attempts reach different points of the solution set). */
  rng?: Rng;
  /** Called at the end of each phase after the first; true stops (the caller has its scheme). */
  done?: (F: Factors) => boolean;
}

/** Pin coordinates to simple values while the decomposition stays exact (see the module comment). */
export function sparsify(P: CpProblem, F0: Factors, opts: SparsifyOptions = {}): { factors: Factors; trials: number; pinned: number } {
  const { a, b, c, r } = P;
  const tol = opts.tol ?? 1e-20, maxTrials = opts.maxTrials ?? 2000;
  const N = r * (a + b + c);
  let F = copyFactors(F0);
  normaliseTerms(P, F);
  const frozen = new Uint8Array(N), rejected = new Uint8Array(N);
  const get = (G: Factors, i: number) => (i < r * a ? G.U[i] : i < r * (a + b) ? G.V[i - r * a] : G.W[i - r * (a + b)]);
  const set = (G: Factors, i: number, v: number) => {
    if (i < r * a) G.U[i] = v;
    else if (i < r * (a + b)) G.V[i - r * a] = v;
    else G.W[i - r * (a + b)] = v;
  };
  let trials = 0, pinned = 0, phase = 0, misses = 0;
  let weight = freedom(P, F, frozen);
  let k = Math.max(1, Math.floor(N / 16));
  const deadline = opts.deadline ?? Infinity, rng = opts.rng;
  while (trials < maxTrials && performance.now() < deadline) {
    const cand: [number, number, number][] = [];
    for (let i = 0; i < N; i++) if (!frozen[i] && !rejected[i]) {
      const [v, d0] = target(get(F, i), PHASES[phase]);
      const d = d0 < 1e-12 ? 0 : d0 / Math.sqrt(Math.max(weight[i], 1e-30));
      cand.push([i, v, rng ? d * (0.5 + rng.float()) : d]);
    }
    // Candidates come nearest first, so a run of single-pin failures means the rest is far too.
    if (cand.length === 0 || misses >= MAX_MISSES) {
      // After the ±1 phase the rest is often forced and rational already.
      if (phase > 0 && opts.done?.(F)) break;
      if (++phase === PHASES.length) break;
      rejected.fill(0);
      misses = 0;
      k = Math.max(1, Math.floor(N / 16));
      continue;
    }
    cand.sort((x, y) => x[2] - y[2] || x[0] - y[0]);
    const batch = cand.slice(0, Math.min(k, cand.length));
    const G = copyFactors(F);
    for (const [i, v] of batch) {
      set(G, i, v);
      frozen[i] = 1;
    }
    trials++;
    // A compatible pin is a small move on the solution set: Gauss–Newton converges in a few steps.
    const res = lmRun(P, G, { maxIters: 30, tol, frozen, stallWindow: 6, stallFactor: 1e-2 });
    if (res.residual < tol) {
      F = G;
      pinned += batch.length;
      misses = 0;
      weight = freedom(P, F, frozen);
      k = Math.min(2 * k, N);
    } else {
      for (const [i] of batch) frozen[i] = 0;
      if (batch.length === 1) {
        rejected[batch[0][0]] = 1;
        misses++;
      }
      k = Math.max(1, Math.floor(batch.length / 2));
    }
  }
  return { factors: F, trials, pinned };
}

/** Round directly; failing that (and if the float residual is tiny), sparsify and round. */
export function roundScheme(format: [number, number, number], F: Factors, opts: RoundOptions = {}): RoundResult {
  const maxDen = opts.maxDen ?? 32, tol = opts.tol ?? 1e-20;
  const rank = F.U.length / (format[0] * format[1]);
  let found: Scheme<Fraction> | null = null;
  // True once the caller's wish is met; a rational scheme is kept in reserve when it wants Z.
  // (Spending further attempts on rational schemes with large denominators, hoping for nicer
  // ones, doubled the time per <3,3,3>:23 restart and rarely helped.)
  const take = (s: Scheme<Fraction> | null) => {
    if (s && (!found || s.fieldTag === 'Z')) found = s;
    return found !== null && (!opts.integral || found.fieldTag === 'Z');
  };
  if (take(exactScheme(format, F, rank, maxDen))) return { scheme: found, factors: copyFactors(F), trials: 0, pinned: 0 };
  const P = matmulProblem(format, rank);
  if (opts.sparsify === false || !(residualOf(P, F) < tol)) return { scheme: found, factors: copyFactors(F), trials: 0, pinned: 0 };
  const attempts = opts.attempts ?? 1;
  const rng = new Rng(opts.seed ?? 1);
  let trials = 0, last: { factors: Factors; pinned: number } = { factors: copyFactors(F), pinned: 0 };
  let done = false;
  for (let t = 0; t < attempts && !done && performance.now() < (opts.deadline ?? Infinity); t++) {
    const sp = sparsify(P, F, {
      tol, maxTrials: opts.maxTrials, deadline: opts.deadline, rng: t === 0 ? undefined : rng,
      done: (G) => (done = take(exactScheme(format, G, rank, maxDen))),
    });
    trials += sp.trials;
    last = sp;
    if (!done) done = take(exactScheme(format, sp.factors, rank, maxDen));
  }
  return { scheme: found, factors: last.factors, trials, pinned: last.pinned };
}
