import type { Fraction } from '../field/index.ts';
import { isRationalScheme, maxAbsCoefficient, type Scheme } from '../scheme/index.ts';
import { floatScheme, schemeFactors } from '../cp/convert.ts';
import { copyFactors, resizeFactors, type Factors } from '../cp/factors.ts';
import { lmRun } from '../cp/lm.ts';
import { balance, randomFactors } from '../cp/problem.ts';
import { Rng } from '../util/rng.ts';
import { kappa } from '../stl/lowprec.ts';
import { lowerBound, type LowerBound } from './bounds.ts';
import { roundToRational } from './rational.ts';
import { refine } from './refine.ts';
import { FAMILIES, randomTruncation, structuredStarts, truncationSources, type Family, type Start } from './starts.ts';
import { exactError, floatError, tileProblem } from './isotropic.ts';

/**
 * Universal encoders: for (t, r), the least isotropic error of a rank-r scheme for <t,t,t> we can
 * find. Every structured start (starts.ts) is refined once; then, until the time or restart budget
 * is spent, a deterministic sequence of tasks: random Gaussian starts (scales ½, 1, 2), jumps from
 * the best point so far (basin hopping: Gaussian noise of 3–30% of its RMS entry) and randomised
 * truncations. Task k draws from its own Rng seeded by the master Rng(seed), so a run with a restart
 * budget is reproducible, and a time limit only cuts that sequence short.
 * At the end the best point is polished by LM and offered to rounding (rational.ts); a rational
 * start or rounded scheme wins whenever its exact error ≤ the best float error + 1e-12.
 */
export interface UniversalOptions {
  t: number;
  r: number;
  seed: number;
  timeLimitMs?: number;
  /** Tasks after the structured starts (default: unlimited under a time limit, else 12). */
  restarts?: number;
  families?: readonly Family[];
  /** Use the packaged published schemes in the start families (default true). */
  published?: boolean;
  /** ALS sweeps per refinement. */
  maxSweeps?: number;
  /**
   * Only schemes whose largest |coefficient| is ≤ this (float schemes: after balancing each
   * product's factors) may win: low-precision STL kernels (bf16) lose accuracy with large
   * coefficients. Refinement then keeps an adaptive norm penalty (refine.ts).
   */
  maxCoef?: number;
  /**
   * Only schemes whose conditioning κ = √(Σ_l ‖u_l‖²‖v_l‖²‖w_l‖² / ‖T̂‖²) is ≤ this may win: the
   * rounding error of the bf16/fp16 STL kernels grows as σ·√(k·κ² + 1) (src/stl/lowprec.ts).
   * Refinement then minimises ‖T − T̂‖² + μ·Σ_l ‖u_l‖²‖v_l‖²‖w_l‖² with μ adapted (condition.ts).
   */
  maxKappa?: number;
  /**
   * Schemes to refine first (family 'given'), e.g. an earlier result to condition: rank-r' schemes
   * are cut to their first r products or padded with zero products.
   */
  initial?: readonly { label: string; scheme: Scheme<unknown> }[];
  onProgress?: (p: UniversalProgress) => void;
}

export interface UniversalProgress {
  ms: number;
  tasks: number;
  bestError: number;
  family: Family;
}

export interface FamilyReport {
  family: Family;
  starts: number;
  /** Basin-hopping jumps from a best point that came from this family. */
  hops: number;
  /** The best start (least error before refinement), exact when it is rational. */
  bestStart: { label: string; error: number; exact: Fraction | null } | null;
  /** Least error after refinement (float64). */
  refined: number | null;
}

export interface UniversalResult {
  t: number;
  r: number;
  seed: number;
  bound: LowerBound | null;
  families: FamilyReport[];
  best: { family: Family; label: string; error: number; exact: Fraction | null; how: string; scheme: Scheme<Fraction> | Scheme<number> };
  tasks: number;
  ms: number;
  /** An exact scheme (error 0) turned up among the starts, so the search stopped there. */
  solvedEarly: boolean;
}

export function universalSearch(opts: UniversalOptions): UniversalResult {
  const t0 = performance.now();
  const { t, r, seed } = opts;
  const P = tileProblem(t, r);
  const limit = opts.timeLimitMs ?? Infinity;
  const deadline = t0 + limit;
  // Time for the final polish and rounding: a sixth of the budget, at most 30 s.
  const searchDeadline = deadline - Math.min(limit / 6, 30_000);
  const families = opts.families ?? FAMILIES;
  const maxTasks = opts.restarts ?? (opts.timeLimitMs === undefined ? 12 : Infinity);
  const maxSweeps = opts.maxSweeps ?? 20_000;
  const given = (opts.initial ?? []).map((g) => givenStart(P, g.label, g.scheme));
  const reports = new Map<Family, FamilyReport>([...(given.length ? ['given' as const] : []), ...families].map((f) => [f, { family: f, starts: 0, hops: 0, bestStart: null, refined: null }]));
  let best: { family: Family; label: string; F: Factors; error: number } | null = null;
  let bestExact: { start: Start; error: Fraction } | null = null;
  let tasks = 0;
  // An exact start (error 0) cannot be improved on: stop searching.
  const solved = () => bestExact !== null && (bestExact as { error: Fraction }).error.n === 0n;

  const maxCoef = opts.maxCoef, maxKappa = opts.maxKappa;
  const bounded = maxCoef !== undefined || maxKappa !== undefined;
  const within = (sc: Scheme<Fraction>) => (maxCoef === undefined || maxAbsCoefficient(sc) <= maxCoef) && (maxKappa === undefined || kappa(sc as Scheme<unknown>) <= maxKappa);
  const run = (s: Start, isHop = false) => {
    const rep = reports.get(s.family)!;
    if (isHop) rep.hops++;
    else rep.starts++;
    if (!isHop && (!rep.bestStart || s.error < rep.bestStart.error)) {
      rep.bestStart = { label: s.label, error: s.error, exact: s.exact?.error ?? null };
    }
    if (s.exact && within(s.exact.scheme) && (!bestExact || s.exact.error.compare(bestExact.error) < 0)) bestExact = { start: s, error: s.exact.error };
    const F = copyFactors(s.factors);
    // Restarts that are far above the best after a few hundred sweeps seldom catch up: stop them.
    const abortAbove = best && !s.exact ? { sweep: 400, error: 1.1 * best.error + 0.02 } : undefined;
    const res = refine(P, F, { maxSweeps, deadline: searchDeadline, abortAbove, maxCoef, maxKappa });
    if (!res.acceptable) return Infinity;
    if (rep.refined === null || res.error < rep.refined) rep.refined = res.error;
    if (!best || res.error < best.error) best = { family: s.family, label: s.label, F, error: res.error };
    tasks++;
    opts.onProgress?.({ ms: performance.now() - t0, tasks, bestError: Math.min(best.error, bestExact?.error.valueOf() ?? Infinity), family: s.family });
    return res.error;
  };

  for (const s of given) run(s);
  for (const s of structuredStarts(P, { published: opts.published, seed, deadline: searchDeadline, families })) {
    if ((performance.now() > searchDeadline && tasks > 0) || solved()) break;
    run(s);
  }
  const master = new Rng(seed);
  const scales = [0.5, 1, 2], sigmas = [0.03, 0.1, 0.3];
  // Truncation sources: round robin first, then every other time the one with the best result so
  // far (sources differ a lot: the basis of an exact scheme decides which basins its truncations reach).
  const nSources = families.includes('truncation') ? truncationSources(t, r, opts.published).length : 0;
  const sourceBest = new Array<number>(nSources).fill(Infinity);
  let truncs = 0;
  for (let k = 0; k < maxTasks && performance.now() < searchDeadline && !solved(); k++) {
    const rng = new Rng(master.nextU32());
    const kind = k % 4;
    let s: Start | null = null;
    if (kind === 1 && best) {
      run(hop(best, sigmas[Math.floor(k / 4) % 3], rng), true);
      continue;
    }
    if ((kind === 0 || kind === 2) && nSources > 0) {
      const j = truncs++;
      const greedy = j >= 2 * nSources && j % 2 === 1;
      const src = greedy ? sourceBest.indexOf(Math.min(...sourceBest)) : j % nSources;
      s = randomTruncation(P, src, Math.floor(j / nSources) % 3 === 2, rng, opts.published);
    }
    if (!s && families.includes('random')) {
      const F = randomFactors(P, rng, scales[Math.floor(k / 2) % 3]);
      s = { family: 'random', label: `Gaussian start, scale ${scales[Math.floor(k / 2) % 3]}`, factors: F, error: floatError(P, F) };
    }
    if (s) {
      const e = run(s);
      if (s.source !== undefined) sourceBest[s.source] = Math.min(sourceBest[s.source], e);
    }
  }

  // Polish the best float point (LM converges where ALS crawls), then try to make it rational.
  const b = best as { family: Family; label: string; F: Factors; error: number } | null;
  const ex = bestExact as { start: Start; error: Fraction } | null;
  if (b && !bounded && r * 3 * t * t <= 2500 && performance.now() < deadline) {
    const G = copyFactors(b.F);
    const res = lmRun(P, G, { maxIters: 30, lambda: 0, tol: 1e-26, deadline: deadline - Math.min(limit / 12, 15_000), stallWindow: 6, stallFactor: 1 - 1e-10 });
    const e = floatError(P, G);
    if (res.iters > 0 && e < b.error) [b.F, b.error] = [G, e];
  }
  let out: UniversalResult['best'];
  if (ex && (!b || ex.error.valueOf() <= b.error + 1e-12)) {
    out = { family: ex.start.family, label: ex.start.label, error: ex.error.valueOf(), exact: ex.error, how: 'rational start, exact', scheme: ex.start.exact!.scheme };
  } else if (b) {
    // Without a time limit rounding still gets a bounded slice (its pinning stage can be long).
    const roundBy = Math.min(deadline, performance.now() + (opts.timeLimitMs === undefined ? 5000 : Infinity));
    const tried = t <= 4 && performance.now() < deadline ? roundToRational(P, b.F, b.error, { deadline: roundBy, source: `${b.family}: ${b.label}` }) : null;
    if (tried && within(tried.scheme)) {
      out = { family: b.family, label: b.label, error: tried.error.valueOf(), exact: tried.error, how: tried.how, scheme: tried.scheme };
    } else {
      // Equal factor norms per product: the same tensor, better behaved in low precision.
      balance(P, b.F);
      out = { family: b.family, label: b.label, error: floatError(P, b.F), exact: null, how: 'float64 (not rounded)', scheme: floatScheme([t, t, t], b.F, { source: `stlkit universal: ${b.family} start (${b.label}), refined by ALS/LM` }) };
    }
  } else {
    if (!bounded) throw new Error('no start family produced a start');
    const what = [maxCoef !== undefined ? `coefficients within ${maxCoef}` : '', maxKappa !== undefined ? `κ within ${maxKappa}` : ''].filter(Boolean).join(' and ');
    throw new Error(`no scheme with ${what} was found`);
  }
  const flags = maxKappa === undefined ? '' : `${maxCoef !== undefined ? ` --max-coef ${maxCoef}` : ''} --max-kappa ${maxKappa}`;
  const src = `stlkit universal --t ${t} --r ${r} --seed ${seed}${flags}: ${out.family} (${out.label}); ${out.how}`;
  out.scheme = { ...out.scheme, meta: { ...out.scheme.meta, source: src, isotropicError: out.exact ? out.exact.toFraction() : out.error } } as typeof out.scheme;
  return { t, r, seed, bound: lowerBound(t, r), families: [...reports.values()], best: out, tasks, ms: performance.now() - t0, solvedEarly: solved() };
}

/** A given scheme as a start (exact error when it is rational), resized to rank r. */
function givenStart(P: ReturnType<typeof tileProblem>, label: string, s: Scheme<unknown>): Start {
  const t = P.format[0], d = t * t;
  const fmt = s.target.kind === 'matmul' ? s.target.format : null;
  if (!fmt || fmt.some((x) => x !== t)) throw new Error(`${label}: a start for <${t},${t},${t}> must be a scheme for <${t},${t},${t}>`);
  const factors = resizeFactors(schemeFactors(s), d, P.r);
  if (isRationalScheme(s) && s.U.length === P.r) {
    const e = exactError(s);
    return { family: 'given', label, factors, error: e.valueOf(), exact: { scheme: s, error: e } };
  }
  return { family: 'given', label, factors, error: floatError(P, factors) };
}

/** The best point plus Gaussian noise of σ times its RMS coefficient. */
function hop(best: { F: Factors; label: string; family: Family }, sigma: number, rng: Rng): Start {
  const F = copyFactors(best.F);
  let ss = 0, n = 0;
  for (const X of [F.U, F.V, F.W]) for (const x of X) (ss += x * x), n++;
  const scale = sigma * Math.sqrt(ss / Math.max(n, 1));
  for (const X of [F.U, F.V, F.W]) for (let i = 0; i < X.length; i++) X[i] += scale * rng.normal();
  const label = best.label.endsWith(' + basin hopping') ? best.label : `${best.label} + basin hopping`;
  return { family: best.family, label, factors: F, error: Infinity };
}
