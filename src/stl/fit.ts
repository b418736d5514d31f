import type { Scheme, SchemeMeta } from '../scheme/index.ts';
import { encodersFromScheme, encodersOfFactors, encodersToScheme, factorsOfEncoders, type StlEncoders } from '../cp/convert.ts';
import { copyFactors, extrapolate, type Factors } from '../cp/factors.ts';
import { Rng } from '../util/rng.ts';
import { isotropicError, type IsotropicError } from './error.ts';
import { balance3, decoderStep, encoderStep, normSq3 } from './fit-als.ts';
import { momentLoss, scaleMoments, tileMoments, type TileMoments } from './fit-moments.ts';
import { matmul, relErrorSq, ShapeError, type Matrix } from './matrix.ts';
import { stl, stlRank } from './operator.ts';
import { tilesAlong } from './tiles.ts';

/**
 * Data-aware encoders: fit (E_X, E_W, D) to sample matrices X, W by minimising the empirical error
 * ‖STL(X,W) − XW‖_F² / ‖XW‖_F², starting from given (e.g. universal) encoders.
 *
 * The data enter only through tile moments (fit-moments.ts), formed once; each ALS sweep then costs
 * O(r·t⁸ + (r·t²)³), whatever the size of X and W (fit-als.ts has the three steps). A sweep is
 * D, E_X, E_W (E_W skipped with fixedW), then a rebalancing of the products and a line-search
 * extrapolation along the sweep's step (accepted only when it lowers the objective). The best
 * point seen is returned, so with λ = 0 the training error never increases.
 *
 * Generalisation: a fraction of X's tile rows (t consecutive rows each) is held out, the moments are
 * formed on the rest, and both errors are reported, from the operator itself (stl), not the moments.
 */
export interface FitOptions {
  /** Most ALS sweeps (default 100). */
  sweeps?: number;
  /** Ridge λ on ‖E_X‖² + ‖E_W‖² + ‖D‖², added to the relative error (default 0). */
  lambda?: number;
  /** Keep E_W as given (weights encoded offline with it); fit E_X and D only. */
  fixedW?: boolean;
  /** Fraction of X's tile rows held out (0 ≤ h < 1; default 0). */
  holdout?: number;
  /** Which tile rows are held out: a seeded random choice (default) or the last ones. */
  split?: 'random' | 'last';
  /** Seed of the random split (default 1); nothing else is random. */
  seed?: number;
  /** Stop when the objective fell by less than this (relative) over `window` sweeps (default 1e-7, 10). */
  stall?: number;
  window?: number;
  /** Line-search extrapolation after each sweep (default true). */
  extrapolate?: boolean;
  /** performance.now() past which to stop. */
  deadline?: number;
  onSweep?: (sweep: number, trainError: number) => void;
}

export interface FitErrors {
  /** Empirical error on the training rows. */
  train: number;
  /** Empirical error on the held-out rows (null without a holdout). */
  heldOut: number | null;
}

export interface RowSplit {
  /** Tile rows of X (groups of t rows), ascending. */
  train: number[];
  heldOut: number[];
  trainRows: number;
  heldOutRows: number;
}

export interface FitResult {
  enc: StlEncoders & { r: number };
  before: FitErrors;
  after: FitErrors;
  split: RowSplit;
  sweeps: number;
  stopped: 'sweeps' | 'stall' | 'deadline' | 'exact';
  /** Training error (from the moments) after the initial decoder step and after each sweep. */
  history: number[];
  ms: number;
}

/** Choose the held-out tile rows of an M-row X. */
export function splitTileRows(M: number, t: number, holdout: number, split: 'random' | 'last' = 'random', seed = 1): RowSplit {
  if (!(holdout >= 0 && holdout < 1)) throw new ShapeError(`the held-out fraction must be in [0, 1), got ${holdout}`);
  const gm = tilesAlong(M, t);
  let k = holdout > 0 ? Math.round(holdout * gm) : 0;
  if (holdout > 0) {
    if (gm < 2) throw new ShapeError(`X has ${M} rows, one tile row of t = ${t}: nothing to hold out`);
    k = Math.min(gm - 1, Math.max(1, k));
  }
  const order = Array.from({ length: gm }, (_, i) => i);
  if (split === 'random') {
    const rng = new Rng(seed);
    for (let i = gm - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
  } else order.reverse();
  const held = new Set(order.slice(0, k));
  const heldOut = order.slice(0, k).sort((a, b) => a - b);
  const train = order.filter((i) => !held.has(i)).sort((a, b) => a - b);
  const rowsIn = (tiles: number[]) => tiles.reduce((s, i) => s + Math.min(t, M - i * t), 0);
  return { train, heldOut, trainRows: rowsIn(train), heldOutRows: rowsIn(heldOut) };
}

/** The rows of X in the given tile rows, stacked in order (the operator then sees the same tiles). */
export function tileRowsOf(X: Matrix, t: number, tiles: readonly number[]): Matrix {
  const parts = tiles.map((i) => [i * t, Math.min(X.rows, (i + 1) * t)] as const);
  const rows = parts.reduce((s, [a, b]) => s + b - a, 0);
  const data = new Float64Array(rows * X.cols);
  let o = 0;
  for (const [a, b] of parts) {
    data.set(X.data.subarray(a * X.cols, b * X.cols), o);
    o += (b - a) * X.cols;
  }
  return { rows, cols: X.cols, data };
}


/** Fit encoders to X (M×N) and W (N×P); `start` is not modified. */
export function fitEncoders(start: StlEncoders, X: Matrix, W: Matrix, opts: FitOptions = {}): FitResult {
  const t0 = performance.now();
  const r = stlRank(start), t = start.t, n = t * t;
  if (X.cols !== W.rows) throw new ShapeError(`cannot multiply ${X.rows}×${X.cols} by ${W.rows}×${W.cols}`);
  const lambda = opts.lambda ?? 0, fixedW = opts.fixedW ?? false;
  if (!(lambda >= 0)) throw new ShapeError(`the ridge λ must be ≥ 0, got ${lambda}`);
  if (X.rows === 0 || X.cols === 0 || W.cols === 0) throw new ShapeError(`nothing to fit on: X is ${X.rows}×${X.cols}, W is ${W.rows}×${W.cols}`);
  const split = splitTileRows(X.rows, t, opts.holdout ?? 0, opts.split ?? 'random', opts.seed ?? 1);
  const raw = tileMoments(X, W, t, split.train);
  if (!(raw.zz > 0)) throw new ShapeError('XW is zero on the training rows: the relative error is undefined there');
  const m: TileMoments = scaleMoments(raw, raw.zz);
  const objective = (F: Factors) => momentLoss(m, F.U, F.V, F.W, r) + (lambda > 0 ? lambda * normSq3(F) : 0);

  const F = factorsOfEncoders(start, r);
  balance3(F, r, n, fixedW);
  const history: number[] = [];
  // The start itself is a candidate: the fit never returns anything worse.
  let best = copyFactors(F), bestObj = objective(F);
  decoderStep(m, F, r, lambda);
  let cur = objective(F);
  history.push(momentLoss(m, F.U, F.V, F.W, r));
  if (cur < bestObj) (best = copyFactors(F)), (bestObj = cur);
  const maxSweeps = opts.sweeps ?? 100, stall = opts.stall ?? 1e-7, window = opts.window ?? 10;
  const deadline = opts.deadline ?? Infinity, withLineSearch = opts.extrapolate ?? true;
  let stopped: FitResult['stopped'] = 'sweeps', it = 0;
  const bests: number[] = [bestObj];
  for (; it < maxSweeps; it++) {
    if (performance.now() > deadline) {
      stopped = 'deadline';
      break;
    }
    const prev = copyFactors(F);
    encoderStep(m, F, r, 'U', lambda);
    if (!fixedW) encoderStep(m, F, r, 'V', lambda);
    decoderStep(m, F, r, lambda);
    balance3(F, r, n, fixedW);
    cur = objective(F);
    if (withLineSearch && it >= 1) cur = extrapolate(prev, F, it, objective, cur);
    if (!Number.isFinite(cur)) break;
    if (cur < bestObj) (best = copyFactors(F)), (bestObj = cur);
    history.push(lambda > 0 ? momentLoss(m, F.U, F.V, F.W, r) : cur);
    opts.onSweep?.(it + 1, history[history.length - 1]);
    bests.push(bestObj);
    if (bestObj < 1e-26) {
      it++;
      stopped = 'exact';
      break;
    }
    if (bests.length > window && bests[bests.length - 1 - window] - bestObj <= stall * bestObj) {
      it++;
      stopped = 'stall';
      break;
    }
  }
  const enc = encodersOfFactors(best, t, r);
  // The operator's own errors on both parts (the exact products formed once).
  const parts = [split.train, split.heldOut].map((tiles) => {
    const Xp = tileRowsOf(X, t, tiles);
    return tiles.length ? { Xp, Z: matmul(Xp, W).data } : null;
  });
  const errorOn = (part: (typeof parts)[number], e: StlEncoders) => (part ? relErrorSq(stl(part.Xp, W, e).data, part.Z) : null);
  const errors = (e: StlEncoders): FitErrors => ({ train: errorOn(parts[0], e)!, heldOut: errorOn(parts[1], e) });
  const before = errors(start);
  let after = errors(enc);
  // The moments are exact up to rounding; should the operator disagree at that level, keep the start.
  if (lambda === 0 && !(after.train <= before.train)) {
    const s = encodersOfFactors(factorsOfEncoders(start, r), t, r);
    after = before;
    return { enc: s, before, after, split, sweeps: it, stopped, history, ms: performance.now() - t0 };
  }
  return { enc, before, after, split, sweeps: it, stopped, history, ms: performance.now() - t0 };
}

export interface SchemeFit extends FitResult {
  scheme: Scheme<number>;
  isotropic: { before: IsotropicError; after: IsotropicError };
}

/** fitEncoders from a <t,t,t> scheme (any real field), with the isotropic errors before and after. */
export function fitScheme(s: Scheme<unknown>, X: Matrix, W: Matrix, opts: FitOptions = {}, meta: SchemeMeta = {}): SchemeFit {
  const start = encodersFromScheme(s);
  const res = fitEncoders(start, X, W, opts);
  const scheme = encodersToScheme(res.enc, meta);
  return { ...res, scheme, isotropic: { before: isotropicError(s), after: isotropicError(scheme) } };
}
