import type { Fraction } from '../../field/index.ts';
import type { Scheme } from '../../scheme/index.ts';
import { alsSweeps } from '../../cp/als.ts';
import { floatScheme } from '../../cp/convert.ts';
import { copyFactors, type Factors } from '../../cp/factors.ts';
import { lmRun, type LmResult } from '../../cp/lm.ts';
import { matmulProblem, randomFactors, residualOf, type CpProblem } from '../../cp/problem.ts';
import { roundScheme } from '../../cp/round.ts';
import { Rng } from '../../util/rng.ts';

/**
 * Numerical search for exact <n,m,p> schemes of rank r: seeded random restarts, each
 *   1. a descent with a norm penalty λ‖x‖² that fades to 0 — the penalty keeps the iterate away
 *      from border-rank points (residual creeping to 0 while the norms diverge), where plain ALS
 *      and LM spend their time. method 'als' (default): regularised ALS sweeps with λ decaying
 *      geometrically and a proximal term; method 'lm': Levenberg–Marquardt holding λ fixed until
 *      the penalised cost stalls, then letting it decay (more starts succeed, each costs ~8× more);
 *   2. Levenberg–Marquardt without penalty, which polishes a near-solution to ‖T − T̂‖² ≈ 1e-28;
 *   3. sparsification and rational rounding (cp/round.ts), accepted only if it verifies exactly.
 * Restart k draws its start from its own seed, derived from `seed`, so a run is deterministic:
 * the time limit can only cut the sequence of restarts short (or a restart in progress).
 */
export interface AlsSearchOptions {
  format: [number, number, number];
  rank: number;
  seed: number;
  /** Stop after this long (checked inside the iterations too). */
  timeLimitMs?: number;
  /** Stop after this many restarts (default: unlimited with a time limit, else 10). */
  restarts?: number;
  /** Accept only integer schemes (field tag "Z"). */
  integerOnly?: boolean;
  method?: 'als' | 'lm';
  /** Initial norm penalty (default 1e-2 for 'als', 1e-3 for 'lm'). */
  lambda?: number;
  /** Per-iteration decay of λ (default 0.997 per ALS sweep, 0.75 per LM step after the hold). */
  lambdaDecay?: number;
  /** ALS sweeps ('als'; default 6000) or most LM steps with λ held ('lm'; default 200). */
  iters?: number;
  /** Proximal weight of the ALS sweeps (default 1e-3). */
  prox?: number;
  maxDen?: number;
  /** Sparsification attempts per converged point (see roundScheme). */
  roundAttempts?: number;
  onProgress?: (info: AlsProgress) => void;
}

export interface AlsProgress {
  restarts: number;
  ms: number;
  bestResidual: number;
  /** What the restart that just finished ended with. */
  last: { restart: number; residual: number; iters: number; outcome: 'exact' | 'not-rounded' | 'not-converged' | 'not-integer'; descentMs: number; roundMs: number; fieldTag?: string };
}

export interface AlsSearchResult {
  /** An exactly verified scheme over Q ("Z" when integral), or null. */
  scheme: Scheme<Fraction> | null;
  /** The float decomposition with the smallest residual ‖T − T̂‖_F² (the one rounded, on success). */
  best: { residual: number; scheme: Scheme<number> };
  restarts: number;
  ms: number;
}

/** The source recorded in the scheme of the best float decomposition. */
const FLOAT_SOURCE = 'stlkit ALS/LM numerical search (float, not rounded)';

/** ‖T − T̂‖² below which a float decomposition is treated as exact and handed to rounding. */
const EXACT_TOL = 1e-20;

export function alsSearch(opts: AlsSearchOptions): AlsSearchResult {
  const t0 = performance.now();
  const deadline = opts.timeLimitMs === undefined ? Infinity : t0 + opts.timeLimitMs;
  const maxRestarts = opts.restarts ?? (opts.timeLimitMs === undefined ? 10 : Infinity);
  const P = matmulProblem(opts.format, opts.rank);
  const master = new Rng(opts.seed);
  let best: { residual: number; F: Factors } | null = null;
  let restarts = 0;
  while (restarts < maxRestarts && performance.now() < deadline) {
    const rng = new Rng(master.nextU32());
    const k = restarts++;
    const tStart = performance.now();
    const F = randomFactors(P, rng);
    const run = descend(P, F, opts, deadline);
    if (!best || run.residual < best.residual) best = { residual: run.residual, F: copyFactors(F) };
    let outcome: AlsProgress['last']['outcome'] = 'not-converged';
    let found: Scheme<Fraction> | null = null, fieldTag: string | undefined;
    const tRound = performance.now();
    if (run.residual < EXACT_TOL) {
      const rounded = roundScheme(opts.format, F, { maxDen: opts.maxDen, tol: EXACT_TOL, deadline, attempts: opts.roundAttempts ?? 3, seed: rng.nextU32(), integral: opts.integerOnly });
      fieldTag = rounded.scheme?.fieldTag;
      outcome = !rounded.scheme ? 'not-rounded' : opts.integerOnly && fieldTag !== 'Z' ? 'not-integer' : 'exact';
      if (outcome === 'exact') {
        found = rounded.scheme;
        best = { residual: run.residual, F: copyFactors(F) };
      }
    }
    const ms = performance.now() - t0;
    opts.onProgress?.({ restarts, ms, bestResidual: best.residual, last: { restart: k, residual: run.residual, iters: run.iters, outcome, descentMs: tRound - tStart, roundMs: performance.now() - tRound, fieldTag } });
    if (found) {
      const scheme = { ...found, meta: { ...found.meta, source: `stlkit alsSearch <${opts.format.join(',')}>:${opts.rank} seed ${opts.seed} restart ${k}` } };
      return { scheme, best: { residual: best.residual, scheme: floatScheme(opts.format, best.F, { source: FLOAT_SOURCE }) }, restarts, ms };
    }
  }
  // No restart fitted in the time limit: still report a (random) float point, honestly scored.
  best ??= ((F) => ({ residual: residualOf(P, F), F }))(randomFactors(P, new Rng(opts.seed)));
  return { scheme: null, best: { residual: best.residual, scheme: floatScheme(opts.format, best.F, { source: FLOAT_SOURCE }) }, restarts, ms: performance.now() - t0 };
}

/** Stages 1 and 2 in place; returns the final residual and the iterations spent. */
function descend(P: CpProblem, F: Factors, opts: AlsSearchOptions, deadline: number): LmResult {
  if ((opts.method ?? 'als') === 'lm') return lmDescent(P, F, opts.lambda ?? 1e-3, opts, deadline);
  // λ from 1e-2 decaying by 0.997 per sweep beat faster schedules and larger or smaller λ on
  // <3,3,3>:23 (seeds 1–40): about 35 % of starts then polish to an exact solution.
  const a = alsSweeps(P, F, { maxIters: opts.iters ?? 6000, lambda: opts.lambda ?? 1e-2, lambdaDecay: opts.lambdaDecay ?? 0.997, lambdaMin: 1e-10, prox: opts.prox ?? 1e-3, tol: 1e-24, deadline });
  const p = lmRun(P, F, { maxIters: 40, ...polish(deadline) });
  // Starts that ALS leaves near a solution but with inflated norms (border-rank drift) can often
  // be finished by lmDescent (4 of 6 tried), but at ~10 s each that did not pay on <3,3,3>:23:
  // a fresh start costs ~1.2 s and succeeds a third of the time.
  return { residual: p.residual, iters: a.iters + p.iters };
}

/** Near-solutions polish in a few Gauss–Newton steps; a stall means a swamp or border rank. */
const polish = (deadline: number) => ({ tol: 1e-26, stallWindow: 10, stallFactor: 1e-2, deadline });

/** LM holding λ until the penalised cost stalls, then letting λ decay to 0. */
function lmDescent(P: CpProblem, F: Factors, lambda: number, opts: Pick<AlsSearchOptions, 'iters' | 'lambdaDecay'>, deadline: number): LmResult {
  // A start that still leaves a whole unit entry of T unexplained after 40 steps sits in a local
  // minimum (residual exactly 1 on <3,3,3>:23, a quarter of all starts) and never left it.
  const hold = lmRun(P, F, { maxIters: opts.iters ?? 200, lambda, lambdaDecay: 1, stallWindow: 10, stallFactor: 1 - 1e-5, deadline, onIter: (it, res) => it === 39 && res > 0.5 });
  // Restarts whose penalised minimum leaves a residual above ~10λ (a swamp) never reached an
  // exact solution once λ → 0 in our <3,3,3>:23 runs.
  if (hold.residual > 10 * lambda) return hold;
  const run = lmRun(P, F, { maxIters: 150, lambda, lambdaDecay: opts.lambdaDecay ?? 0.75, lambdaMin: 1e-9, ...polish(deadline) });
  return { residual: run.residual, iters: hold.iters + run.iters };
}
