import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codegenOperator, type CodegenOperator } from '../../src/codegen/index.ts';
import { generateTs } from '../../src/codegen/targets/ts.ts';
import { placeholderScheme } from '../../src/library/placeholder.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { makeScheme, type Scheme } from '../../src/scheme/index.ts';
import { matmul64, randomMatrix, relErr, scratch, stlFloat64, writeIn } from './helpers.ts';

const dir = scratch('ts');

interface TsKernel {
  T: number;
  R: number;
  encodeW(W: Float32Array, N: number, P: number): Float32Array;
  stlApply(X: Float32Array, M: number, N: number, Wh: Float32Array, P: number): Float32Array;
  stl(X: Float32Array, W: Float32Array, M: number, N: number, P: number): Float32Array;
}

async function load(op: CodegenOperator, name: string): Promise<TsKernel> {
  const file = writeIn(dir, `${name}.ts`, generateTs(op));
  return (await import(pathToFileURL(file).href)) as TsKernel;
}

/** Strassen⊗Strassen cut to its first 24 products: an approximate rational scheme. */
function truncated(s: Scheme<unknown>, r: number): Scheme<unknown> {
  return makeScheme({ field: s.field, fieldTag: s.fieldTag, target: s.target, U: s.U.slice(0, r) as unknown[][], V: s.V.slice(0, r) as unknown[][], W: s.W.slice(0, r) as unknown[][] });
}

describe('codegen ts: generated Float32Array kernels against a float64 evaluation', () => {
  const cases: [string, Scheme<unknown>, number, boolean][] = [
    ['strassen', builtinScheme('strassen'), 2, true],
    ['strassen2', builtinScheme('strassen2'), 4, true],
    ['placeholder-4-24', placeholderScheme(4, 24, 7) as Scheme<unknown>, 4, false],
    ['strassen2-cut-24', truncated(builtinScheme('strassen2'), 24), 4, false],
  ];
  for (const [name, s, t, exact] of cases) {
    it(`${name}: matches the float64 operator (exact: also XW)`, async () => {
      const op = codegenOperator(s, t);
      expect(op.exact).toBe(exact);
      const k = await load(op, name);
      expect([k.T, k.R]).toEqual([t, op.r]);
      const [M, N, P] = [4 * t, 6 * t, 5 * t];
      const X64 = randomMatrix(M, N, 11), W64 = randomMatrix(N, P, 12);
      // Compare on the float32-rounded inputs the kernel sees.
      const X = Float32Array.from(X64), W = Float32Array.from(W64);
      const Z = k.stl(X, W, M, N, P);
      const ref = stlFloat64(op, Float64Array.from(X), Float64Array.from(W), M, N, P);
      expect(Z.every(Number.isFinite)).toBe(true);
      expect(relErr(Z, ref)).toBeLessThan(1e-6);
      // The same through the stored-weights path.
      expect(relErr(k.stlApply(X, M, N, k.encodeW(W, N, P), P), ref)).toBeLessThan(1e-6);
      const mm = matmul64(Float64Array.from(X), Float64Array.from(W), M, N, P);
      if (exact) expect(relErr(Z, mm)).toBeLessThan(1e-6);
      else expect(relErr(Z, mm)).toBeGreaterThan(0.05);
    });
  }

  it('rejects sizes that t does not divide', async () => {
    const k = await load(codegenOperator(builtinScheme('strassen'), 2), 'strassen-shape');
    expect(() => k.stl(new Float32Array(3 * 4), new Float32Array(4 * 4), 3, 4, 4)).toThrow(/t = 2 must divide/);
  });
});
