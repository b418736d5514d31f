import type { Scheme } from '../scheme/index.ts';
import type { Tensor } from '../tensor/index.ts';
import { DENSE_LIMIT } from './integer.ts';
import { collectFailures, type ExactReport } from './report.ts';

/**
 * Z2: W rows packed into 32-bit words; each (α, β) cell accumulates by XOR.
 * Returns null when the packed tensor would be too large (the caller falls back to field arithmetic).
 */
export function verifyBits(s: Scheme<number>, T: Tensor, max: number): ExactReport | null {
  const [a, b, c] = T.dims;
  const words = Math.ceil(c / 32);
  if (a * b * words > DENSE_LIMIT) return null;
  const acc = new Uint32Array(a * b * words);
  const packed = new Uint32Array(words);
  const ones = (row: readonly number[]) => row.flatMap((x, t) => (x ? [t] : []));
  for (let l = 0; l < s.U.length; l++) {
    packed.fill(0);
    s.W[l].forEach((x, g) => { if (x) packed[g >>> 5] |= 1 << (g & 31); });
    const iv = ones(s.V[l]);
    for (const al of ones(s.U[l])) for (const be of iv) {
      const base = (al * b + be) * words;
      for (let w = 0; w < words; w++) acc[base + w] ^= packed[w];
    }
  }
  const odd = new Set<number>();
  for (const e of T.entries) {
    if (e.v.d % 2n === 0n) throw new Error(`target entry ${e.v.toFraction()} has no value mod 2`);
    if (e.v.n % 2n === 1n) {
      acc[(e.i * b + e.j) * words + (e.k >>> 5)] ^= 1 << (e.k & 31);
      odd.add((e.i * b + e.j) * c + e.k);
    }
  }
  const bad: number[] = [];
  for (let cell = 0; cell < a * b; cell++) for (let w = 0; w < words; w++) {
    let x = acc[cell * words + w];
    while (x) {
      bad.push(cell * c + w * 32 + (31 - Math.clz32(x & -x)));
      x &= x - 1;
    }
  }
  bad.sort((x, y) => x - y);
  const { failing, failures } = collectFailures(s.target, T, max, bad, (key) => (odd.has(key) ? ['1', '0'] : ['0', '1']));
  return { kind: 'exact', field: 'Z2', exact: failing === 0, equations: a * b * c, failing, failures, method: 'bits' };
}
