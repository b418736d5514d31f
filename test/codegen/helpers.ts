import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodegenOperator } from '../../src/codegen/index.ts';

/** A scratch directory for generated sources. */
export const scratch = (tag: string) => mkdtempSync(join(tmpdir(), `stlkit-codegen-${tag}-`));

export function writeIn(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Deterministic uniform(-1, 1) values. */
export function randomMatrix(rows: number, cols: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(rows * cols);
  for (let x = 0; x < out.length; x++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[x] = s / 2147483648 - 1;
  }
  return out;
}

/**
 * STL(X, W) in float64 straight from the definition in docs/stl.md, independent of every
 * generator: X̂_l[i,k] = Σ_q E_X[l,q] X tile, Ŵ likewise, Ẑ_l = X̂_l Ŵ_l, Z tile = D Ẑ.
 */
export function stlFloat64(op: CodegenOperator, X: Float64Array, W: Float64Array, M: number, N: number, P: number): Float64Array {
  const { t, r } = op;
  const enc = (A: Float64Array, rows: number, cols: number, E: number[][]) => {
    const gi = rows / t, gk = cols / t, out = new Float64Array(r * gi * gk);
    for (let l = 0; l < r; l++) for (let i = 0; i < gi; i++) for (let k = 0; k < gk; k++) {
      let s = 0;
      for (let q = 0; q < t * t; q++) s += E[l][q] * A[(t * i + Math.floor(q / t)) * cols + t * k + (q % t)];
      out[(l * gi + i) * gk + k] = s;
    }
    return out;
  };
  const gm = M / t, gn = N / t, gp = P / t;
  const Xh = enc(X, M, N, op.EX), Wh = enc(W, N, P, op.EW);
  const Z = new Float64Array(M * P);
  for (let l = 0; l < r; l++) for (let i = 0; i < gm; i++) for (let j = 0; j < gp; j++) {
    let s = 0;
    for (let k = 0; k < gn; k++) s += Xh[(l * gm + i) * gn + k] * Wh[(l * gn + k) * gp + j];
    for (let q = 0; q < t * t; q++) Z[(t * i + Math.floor(q / t)) * P + t * j + (q % t)] += op.D[q][l] * s;
  }
  return Z;
}

export function matmul64(X: Float64Array, W: Float64Array, M: number, N: number, P: number): Float64Array {
  const Z = new Float64Array(M * P);
  for (let i = 0; i < M; i++) for (let k = 0; k < N; k++) {
    const a = X[i * N + k];
    for (let j = 0; j < P; j++) Z[i * P + j] += a * W[k * P + j];
  }
  return Z;
}

/** ‖a − b‖_F / ‖b‖_F */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, n = 0;
  for (let x = 0; x < b.length; x++) {
    d += (a[x] - b[x]) ** 2;
    n += b[x] ** 2;
  }
  return Math.sqrt(d / n);
}
