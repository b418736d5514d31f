import { describe, expect, it } from 'vitest';
import { directSum, joinMatmul, kron, rank, type Scheme } from '../../src/scheme/index.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { hasShared } from '../helpers/shared.ts';
import { sharedScheme } from '../helpers/load.ts';

const exact = (s: Scheme<unknown>) => {
  const r = verifyScheme(s);
  return r.kind === 'exact' && r.exact;
};

describe.skipIf(!hasShared)('composing schemes', () => {
  const strassen = () => sharedScheme('alphatensor/json-r/2x2x2_r7_Z.json');
  const s223 = () => sharedScheme('alphatensor/json-r/2x2x3_r11_Z.json');

  it('Strassen ⊗ Strassen is an exact <4,4,4>:49', () => {
    const s = kron(strassen(), strassen());
    expect(s.target).toEqual({ kind: 'matmul', format: [4, 4, 4] });
    expect(rank(s)).toBe(49);
    expect(exact(s)).toBe(true);
    expect(s.fieldTag).toBe('Z');
  });

  it('takes Kronecker products of non-square schemes', () => {
    const s = kron(s223(), strassen());
    expect(s.target).toEqual({ kind: 'matmul', format: [4, 4, 6] });
    expect(rank(s)).toBe(77);
    expect(exact(s)).toBe(true);
  });

  it('forms direct sums of arbitrary bilinear maps', () => {
    const s = directSum(strassen(), s223());
    expect(rank(s)).toBe(18);
    expect(s.target.kind).toBe('table');
    expect(exact(s)).toBe(true);
  });

  it('joins matrix-multiplication schemes along each axis', () => {
    const a = s223();
    expect(exact(joinMatmul(a, strassen(), 'p'))).toBe(true); // <2,2,5>:18
    expect(joinMatmul(a, strassen(), 'p').target).toEqual({ kind: 'matmul', format: [2, 2, 5] });
    expect(exact(joinMatmul(strassen(), strassen(), 'n'))).toBe(true); // <4,2,2>:14
    expect(exact(joinMatmul(strassen(), strassen(), 'm'))).toBe(true); // <2,4,2>:14
    expect(() => joinMatmul(a, strassen(), 'n')).toThrow(/cannot join/);
  });
});
