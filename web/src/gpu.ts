/**
 * The STL operator of the loaded scheme on this page's GPU: the kernels `stlkit codegen gpujs`
 * writes, generated here from the same operator and run by gpu.js on WebGL2, WebGL or WebGPU,
 * then compared with the library's float64 operator on the same inputs.
 */
import * as gpujs from 'gpu.js';
import { CPUKernel, GPU, Input, WebGL2Kernel, WebGLKernel } from 'gpu.js';
import type { CodegenOperator } from '../../src/codegen/operator.ts';
import { generateGpujs } from '../../src/codegen/targets/gpujs.ts';
import { matrix } from '../../src/stl/matrix.ts';
import { stl as stlFloat64 } from '../../src/stl/operator.ts';
import { Rng } from '../../src/util/rng.ts';

/** Float32 kernels against the float64 operator on the same inputs: relative Frobenius error at most this. */
export const TOLERANCE = 1e-5;

export type Backend = 'webgl2' | 'webgl' | 'webgpu' | 'cpu';

export interface GpuRun {
  /** The backend asked for, and the one every kernel actually ran on (gpu.js may fall back per kernel). */
  requested: Backend;
  used: string;
  size: [number, number, number];
  /** First call (compiles the kernels) and a second call, in ms; the float64 operator in JavaScript. */
  firstMs: number;
  secondMs: number;
  float64Ms: number;
  relError: number;
  pass: boolean;
}

/** The best backend this browser offers: WebGPU where an adapter answers, else WebGL2, WebGL, CPU. */
export async function bestBackend(): Promise<Backend> {
  if (GPU.isWebGPUSupported && (await GPU.isWebGPUAvailable())) return 'webgpu';
  if (GPU.isWebGL2Supported) return 'webgl2';
  return GPU.isWebGLSupported ? 'webgl' : 'cpu';
}

interface Shortcut { kernel: object; destroy?: () => void }
interface StlModule {
  Stl: new (gpu: GPU) => { kernels: Map<string, Shortcut>; stl(X: Float32Array, W: Float32Array, M: number, N: number, P: number): Promise<Float32Array>; destroy(): void };
}

/**
 * The generated module imports Input from 'gpu.js'; a module loaded from a blob: URL cannot
 * resolve a package name, so it imports it from a one-line module handing over the bundled one.
 */
async function loadGenerated(op: CodegenOperator): Promise<StlModule> {
  (globalThis as { __stlkitGpuJs?: unknown }).__stlkitGpuJs = { Input };
  const shim = URL.createObjectURL(new Blob(['export const Input = globalThis.__stlkitGpuJs.Input;\n'], { type: 'text/javascript' }));
  const url = URL.createObjectURL(new Blob([generateGpujs(op, shim)], { type: 'text/javascript' }));
  return (await import(/* @vite-ignore */ url)) as StlModule;
}

/** Which backend a kernel instance belongs to (checked by class, not by name, so minifying keeps it). */
function backendOf(k: object): string {
  // Newer backends are missing from gpu.js's type declarations, though the package exports them.
  const { WebGPUKernel, WebAssemblyKernel } = gpujs as unknown as Record<string, (new () => object) | undefined>;
  if (WebGPUKernel && k instanceof WebGPUKernel) return 'webgpu';
  if (k instanceof WebGL2Kernel) return 'webgl2';
  if (k instanceof WebGLKernel) return 'webgl';
  if (WebAssemblyKernel && k instanceof WebAssemblyKernel) return 'webasm';
  if (k instanceof CPUKernel) return 'cpu';
  return 'unknown';
}

const gaussian = (n: number, seed: number) => {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
};

function relFrobenius(a: Float32Array, ref: Float64Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < ref.length; i++) {
    num += (a[i] - ref[i]) ** 2;
    den += ref[i] ** 2;
  }
  return Math.sqrt(num / den);
}

/** X (M×N) and W (N×P) Gaussian, seeded; the operator through gpu.js, twice, and in float64. */
export async function runOnGpu(op: CodegenOperator, backend: Backend, size: [number, number, number], seed = 1): Promise<GpuRun> {
  const [M, N, P] = size;
  const X = gaussian(M * N, seed), W = gaussian(N * P, seed + 1);
  const mod = await loadGenerated(op);
  const gpu = new GPU({ mode: backend });
  const stl = new mod.Stl(gpu);
  try {
    let t0 = performance.now();
    await stl.stl(X, W, M, N, P);
    const firstMs = performance.now() - t0;
    t0 = performance.now();
    const Z = await stl.stl(X, W, M, N, P);
    const secondMs = performance.now() - t0;
    const used = [...new Set([...stl.kernels.values()].map((k) => backendOf(k.kernel)))].join(' + ');
    const enc = { t: op.t, EX: Float64Array.from(op.EX.flat()), EW: Float64Array.from(op.EW.flat()), D: Float64Array.from(op.D.flat()) };
    t0 = performance.now();
    const ref = stlFloat64(matrix(M, N, Float64Array.from(X)), matrix(N, P, Float64Array.from(W)), enc);
    const float64Ms = performance.now() - t0;
    const relError = relFrobenius(Z, ref.data);
    return { requested: backend, used, size, firstMs, secondMs, float64Ms, relError, pass: relError <= TOLERANCE };
  } finally {
    stl.destroy();
    gpu.destroy();
  }
}
