import { floatLiteral, headerLines, linearCombination, type CodegenOperator } from '../operator.ts';
import type { Target } from '../registry.ts';

/**
 * `stlkit codegen ts`: a dependency-free TypeScript module computing the STL operator on
 * Float32Arrays (row-major), the coefficients baked into straight-line encode and decode code.
 * For small sizes, tests and browsers; the arithmetic is JavaScript's (float64) with every stored
 * intermediate (X̂, Ŵ, Ẑ, Z) rounded to float32.
 */
export const tsTarget: Target = {
  name: 'ts',
  extension: '.ts',
  description: 'Float32Array TypeScript',
  package: false,
  lowPrecision: null,
  generate: (op) => [{ path: 'stl.ts', contents: generateTs(op) }],
};

export function generateTs(op: CodegenOperator): string {
  const { t, r } = op;
  const t2 = t * t;
  const lit = (x: number) => floatLiteral(x);
  const xs = Array.from({ length: t2 }, (_, q) => `x${q}`);
  const ys = Array.from({ length: r }, (_, l) => `y${l}`);
  const loads = (src: string) => Array.from({ length: t2 }, (_, q) => `x${q} = ${src}[o + ${Math.floor(q / t)} * ld + ${q % t}]`).join(', ');
  const encode = (E: number[][]) => E.map((row, l) => `      out[${l} * plane + p] = ${linearCombination(row, xs, lit, '0')};`).join('\n');
  const mat = (M: number[][]) => `[\n${M.map((row) => `  [${row.map(lit).join(', ')}],`).join('\n')}\n]`;
  const header = headerLines(op, 'ts', 'float32').map((l) => ` * ${l}`).join('\n');
  return `/**
${header}
 *
 * encodeX / encodeW: row-major M×N (N×P) → r planes (M/t × N/t); stlApply: X with stored Ŵ → Z;
 * stl(X, W): both. Plain TypeScript, no imports.
 */
/* eslint-disable */

export const T = ${t};
export const R = ${r};
export const EXACT = ${op.exact};
export const OPERATOR_SHA256 = '${op.hash}';

/** E_X, E_W (r × t²) and D (t² × r); q = a·t + b is position (a, b) inside a tile. */
export const E_X: readonly (readonly number[])[] = ${mat(op.EX)};
export const E_W: readonly (readonly number[])[] = ${mat(op.EW)};
export const D: readonly (readonly number[])[] = ${mat(op.D)};

function check(rows: number, cols: number, len: number, name: string): void {
  if (rows % T !== 0 || cols % T !== 0) throw new Error(\`\${name} is \${rows}×\${cols}; t = \${T} must divide both sizes (pad first)\`);
  if (len !== rows * cols) throw new Error(\`\${name} has \${len} entries, expected \${rows}×\${cols}\`);
}

/** X̂ (r × M/t × N/t): X̂[l, i, k] = Σ_q E_X[l, q]·X[t·i + q/t, t·k + q%t]. */
export function encodeX(X: Float32Array, M: number, N: number): Float32Array {
  check(M, N, X.length, 'X');
  const gi = M / T, gk = N / T, plane = gi * gk, ld = N;
  const out = new Float32Array(${r} * plane);
  for (let i = 0; i < gi; i++) {
    for (let k = 0; k < gk; k++) {
      const o = ${t} * i * ld + ${t} * k, p = i * gk + k;
      const ${loads('X')};
${encode(op.EX)}
    }
  }
  return out;
}

/** Ŵ (r × N/t × P/t), computed once per weight matrix. */
export function encodeW(W: Float32Array, N: number, P: number): Float32Array {
  check(N, P, W.length, 'W');
  const gi = N / T, gk = P / T, plane = gi * gk, ld = P;
  const out = new Float32Array(${r} * plane);
  for (let i = 0; i < gi; i++) {
    for (let k = 0; k < gk; k++) {
      const o = ${t} * i * ld + ${t} * k, p = i * gk + k;
      const ${loads('W')};
${encode(op.EW)}
    }
  }
  return out;
}

/** Z = STL(X, W) from X (M×N) and the stored Ŵ of W (N×P): encode, r products, decode. */
export function stlApply(X: Float32Array, M: number, N: number, Wh: Float32Array, P: number): Float32Array {
  const gm = M / T, gn = N / T, gp = P / T;
  if (Wh.length !== ${r} * gn * gp) throw new Error(\`Ŵ has \${Wh.length} entries, expected r·N/t·P/t = \${${r} * gn * gp}\`);
  const Xh = encodeX(X, M, N);
  // The r products Ẑ_l = X̂_l·Ŵ_l (float64 sums, stored as float32).
  const Zh = new Float32Array(${r} * gm * gp);
  const row = new Float64Array(gp);
  for (let l = 0; l < ${r}; l++) {
    for (let i = 0; i < gm; i++) {
      row.fill(0);
      for (let k = 0; k < gn; k++) {
        const a = Xh[(l * gm + i) * gn + k];
        if (a === 0) continue;
        const w = (l * gn + k) * gp;
        for (let j = 0; j < gp; j++) row[j] += a * Wh[w + j];
      }
      Zh.set(row, (l * gm + i) * gp);
    }
  }
  // Decode: Z[t·i + q/t, t·j + q%t] = Σ_l D[q, l]·Ẑ[l, i, j].
  const Z = new Float32Array(M * P);
  const plane = gm * gp;
  for (let i = 0; i < gm; i++) {
    for (let j = 0; j < gp; j++) {
      const p = i * gp + j, o = ${t} * i * P + ${t} * j;
      const ${ys.map((y, l) => `${y} = Zh[${l} * plane + p]`).join(', ')};
${op.D.map((row, q) => `      Z[o + ${Math.floor(q / t)} * P + ${q % t}] = ${linearCombination(row, ys, lit, '0')};`).join('\n')}
    }
  }
  return Z;
}

/** STL(X, W) for X M×N and W N×P, row-major. */
export function stl(X: Float32Array, W: Float32Array, M: number, N: number, P: number): Float32Array {
  return stlApply(X, M, N, encodeW(W, N, P), P);
}
`;
}
