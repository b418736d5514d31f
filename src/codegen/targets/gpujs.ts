import { floatLiteral, headerLines, linearCombination, type CodegenOperator } from '../operator.ts';
import type { Target } from '../registry.ts';

/**
 * `stlkit codegen gpujs`: an ES module (plain JavaScript, so a browser loads it without a build
 * step) that builds the STL operator from three gpu.js kernels — encode, the r batched products,
 * decode — with the scheme's coefficients baked into the kernel bodies as straight-line sums, so a
 * kernel reads no coefficient memory and skips the zeros. gpu.js compiles the bodies for WebGL,
 * WebGPU, its WebAssembly backend or plain JavaScript ('cpu'), all in float32.
 *
 * gpu.js kernels return one value per thread and branch on thread indices, so the encode kernel
 * selects its product with an if-chain on this.thread.z and the decode kernel its tile position
 * with one on q; both chains are short (r and t² arms).
 */
export const gpujsTarget: Target = {
  name: 'gpujs',
  extension: '.mjs',
  description: 'ES module of gpu.js kernels: WebGL, WebGPU, WebAssembly, CPU',
  package: false,
  lowPrecision: null,
  generate: (op) => [{ path: 'stl.mjs', contents: generateGpujs(op) }],
};

/** The module; `gpuModule` is what it imports gpu.js as (a path where no package resolves it). */
export function generateGpujs(op: CodegenOperator, gpuModule = 'gpu.js'): string {
  const { t, r } = op;
  const t2 = t * t;
  const lit = (x: number) => floatLiteral(x);
  const xs = Array.from({ length: t2 }, (_, q) => `x${q}`);
  const zs = Array.from({ length: r }, (_, l) => `z${l}`);
  // Tile entry q = a·t + b of the tile at grid position (thread.y, thread.x), 0 past the matrix edge.
  const loads = xs.map((x, q) => {
    const a = Math.floor(q / t), b = q % t;
    return `  const ${x} = (this.thread.y * ${t} + ${a} < this.constants.rows && this.thread.x * ${t} + ${b} < this.constants.cols) ? A[this.thread.y * ${t} + ${a}][this.thread.x * ${t} + ${b}] : 0;`;
  }).join('\n');
  const chain = (arms: string[], sel: string) => arms.map((e, k) => `  ${k ? 'else ' : ''}if (${sel} === ${k}) { return ${e}; }`).join('\n') + '\n  return 0;';
  const encode = (E: number[][]) => `function (A) {\n${loads}\n${chain(E.map((row) => linearCombination(row, xs, lit, '0')), 'this.thread.z')}\n}`;
  const zLoads = zs.map((z, l) => `  const ${z} = Zh[${l}][i][j];`).join('\n');
  const decode = `function (Zh) {
  const i = Math.floor(this.thread.y / ${t});
  const j = Math.floor(this.thread.x / ${t});
  const q = (this.thread.y - i * ${t}) * ${t} + (this.thread.x - j * ${t});
${zLoads}
${chain(op.D.map((row) => linearCombination(row, zs, lit, '0')), 'q')}
}`;
  const header = headerLines(op, 'gpujs', 'float32').map((l) => ` * ${l}`).join('\n');
  const str = (s: string) => '`' + s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
  return `/**
${header}
 *
 * The STL operator as gpu.js kernels. Matrices are row-major Float32Arrays; sizes need not be
 * multiples of t (tiles are zero-padded, the output cropped).
 *
 *   import { GPU } from 'gpu.js';
 *   const stl = new Stl(new GPU());          // or new GPU({ mode: 'cpu' | 'webgl2' | 'webgpu' | ... })
 *   const Wh = await stl.encodeW(W, N, P);   // once per weight matrix
 *   const Z = await stl.apply(X, M, Wh);     // M×P, float32
 *   stl.destroy();
 */
/* eslint-disable */
import { Input } from '${gpuModule}';

export const T = ${t};
export const R = ${r};
export const EXACT = ${op.exact};
export const OPERATOR_SHA256 = '${op.hash}';

const ENCODE_X = ${str(encode(op.EX))};
const ENCODE_W = ${str(encode(op.EW))};
const CORE = \`function (Xh, Wh) {
  let s = 0;
  for (let k = 0; k < this.constants.gn; k++) {
    s += Xh[this.thread.z][this.thread.y][k] * Wh[this.thread.z][k][this.thread.x];
  }
  return s;
}\`;
const DECODE = ${str(decode)};

const tiles = (n) => Math.ceil(n / T);

/** Kernel output (nested arrays of Float32Array rows) as one flat row-major Float32Array. */
function flatten(out, n) {
  const flat = new Float32Array(n);
  let at = 0;
  const walk = (x) => {
    if (x instanceof Float32Array) {
      flat.set(x, at);
      at += x.length;
    } else for (const y of x) walk(y);
  };
  walk(out);
  if (at !== n) throw new Error(\`gpu.js returned \${at} values, expected \${n}\`);
  return flat;
}

function check(A, rows, cols, name) {
  if (!(A instanceof Float32Array)) throw new TypeError(\`\${name} must be a Float32Array\`);
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) throw new RangeError(\`\${name}: bad size \${rows}×\${cols}\`);
  if (A.length !== rows * cols) throw new RangeError(\`\${name} has \${A.length} entries, expected \${rows}×\${cols}\`);
}

export class Stl {
  /** gpu: a gpu.js GPU instance; its mode picks the backend. */
  constructor(gpu) {
    this.gpu = gpu;
    this.kernels = new Map();
  }

  /** Kernels have fixed output sizes and loop bounds: one per shape, cached. */
  kernel(kind, source, constants, output) {
    const key = \`\${kind}:\${JSON.stringify(constants)}:\${output}\`;
    let k = this.kernels.get(key);
    if (!k) {
      k = this.gpu.createKernel(source, { constants, output, tactic: 'precision' });
      this.kernels.set(key, k);
    }
    return k;
  }

  async encode(source, A, rows, cols, name) {
    check(A, rows, cols, name);
    const gr = tiles(rows), gc = tiles(cols);
    const k = this.kernel(name, source, { rows, cols }, [gc, gr, R]);
    return { data: flatten(await k(new Input(A, [cols, rows])), R * gr * gc), gr, gc };
  }

  /** Ŵ: R planes of tiles(N) × tiles(P), encoded once per weight matrix. */
  async encodeW(W, N, P) {
    const { data, gr, gc } = await this.encode(ENCODE_W, W, N, P, 'W');
    return { data, N, P, gn: gr, gp: gc };
  }

  async encodeX(X, M, N) {
    return this.encode(ENCODE_X, X, M, N, 'X');
  }

  /** Z = decode(encodeX(X) ⊙ Ŵ), M×P. */
  async apply(X, M, Wh) {
    const { data: Xh, gr: gm, gc: gn } = await this.encodeX(X, M, Wh.N);
    const core = this.kernel('core', CORE, { gn }, [Wh.gp, gm, R]);
    const Zh = flatten(await core(new Input(Xh, [gn, gm, R]), new Input(Wh.data, [Wh.gp, gn, R])), R * gm * Wh.gp);
    const decode = this.kernel('decode', DECODE, {}, [Wh.P, M]);
    return flatten(await decode(new Input(Zh, [Wh.gp, gm, R])), M * Wh.P);
  }

  async stl(X, W, M, N, P) {
    return this.apply(X, M, await this.encodeW(W, N, P));
  }

  destroy() {
    for (const k of this.kernels.values()) k.destroy?.();
    this.kernels.clear();
  }
}
`;
}
