import { describe, expect, it } from 'vitest';
import { builtinScheme } from '../../src/library/builtin.ts';
import { GpuStl, stlGpu } from '../../src/stl/gpujs.ts';
import { gaussianMatrix, matmul, relErrorSq } from '../../src/stl/matrix.ts';
import { encodersFromScheme, stl } from '../../src/stl/operator.ts';
import { rotatedNaive } from './helpers.ts';

// gpu.js computes in float32, so agreement with the float64 reference is to ~1e-6 relative.
const TOL = 1e-5;

describe('STL through gpu.js', () => {
  // 'gpu' lets gpu.js choose: WebAssembly here (no headless GL), the same kernels as a browser's GPU.
  it.each(['cpu', 'gpu'] as const)('mode %s matches the float64 reference, padding included', async (mode) => {
    for (const [name, M, N, P] of [['strassen', 6, 5, 7], ['strassen', 1, 1, 1], ['laderman', 9, 9, 9], ['strassen2', 13, 10, 6], ['strassen2', 3, 8, 1]] as const) {
      const enc = encodersFromScheme(builtinScheme(name));
      const X = gaussianMatrix(M, N, 1), W = gaussianMatrix(N, P, 2);
      const { result, mode: used } = await stlGpu(X, W, enc, mode);
      expect([result.rows, result.cols]).toEqual([M, P]);
      expect(used).toEqual(mode === 'cpu' ? 'cpu' : expect.stringMatching(/^(webasm|headlessgl|webgl2?|webgpu)$/));
      expect(Math.sqrt(relErrorSq(result.data, stl(X, W, enc).data)), `${name} ${mode}`).toBeLessThan(TOL);
      expect(Math.sqrt(relErrorSq(result.data, matmul(X, W).data))).toBeLessThan(TOL);
    }
  });

  it('an approximate float scheme gives the reference operator, not XW; weights encoded once', async () => {
    const enc = encodersFromScheme(rotatedNaive(4, 24, 7));
    const g = new GpuStl(enc, 'gpu');
    try {
      const W = gaussianMatrix(20, 12, 3);
      const Wh = await g.encodeWeights(W);
      expect([Wh.gn, Wh.gp, Wh.data.length]).toEqual([5, 3, 24 * 15]);
      for (const seed of [4, 5]) {
        const X = gaussianMatrix(11, 20, seed);
        const Z = await g.apply(X, Wh);
        expect(Math.sqrt(relErrorSq(Z.data, stl(X, W, enc).data))).toBeLessThan(TOL);
        expect(relErrorSq(Z.data, matmul(X, W).data)).toBeGreaterThan(0.1);
      }
    } finally {
      g.destroy();
    }
  });
});
