import { GPU, Input, type IKernelRunShortcut } from 'gpu.js';
import { ShapeError, type Matrix } from './matrix.ts';
import { stlRank, type StlEncoders } from './operator.ts';
import { tilesAlong } from './tiles.ts';

/**
 * STL as gpu.js kernels: encode, r batched GEMMs, decode, one kernel each, in float32.
 * gpu.js picks its backend: in Node headless WebGL when the optional `gl` addon built, otherwise
 * WebAssembly (f32x4 SIMD); in a browser WebGL2/WebGL, or WebGPU with mode 'webgpu'; 'cpu' is
 * plain JavaScript. Kernels are written as source strings: gpu.js parses the function text, and a
 * string cannot be rewritten by the TypeScript transpiler (type stripping, name helpers).
 * Calls are awaited, so the same code serves gpu.js's sync backends and its async contract.
 */
export type GpuMode = 'gpu' | 'cpu' | 'webasm' | 'webgl' | 'webgl2' | 'headlessgl' | 'webgpu';

/** encode: out[l][i][k] = Σ_{a,b} E[l][a·t+b] · A[i·t+a][k·t+b], reading 0 past the edge. */
const ENCODE = `function (A, E) {
  let s = 0;
  for (let a = 0; a < this.constants.t; a++) {
    for (let b = 0; b < this.constants.t; b++) {
      const row = this.thread.y * this.constants.t + a;
      const col = this.thread.x * this.constants.t + b;
      if (row < this.constants.rows && col < this.constants.cols) {
        s += E[this.thread.z][a * this.constants.t + b] * A[row][col];
      }
    }
  }
  return s;
}`;

/** core: Ẑ[l][i][j] = Σ_k X̂[l][i][k] · Ŵ[l][k][j]. */
const CORE = `function (Xh, Wh) {
  let s = 0;
  for (let k = 0; k < this.constants.gn; k++) {
    s += Xh[this.thread.z][this.thread.y][k] * Wh[this.thread.z][k][this.thread.x];
  }
  return s;
}`;

/** decode: Z[row][col] = Σ_l D[(row mod t)·t + col mod t][l] · Ẑ[l][row div t][col div t]. */
const DECODE = `function (Zh, D) {
  const i = Math.floor(this.thread.y / this.constants.t);
  const j = Math.floor(this.thread.x / this.constants.t);
  const q = (this.thread.y - i * this.constants.t) * this.constants.t + (this.thread.x - j * this.constants.t);
  let s = 0;
  for (let l = 0; l < this.constants.r; l++) {
    s += D[q][l] * Zh[l][i][j];
  }
  return s;
}`;

type Nested = Float32Array | Nested[];

/** A flat typed array seen by a kernel as an array of the given size [x, y, z] (gpu.js's Input). */
const input = (data: Float32Array, size: number[]) => new Input(data as unknown as number[], size as [number, number]);

/** Kernel output (nested arrays of Float32Array rows) → one flat Float32Array, row-major. */
function flatten(out: Nested, n: number): Float32Array {
  const flat = new Float32Array(n);
  let at = 0;
  const walk = (x: Nested) => {
    if (x instanceof Float32Array) {
      flat.set(x, at);
      at += x.length;
    } else for (const y of x) walk(y);
  };
  walk(out);
  if (at !== n) throw new Error(`gpu.js returned ${at} values, expected ${n}`);
  return flat;
}

/** Encoded weights on the gpu.js side: float32, r×gn×gp. */
export interface GpuEncodedWeights {
  readonly t: number;
  readonly r: number;
  readonly rows: number;
  readonly cols: number;
  readonly gn: number;
  readonly gp: number;
  readonly data: Float32Array;
}

export class GpuStl {
  readonly gpu: GPU;
  readonly r: number;
  private readonly kernels = new Map<string, IKernelRunShortcut>();
  private readonly EX: Float32Array;
  private readonly EW: Float32Array;
  private readonly D: Float32Array;

  constructor(readonly enc: StlEncoders, mode: GpuMode = 'gpu') {
    this.r = stlRank(enc);
    this.gpu = new GPU({ mode });
    [this.EX, this.EW, this.D] = [Float32Array.from(enc.EX), Float32Array.from(enc.EW), Float32Array.from(enc.D)];
  }

  /** The backend gpu.js chose ('webasm', 'cpu', 'headlessgl', …), not the mode asked for. */
  get mode(): string {
    return (this.gpu.Kernel as unknown as { mode?: string } | null)?.mode ?? this.gpu.mode ?? 'unknown';
  }

  /** Kernels are compiled for fixed sizes (loop bounds are constants); one per shape, cached. */
  private kernel(kind: string, source: string, constants: Record<string, number>, output: number[]): IKernelRunShortcut {
    const key = `${kind}:${JSON.stringify(constants)}:${output.join(',')}`;
    let k = this.kernels.get(key);
    if (!k) {
      k = this.gpu.createKernel(source, { constants, output, tactic: 'precision' });
      this.kernels.set(key, k);
    }
    return k;
  }

  private async encode(A: Matrix, E: Float32Array): Promise<{ data: Float32Array; gr: number; gc: number }> {
    const { t } = this.enc;
    const gr = tilesAlong(A.rows, t), gc = tilesAlong(A.cols, t);
    if (gr * gc === 0) return { data: new Float32Array(0), gr, gc };
    const k = this.kernel('encode', ENCODE, { t, rows: A.rows, cols: A.cols }, [gc, gr, this.r]);
    const out = await (k(input(Float32Array.from(A.data), [A.cols, A.rows]), input(E, [t * t, this.r])) as unknown as Promise<Nested>);
    return { data: flatten(out, this.r * gr * gc), gr, gc };
  }

  async encodeWeights(W: Matrix): Promise<GpuEncodedWeights> {
    const { data, gr, gc } = await this.encode(W, this.EW);
    return { t: this.enc.t, r: this.r, rows: W.rows, cols: W.cols, gn: gr, gp: gc, data };
  }

  /** Encode X, the r batched GEMMs against Ŵ, decode; the result is widened to float64. */
  async apply(X: Matrix, Wh: GpuEncodedWeights): Promise<Matrix> {
    const { t } = this.enc, r = this.r;
    if (Wh.t !== t || Wh.r !== r) throw new ShapeError(`encoded weights are for t=${Wh.t}, r=${Wh.r}; the encoders have t=${t}, r=${r}`);
    if (X.cols !== Wh.rows) throw new ShapeError(`X is ${X.rows}×${X.cols} but W is ${Wh.rows}×${Wh.cols}`);
    const [M, P] = [X.rows, Wh.cols];
    if (M * P === 0) return { rows: M, cols: P, data: new Float64Array(0) };
    const { data: Xh, gr: gm, gc: gn } = await this.encode(X, this.EX);
    const gp = Wh.gp;
    let Zh: Float32Array;
    if (gn === 0) Zh = new Float32Array(r * gm * gp);
    else {
      const core = this.kernel('core', CORE, { gn }, [gp, gm, r]);
      Zh = flatten(await (core(input(Xh, [gn, gm, r]), input(Wh.data, [gp, gn, r])) as unknown as Promise<Nested>), r * gm * gp);
    }
    const decode = this.kernel('decode', DECODE, { t, r }, [P, M]);
    const out = flatten(await (decode(input(Zh, [gp, gm, r]), input(this.D, [r, t * t])) as unknown as Promise<Nested>), M * P);
    return { rows: M, cols: P, data: Float64Array.from(out) };
  }

  async stl(X: Matrix, W: Matrix): Promise<Matrix> {
    if (X.cols !== W.rows) throw new ShapeError(`cannot multiply ${X.rows}×${X.cols} by ${W.rows}×${W.cols}`);
    return this.apply(X, await this.encodeWeights(W));
  }

  destroy(): void {
    for (const k of this.kernels.values()) k.destroy?.();
    this.kernels.clear();
    void this.gpu.destroy();
  }
}

/** One-shot STL through gpu.js; returns the float64-widened result and the backend used. */
export async function stlGpu(X: Matrix, W: Matrix, enc: StlEncoders, mode: GpuMode = 'gpu'): Promise<{ result: Matrix; mode: string }> {
  const g = new GpuStl(enc, mode);
  try {
    return { result: await g.stl(X, W), mode: g.mode };
  } finally {
    g.destroy();
  }
}
