import { makeTensor, type Tensor } from './tensor.ts';

/** Product of polynomials of degrees a and b: coefficients (a+1) × (b+1) → (a+b+1). */
export function polymulTensor(a: number, b: number): Tensor {
  const raw = [];
  for (let i = 0; i <= a; i++) for (let j = 0; j <= b; j++) raw.push({ i, j, k: i + j, v: 1 });
  return makeTensor([a + 1, b + 1, a + b + 1], raw, `polymul(${a},${b})`);
}

/** Cyclic convolution of length n: z_k = Σ_{i+j ≡ k mod n} x_i y_j. */
export function cyclicConvTensor(n: number): Tensor {
  const raw = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) raw.push({ i, j, k: (i + j) % n, v: 1 });
  return makeTensor([n, n, n], raw, `cconv(${n})`);
}
