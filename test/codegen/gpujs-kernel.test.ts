import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { GPU } from 'gpu.js';
import { describe, expect, it } from 'vitest';
import { codegenOperator, type CodegenOperator } from '../../src/codegen/index.ts';
import { generateGpujs } from '../../src/codegen/targets/gpujs.ts';
import { placeholderScheme } from '../../src/library/placeholder.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { rotatedNaive } from '../stl/helpers.ts';
import type { Scheme } from '../../src/scheme/index.ts';
import { matmul64, randomMatrix, relErr, scratch, stlFloat64, writeIn } from './helpers.ts';

const dir = scratch('gpujs');
// The generated module imports gpu.js; from a scratch folder outside the repo it is named by path.
const gpuUrl = pathToFileURL(createRequire(import.meta.url).resolve('gpu.js')).href;

interface Encoded { data: Float32Array; N: number; P: number; gn: number; gp: number }
interface GpujsStl {
  encodeW(W: Float32Array, N: number, P: number): Promise<Encoded>;
  apply(X: Float32Array, M: number, Wh: Encoded): Promise<Float32Array>;
  stl(X: Float32Array, W: Float32Array, M: number, N: number, P: number): Promise<Float32Array>;
  destroy(): void;
}
interface GpujsModule { T: number; R: number; Stl: new (gpu: GPU) => GpujsStl }

async function load(op: CodegenOperator, name: string): Promise<GpujsModule> {
  return (await import(pathToFileURL(writeIn(dir, `${name}.mjs`, generateGpujs(op, gpuUrl))).href)) as GpujsModule;
}

/** A rows×cols row-major matrix zero-padded to multiples of t. */
function pad(A: Float64Array, rows: number, cols: number, t: number): [Float64Array, number, number] {
  const R = Math.ceil(rows / t) * t, C = Math.ceil(cols / t) * t;
  const out = new Float64Array(R * C);
  for (let i = 0; i < rows; i++) out.set(A.subarray(i * cols, (i + 1) * cols), i * C);
  return [out, R, C];
}

/** The float64 operator on zero-padded inputs, cropped back to M×P. */
function reference(op: CodegenOperator, X: Float64Array, W: Float64Array, M: number, N: number, P: number): Float64Array {
  const [Xp, Mp, Np] = pad(X, M, N, op.t), [Wp, , Pp] = pad(W, N, P, op.t);
  const Z = stlFloat64(op, Xp, Wp, Mp, Np, Pp);
  const out = new Float64Array(M * P);
  for (let i = 0; i < M; i++) out.set(Z.subarray(i * Pp, i * Pp + P), i * P);
  return out;
}

describe('codegen gpujs: generated gpu.js kernels against a float64 evaluation', () => {
  // Shapes: multiples of t, and ragged ones (zero-padded tiles, cropped output) down to 1×1×1.
  const shapes = (t: number): [number, number, number][] => [[3 * t, 2 * t, 4 * t], [2 * t + 1, 3 * t - 1, t + 1]];
  const cases: [string, Scheme<unknown>, number, boolean, [number, number, number][]][] = [
    ['strassen', builtinScheme('strassen'), 2, true, [...shapes(2), [6, 5, 7], [1, 1, 1]]],
    ['laderman', builtinScheme('laderman'), 3, true, [...shapes(3), [9, 9, 9]]],
    ['strassen2', builtinScheme('strassen2'), 4, true, [[13, 10, 6], [3, 8, 1]]],
    ['placeholder-4-24', placeholderScheme(4, 24, 7) as Scheme<unknown>, 4, false, shapes(4)],
  ];
  for (const [name, s, t, exact, sizes] of cases) {
    // 'gpu' lets gpu.js choose (WebAssembly here, WebGL/WebGPU in a browser); 'cpu' is plain JavaScript.
    it.each(['cpu', 'gpu'])(`${name} (%s): the operator, padded shapes included; exact schemes give XW`, async (mode) => {
      const op = codegenOperator(s, t);
      const k = await load(op, `${name}-${mode}`);
      expect([k.T, k.R]).toEqual([t, op.r]);
      const gpu = new GPU({ mode: mode as 'cpu' | 'gpu' });
      const stl = new k.Stl(gpu);
      try {
        for (const [M, N, P] of sizes) {
          const X = Float32Array.from(randomMatrix(M, N, 11)), W = Float32Array.from(randomMatrix(N, P, 12));
          const Z = await stl.stl(X, W, M, N, P);
          const ref = reference(op, Float64Array.from(X), Float64Array.from(W), M, N, P);
          expect(Z.length).toBe(M * P);
          expect(relErr(Z, ref), `${M}×${N}×${P}`).toBeLessThan(1e-5);
          // Stored weights give the same.
          expect(relErr(await stl.apply(X, M, await stl.encodeW(W, N, P)), ref)).toBeLessThan(1e-5);
          const mm = matmul64(Float64Array.from(X), Float64Array.from(W), M, N, P);
          if (exact) expect(relErr(Z, mm)).toBeLessThan(1e-5);
          else expect(relErr(Z, mm)).toBeGreaterThan(0.05);
        }
        // The backend gpu.js picked: 'cpu' when asked, else one of its accelerated ones.
        const used = (gpu.Kernel as unknown as { mode?: string } | null)?.mode ?? gpu.mode;
        expect(used).toEqual(mode === 'cpu' ? 'cpu' : expect.stringMatching(/^(webasm|headlessgl|webgl2?|webgpu)$/));
      } finally {
        stl.destroy();
      }
    });
  }

  it('encodes weights once (r planes of tiles(N) × tiles(P)) and applies them to several X', async () => {
    const op = codegenOperator(rotatedNaive(4, 24, 7), 4);
    const k = await load(op, 'rotated-4-24');
    const stl = new k.Stl(new GPU({ mode: 'gpu' }));
    try {
      const [N, P] = [20, 12];
      const W = Float32Array.from(randomMatrix(N, P, 3));
      const Wh = await stl.encodeW(W, N, P);
      expect([Wh.gn, Wh.gp, Wh.data.length]).toEqual([5, 3, 24 * 15]);
      for (const seed of [4, 5]) {
        const X = Float32Array.from(randomMatrix(11, N, seed));
        const Z = await stl.apply(X, 11, Wh);
        expect(relErr(Z, reference(op, Float64Array.from(X), Float64Array.from(W), 11, N, P))).toBeLessThan(1e-5);
        // An approximate scheme gives its operator, not XW.
        expect(relErr(Z, matmul64(Float64Array.from(X), Float64Array.from(W), 11, N, P))).toBeGreaterThan(0.3);
      }
    } finally {
      stl.destroy();
    }
  });

  it('bakes the coefficients in: no coefficient arrays are passed, zeros are skipped', () => {
    const src = generateGpujs(codegenOperator(builtinScheme('strassen'), 2));
    expect(src).toMatch(/if \(this\.thread\.z === 6\)/);
    expect(src).not.toMatch(/0\.0\*/);
    expect(src).toContain("from 'gpu.js'");
  });

  it('refuses inputs of the wrong length', async () => {
    const k = await load(codegenOperator(builtinScheme('strassen'), 2), 'strassen-bad');
    const stl = new k.Stl(new GPU({ mode: 'cpu' }));
    await expect(stl.stl(new Float32Array(5), new Float32Array(4), 2, 2, 2)).rejects.toThrow(/X has 5 entries, expected 2×2/);
    stl.destroy();
  });
});
