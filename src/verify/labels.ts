import type { TargetSpec } from '../tensor/index.ts';

/** Human name of Brent equation (α, β, γ): "a12·b23→c13" for matrix multiplication, "x0·y1→z1" otherwise. */
export function equationLabel(target: TargetSpec, alpha: number, beta: number, gamma: number): string {
  if (target.kind === 'matmul') {
    const [n, m, p] = target.format;
    const big = Math.max(n, m, p) > 9;
    const name = (v: string, i: number, j: number) => (big ? `${v}[${i + 1},${j + 1}]` : `${v}${i + 1}${j + 1}`);
    const c = target.transposedC ? name('c', Math.floor(gamma / n), gamma % n) : name('c', Math.floor(gamma / p), gamma % p);
    return `${name('a', Math.floor(alpha / m), alpha % m)}·${name('b', Math.floor(beta / p), beta % p)}→${c}`;
  }
  return `x${alpha}·y${beta}→z${gamma}`;
}
