import { makeTensor, type Tensor } from './tensor.ts';

/**
 * <n,m,p>: C = A·B with A n×m, B m×p, all row-major:
 * T[i*m+j, j*p+k, i*p+k] = 1 ("C as written", the convention of scheme JSON).
 */
export function matmulTensor(n: number, m: number, p: number): Tensor {
  const raw = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let k = 0; k < p; k++) {
    raw.push({ i: i * m + j, j: j * p + k, k: i * p + k, v: 1 });
  }
  return makeTensor([n * m, m * p, n * p], raw, `<${n},${m},${p}>`);
}

/**
 * <n,m,p> with the third factor indexing Cᵀ (p×n): T[i*m+j, j*p+k, k*n+i] = 1.
 * This is the trace form Σ a_ij b_jk c_ki used by AlphaTensor and flip-graph files;
 * it is invariant under cyclic shifts of the three factors.
 */
export function matmulTensorTransposedC(n: number, m: number, p: number): Tensor {
  const raw = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let k = 0; k < p; k++) {
    raw.push({ i: i * m + j, j: j * p + k, k: k * n + i, v: 1 });
  }
  return makeTensor([n * m, m * p, p * n], raw, `<${n},${m},${p}>ᵀ`);
}
