import { describe, expect, it } from 'vitest';
import { loadScheme } from '../../src/formats/registry.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { Rng } from '../../src/util/rng.ts';
import {
  errorToKappa, gaussianRoundingRms, kappa, kappaToError, modelRoundingError, predictedRoundingError, relFrobenius,
  roundBf16, roundFp16, stlLowPrecision,
} from '../../src/stl/lowprec.ts';
import { gaussianMatrix, matmul } from '../../src/stl/matrix.ts';
import { encodersFromScheme } from '../../src/stl/operator.ts';
import { ROOT } from '../helpers/shared.ts';
import { join } from 'node:path';
import { rotatedNaive } from './helpers.ts';

/** bf16 by the usual bit trick on the float32 pattern (round half to even on the upper 16 bits). */
function bf16ViaBits(x: number): number {
  const f = new Float32Array([x]), u = new Uint32Array(f.buffer);
  u[0] = ((u[0] + 0x7fff + ((u[0] >>> 16) & 1)) >>> 16) << 16;
  return f[0];
}

describe('rounding to bf16 / fp16', () => {
  it('rounds to nearest, ties to even (known values)', () => {
    const e = 2 ** -8; // half an ulp of bf16 at 1
    expect(roundBf16(1 + e)).toBe(1); // tie, 1 is even
    expect(roundBf16(1 + 3 * e)).toBe(1 + 4 * e); // tie, 1 + 2^-6 is even
    expect(roundBf16(1 + e + 2 ** -30)).toBe(1 + 2 * e); // past the tie
    expect(roundBf16(-(1 + e))).toBe(-1);
    expect(roundBf16(-(1 + 3 * e))).toBe(-(1 + 4 * e));
    expect(roundBf16(Math.PI)).toBe(3.140625);
    expect(roundBf16(1 / 3)).toBe(0.333984375);
    expect(roundBf16(3.3895313892515355e38)).toBe(3.3895313892515355e38); // largest finite bf16
    expect(roundBf16(3.4e38)).toBe(Infinity);
    expect(roundBf16(0)).toBe(0);
    expect(Number.isNaN(roundBf16(NaN))).toBe(true);
    expect(roundFp16(1 / 3)).toBe(0.333251953125);
    expect(roundFp16(1 + 2 ** -11)).toBe(1);
    expect(roundFp16(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9);
    expect(roundFp16(65504)).toBe(65504);
    expect(roundFp16(65519)).toBe(65504);
    expect(roundFp16(65520)).toBe(Infinity);
    expect(roundFp16(2 ** -24)).toBe(2 ** -24); // least subnormal
    expect(roundFp16(2 ** -25)).toBe(0); // tie with 0, which is even
    expect(roundFp16(3 * 2 ** -26)).toBe(2 ** -24);
  });

  it('agrees with the float32 bit trick on random values of every magnitude', () => {
    const rng = new Rng(5);
    const bad: number[] = [];
    for (let k = 0; k < 20000; k++) {
      // Every third value is a tie (a float32 with only the bf16 bits and the half bit set).
      let x = Math.fround(rng.normal() * 2 ** (rng.int(60) - 30));
      if (k % 3 === 0 && x !== 0) {
        const b = bf16ViaBits(x);
        x = b + Math.sign(b) * 2 ** (Math.floor(Math.log2(Math.abs(b))) - 8);
      }
      if (roundBf16(x) !== bf16ViaBits(x)) bad.push(x);
    }
    expect(bad).toEqual([]);
  });

  it('σ of a Gaussian value is the error bench/gpu measured for cuBLAS bf16 (0.166%)', () => {
    expect(gaussianRoundingRms('bf16')).toBeCloseTo(0.00166, 5);
    expect(gaussianRoundingRms('fp16') / gaussianRoundingRms('bf16')).toBeCloseTo(1 / 8, 3);
  });
});

describe('κ', () => {
  it('is 1 for naive products (also rotated), 2 for Strassen, 4 for Strassen⊗Strassen', () => {
    expect(kappa(builtinScheme('naive-4x4x4'))).toBeCloseTo(1, 12);
    expect(kappa(rotatedNaive(4, 24, 3))).toBeCloseTo(1, 10);
    expect(kappa(builtinScheme('strassen'))).toBeCloseTo(2, 12);
    expect(kappa(builtinScheme('strassen2'))).toBeCloseTo(4, 12);
  });

  it('κ ↔ model error round trip', () => {
    for (const storeProducts of [false, true]) {
      const o = { dtype: 'bf16' as const, storeProducts };
      expect(errorToKappa(kappaToError(6.5, o), o)).toBeCloseTo(6.5, 10);
    }
    expect(errorToKappa(0.02, { dtype: 'bf16', storeProducts: true })).toBeCloseTo(6.93, 2);
  });
});

describe('the low-precision STL simulation', () => {
  it('an exact naive scheme: fused = plain bf16 GEMM (output rounding only); unfused adds the products', () => {
    const X = gaussianMatrix(64, 96, 1), W = gaussianMatrix(96, 80, 2);
    const enc = encodersFromScheme(builtinScheme('naive-4x4x4'));
    const fused = stlLowPrecision(X, W, enc, { dtype: 'bf16', storeProducts: false });
    const Xr = { ...X, data: X.data.map(roundBf16) }, Wr = { ...W, data: W.data.map(roundBf16) };
    const exact = matmul(Xr, Wr).data;
    const gemm = relFrobenius(exact.map(roundBf16), exact);
    expect(relFrobenius(fused.ref.data, exact)).toBeLessThan(1e-14);
    expect(relFrobenius(fused.low.data, fused.ref.data)).toBeCloseTo(gemm, 6);
    expect(gemm).toBeGreaterThan(0.0012);
    expect(gemm).toBeLessThan(0.0022);
    const unfused = stlLowPrecision(X, W, enc, { dtype: 'bf16', storeProducts: true });
    const u = relFrobenius(unfused.low.data, unfused.ref.data);
    // 4 stored products per output entry: about √(1 + 1) times the output rounding alone.
    expect(u / gemm).toBeGreaterThan(1.2);
    expect(u / gemm).toBeLessThan(1.7);
    const noOut = stlLowPrecision(X, W, enc, { dtype: 'bf16', storeProducts: false, roundOutput: false });
    expect(relFrobenius(noOut.low.data, noOut.ref.data)).toBeLessThan(1e-12);
  });

  it('reproduces the H100 measurements qualitatively: orthogonal placeholder ~0.3%, t4-c2 rank 24 ~6–8%', () => {
    const rot = rotatedNaive(4, 24, 9);
    const c2 = loadScheme(join(ROOT, 'search/universal-results/t4-c2/r024.json'));
    const o = { size: 128, seeds: [1, 2] };
    const rf = predictedRoundingError(rot, { dtype: 'bf16', storeProducts: false, ...o }).mean;
    const ru = predictedRoundingError(rot, { dtype: 'bf16', storeProducts: true, ...o }).mean;
    expect(rf).toBeGreaterThan(0.002);
    expect(ru).toBeLessThan(0.005);
    const cf = predictedRoundingError(c2, { dtype: 'bf16', storeProducts: false, ...o }).mean;
    const cu = predictedRoundingError(c2, { dtype: 'bf16', storeProducts: true, ...o }).mean;
    // H100: 6.2% fused, 7.6% unfused (bench/results/2026-11-25-h100-stl-universal-c2-r24-r32.json).
    expect(cf).toBeGreaterThan(0.055);
    expect(cf).toBeLessThan(0.07);
    expect(cu).toBeGreaterThan(0.068);
    expect(cu).toBeLessThan(0.085);
    // fp16 has 3 more significand bits: 8× smaller.
    const hu = predictedRoundingError(c2, { dtype: 'fp16', storeProducts: true, ...o }).mean;
    expect(cu / hu).toBeGreaterThan(6.5);
    expect(cu / hu).toBeLessThan(9.5);
  });

  it('the κ model tracks the simulation (within 15%; σ√(kκ²+1) within a factor 2)', () => {
    const schemes = [
      builtinScheme('naive-4x4x4'), builtinScheme('strassen'), builtinScheme('strassen2'), rotatedNaive(4, 24, 9),
      loadScheme(join(ROOT, 'search/universal-results/t4-c2/r024.json')), loadScheme(join(ROOT, 'search/universal-results/t4-c2/r032.json')),
    ];
    for (const s of schemes) for (const storeProducts of [false, true]) {
      const o = { dtype: 'bf16' as const, storeProducts };
      const sim = predictedRoundingError(s, { ...o, size: 128, seeds: [1] }).mean;
      const model = modelRoundingError(s, o);
      expect(model / sim).toBeGreaterThan(0.85);
      expect(model / sim).toBeLessThan(1.15);
      const viaKappa = kappaToError(kappa(s), o);
      expect(viaKappa / sim).toBeGreaterThan(0.9);
      expect(viaKappa / sim).toBeLessThan(2);
    }
  });
});
