import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScheme } from '../../src/formats/registry.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { Rng } from '../../src/util/rng.ts';
import { empiricalError } from '../../src/stl/error.ts';
import { encodersOfFactors, factorsOfEncoders } from '../../src/cp/convert.ts';
import type { Factors } from '../../src/cp/factors.ts';
import { decoderStep, encoderStep, normSq3 } from '../../src/stl/fit-als.ts';
import { momentLoss, scaleMoments, tileMoments } from '../../src/stl/fit-moments.ts';
import { fitEncoders, fitScheme, splitTileRows, tileRowsOf } from '../../src/stl/fit.ts';
import { frobeniusSq, gaussianMatrix, matmul, type Matrix } from '../../src/stl/matrix.ts';
import { encodersFromScheme, type StlEncoders } from '../../src/stl/operator.ts';
import { ROOT } from '../helpers/shared.ts';
import { dropProducts, rotatedNaive } from './helpers.ts';

const universal = (f: string) => loadScheme(join(ROOT, 'search/universal-results', f));

/** Every row the same vector plus a little noise: tile vectors span a t-dimensional space. */
function sameRows(M: number, N: number, noise: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const mu = Array.from({ length: N }, () => rng.normal());
  const d = new Float64Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) d[i * N + j] = mu[j] + noise * rng.normal();
  return { rows: M, cols: N, data: d };
}

const relClose = (a: number, b: number, tol: number) => expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

describe('tile moments', () => {
  const cases: [string, StlEncoders & { r: number }][] = [
    ['strassen minus one (t = 2)', encodersFromScheme(dropProducts('strassen', [6]))],
    ['laderman minus three (t = 3)', encodersFromScheme(dropProducts('laderman', [0, 5, 9]))],
    ['rotated naive 24 (t = 4)', encodersFromScheme(rotatedNaive(4, 24, 9))],
  ];
  const shapes: [number, number, number][] = [[12, 12, 12], [13, 10, 7], [9, 17, 22], [3, 5, 2]];

  it.each(cases)('give the operator’s empirical error, padded shapes and row subsets included: %s', (_, enc) => {
    let seed = 1;
    for (const [M, N, P] of shapes) {
      const X = gaussianMatrix(M, N, seed++), W = gaussianMatrix(N, P, seed++);
      const m = tileMoments(X, W, enc.t);
      const F = factorsOfEncoders(enc, enc.r);
      relClose(m.zz, frobeniusSq(matmul(X, W).data), 1e-12);
      relClose(momentLoss(m, F.U, F.V, F.W, enc.r) / m.zz, empiricalError(X, W, enc), 1e-10);
      const gm = Math.ceil(M / enc.t);
      if (gm < 2) continue;
      const { train, heldOut } = splitTileRows(M, enc.t, 0.4, 'random', seed);
      for (const part of [train, heldOut]) {
        const mp = tileMoments(X, W, enc.t, part);
        relClose(momentLoss(mp, F.U, F.V, F.W, enc.r) / mp.zz, empiricalError(tileRowsOf(X, enc.t, part), W, enc), 1e-10);
      }
    }
  });

  it('stay accurate for a start with large coefficients (residual form, no cancellation)', () => {
    const s = universal('t4/r024.json'); // coefficients up to ~92
    const enc = encodersFromScheme(s), F = factorsOfEncoders(enc, enc.r);
    const X = gaussianMatrix(16, 16, 1), W = gaussianMatrix(16, 16, 2);
    const m = tileMoments(X, W, 4);
    relClose(momentLoss(m, F.U, F.V, F.W, enc.r) / m.zz, empiricalError(X, W, enc), 1e-9);
  });

  it('group tiles by padding class and count every output tile once', () => {
    const X = gaussianMatrix(13, 10, 3), W = gaussianMatrix(10, 7, 4);
    const m = tileMoments(X, W, 4);
    expect(m.classes.map((c) => c.tiles)).toEqual([3, 3, 1, 1]); // interior, last column, last row, corner
    expect(m.classes.map((c) => c.mask.reduce((a, b) => a + b, 0))).toEqual([16, 12, 4, 3]);
    expect(m.rows).toBe(13);
  });
});

describe('ALS steps', () => {
  // A padded shape: the steps must honour the output positions the operator drops.
  const X = gaussianMatrix(14, 11, 5), W = gaussianMatrix(11, 9, 6);
  const enc0 = encodersFromScheme(universal('t2/r005.json'));
  const t = 2, r = enc0.r;
  const raw = tileMoments(X, W, t);
  const m = scaleMoments(raw, raw.zz);
  const direct = (F: Factors) => empiricalError(X, W, encodersOfFactors(F, t, r));
  const perturbed = (F: Factors, key: keyof Factors, dir: Float64Array, h: number): Factors => {
    const G = { U: F.U.slice(), V: F.V.slice(), W: F.W.slice() };
    for (let i = 0; i < dir.length; i++) G[key][i] += h * dir[i];
    return G;
  };
  /** Directional derivative of f + λ‖·‖² along dir: exact by central differences, f being quadratic in one factor. */
  const slope = (F: Factors, key: keyof Factors, dir: Float64Array, lambda: number) => {
    const f = (G: Factors) => direct(G) + lambda * normSq3(G);
    return (f(perturbed(F, key, dir, 1e-3)) - f(perturbed(F, key, dir, -1e-3))) / 2e-3;
  };
  const steps: [keyof Factors, (F: Factors, lambda: number) => boolean][] = [
    ['W', (F, l) => decoderStep(m, F, r, l)],
    ['U', (F, l) => encoderStep(m, F, r, 'U', l)],
    ['V', (F, l) => encoderStep(m, F, r, 'V', l)],
  ];

  it.each([0, 1e-3])('each step is the exact minimiser of its block, checked on the operator itself (λ = %s)', (lambda) => {
    const rng = new Rng(7);
    const F = factorsOfEncoders(enc0, r);
    for (const [key, step] of steps) {
      const dirs = Array.from({ length: 3 }, () => Float64Array.from(F[key], () => rng.normal()));
      const before = dirs.map((d) => Math.abs(slope(F, key, d, lambda)));
      const e0 = direct(F) + lambda * normSq3(F);
      expect(step(F, lambda)).toBe(true);
      const e1 = direct(F) + lambda * normSq3(F);
      expect(e1).toBeLessThanOrEqual(e0 + 1e-12);
      dirs.forEach((d, i) => expect(Math.abs(slope(F, key, d, lambda)), `${key} direction ${i}`).toBeLessThan(1e-7 * Math.max(1, before[i])));
    }
  });
});

describe('fitEncoders', () => {
  const startT2 = encodersFromScheme(universal('t2/r005.json'));

  it('never increases the training error: the history falls and the result is no worse than the start', () => {
    const X = gaussianMatrix(40, 12, 8), W = sameRows(12, 10, 0.3, 9);
    const res = fitEncoders(startT2, X, W, { sweeps: 25 });
    for (let i = 1; i < res.history.length; i++) expect(res.history[i]).toBeLessThanOrEqual(res.history[i - 1] * (1 + 1e-12) + 1e-15);
    expect(res.after.train).toBeLessThan(res.before.train);
    expect(res.after.heldOut).toBeNull();
    // The reported error is the operator's, on the returned encoders.
    expect(res.after.train).toBeCloseTo(empiricalError(X, W, res.enc), 12);
    // An exact scheme stays exact.
    const exact = encodersFromScheme(builtinScheme('strassen'));
    const ex = fitEncoders(exact, X, W, { sweeps: 5 });
    expect(ex.after.train).toBeLessThan(1e-24);
  });

  it('stays near the universal error on isotropic data', () => {
    const s = universal('t2/r005.json');
    // The held-out rows share W, so a fit may gain a little from adapting to this W; the bounds
    // below leave room for that but not for a real gain or loss.
    const X = gaussianMatrix(512, 64, 10), W = gaussianMatrix(64, 32, 11);
    const fit = fitScheme(s, X, W, { sweeps: 20, holdout: 0.25, seed: 3 });
    const iso = fit.isotropic.before.value;
    expect(iso).toBeCloseTo(0.25, 3);
    expect(Math.abs(fit.before.heldOut! - iso)).toBeLessThan(0.03);
    expect(Math.abs(fit.after.heldOut! - iso)).toBeLessThan(0.03);
    expect(fit.after.train).toBeLessThanOrEqual(fit.before.train);
    expect(fit.after.train).toBeGreaterThan(iso - 0.04);
    expect(Math.abs(fit.isotropic.after.value - iso)).toBeLessThan(0.01);
  });

  it('drops the error markedly on low-rank data, also on held-out rows', () => {
    // Rows alike: the products needed are those of <1,t,t>, rank t² = 4.
    const s = universal('t2/r004.json');
    const X = sameRows(96, 16, 0.01, 12), W = gaussianMatrix(16, 16, 13);
    const fit = fitScheme(s, X, W, { sweeps: 30, holdout: 0.25, seed: 1 });
    expect(fit.before.train).toBeGreaterThan(0.3);
    expect(fit.before.heldOut!).toBeGreaterThan(0.3);
    expect(fit.after.train).toBeLessThan(1e-2);
    expect(fit.after.heldOut!).toBeLessThan(1e-2);
    // Specialised encoders: worse on Gaussian data than the universal start.
    expect(fit.isotropic.after.value).toBeGreaterThan(fit.isotropic.before.value);
  });

  it('holds out whole tile rows: disjoint, complete, seeded; the held-out error is the operator’s on those rows', () => {
    const a = splitTileRows(50, 4, 0.25, 'random', 1); // 13 tile rows, the last one partial (2 rows)
    expect(a.heldOut).toHaveLength(3);
    expect([...a.train, ...a.heldOut].sort((x, y) => x - y)).toEqual(Array.from({ length: 13 }, (_, i) => i));
    expect(a.trainRows + a.heldOutRows).toBe(50);
    expect(splitTileRows(50, 4, 0.25, 'random', 1)).toEqual(a);
    expect(splitTileRows(50, 4, 0.25, 'random', 2).heldOut).not.toEqual(a.heldOut);
    expect(splitTileRows(50, 4, 0.25, 'last').heldOut).toEqual([10, 11, 12]);
    expect(splitTileRows(50, 4, 0).heldOut).toEqual([]);
    expect(() => splitTileRows(3, 4, 0.5)).toThrow(/nothing to hold out/);
    expect(() => splitTileRows(50, 4, 1)).toThrow(/\[0, 1\)/);

    const X = gaussianMatrix(30, 9, 14), W = gaussianMatrix(9, 7, 15);
    const res = fitEncoders(startT2, X, W, { sweeps: 5, holdout: 0.25, split: 'last' });
    expect(res.split.heldOut).toEqual([11, 12, 13, 14]);
    expect(res.split.heldOutRows).toBe(8);
    const Xh = tileRowsOf(X, 2, res.split.heldOut);
    expect(Array.from(Xh.data)).toEqual(Array.from(X.data.subarray(22 * 9)));
    expect(res.after.heldOut).toBeCloseTo(empiricalError(Xh, W, res.enc), 12);
    expect(res.before.heldOut).toBeCloseTo(empiricalError(Xh, W, startT2), 12);
  });

  it('keeps E_W as given with fixedW and fits E_X and D alone', () => {
    const X = sameRows(64, 12, 0.05, 16), W = gaussianMatrix(12, 12, 17);
    const res = fitEncoders(startT2, X, W, { sweeps: 10, fixedW: true });
    expect(Array.from(res.enc.EW)).toEqual(Array.from(startT2.EW));
    expect(Array.from(res.enc.EX)).not.toEqual(Array.from(startT2.EX));
    expect(res.after.train).toBeLessThan(0.5 * res.before.train);
  });

  it('shrinks the factors with a ridge, and is deterministic', () => {
    const X = gaussianMatrix(48, 12, 18), W = gaussianMatrix(12, 12, 19);
    const free = fitEncoders(startT2, X, W, { sweeps: 10 });
    const ridge = fitEncoders(startT2, X, W, { sweeps: 10, lambda: 0.05 });
    const norm = (e: StlEncoders) => normSq3(factorsOfEncoders(e, 5));
    expect(norm(ridge.enc)).toBeLessThan(norm(free.enc));
    const again = fitEncoders(startT2, X, W, { sweeps: 10 });
    expect(Array.from(again.enc.D)).toEqual(Array.from(free.enc.D));
  });
});
