import { describe, expect, it } from 'vitest';
import { Fraction, Q, Z2, Zp } from '../../src/field/index.ts';
import { det, Echelon, normaliseFirst, proportional, rankOf, rankOneFactors } from '../../src/field/linalg.ts';

const q = (rows: number[][]) => rows.map((r) => r.map((x) => new Fraction(x)));

describe('exact linear algebra over a field', () => {
  it('rank and determinant depend on the field: [[1,1],[1,-1]] is singular only mod 2', () => {
    expect(rankOf(Q, q([[1, 1], [1, -1]]))).toBe(2);
    expect(det(Q, q([[1, 1], [1, -1]])).equals(-2)).toBe(true);
    expect(rankOf(Z2, [[1, 1], [1, 1]])).toBe(1);
    expect(det(Z2, [[1, 1], [1, 1]])).toBe(0);
    expect(det(Zp(5), [[2, 1], [1, 3]])).toBe(0);
  });

  it('keeps a reduced echelon form under insertion; its nullspace solves the rows; clones are independent', () => {
    const ech = new Echelon(Q, 3);
    expect(ech.add(q([[1, 2, 3]])[0])).toBe(true);
    const copy = ech.clone();
    expect(ech.add(q([[2, 4, 6]])[0])).toBe(false);
    expect(ech.add(q([[0, 1, 1]])[0])).toBe(true);
    const [x] = ech.nullspace();
    expect(ech.nullspace()).toHaveLength(1);
    // x solves both equations: x0 + 2x1 + 3x2 = 0, x1 + x2 = 0.
    expect(x[0].add(x[1].mul(2)).add(x[2].mul(3)).equals(0)).toBe(true);
    expect(x[1].add(x[2]).equals(0)).toBe(true);
    expect(copy.rank).toBe(1);
  });

  it('factors a rank-one matrix, normalises and compares vectors up to scale', () => {
    const [a, b] = rankOneFactors(Q, q([[2, 4, 6, 3, 6, 9]])[0], 2, 3);
    expect(a.flatMap((ai) => b.map((bj) => ai.mul(bj).valueOf()))).toEqual([2, 4, 6, 3, 6, 9]);
    const [n, s] = normaliseFirst(Q, q([[0, -2, 4]])[0]);
    expect(n.map((v) => v.valueOf())).toEqual([0, 1, -2]);
    expect(s.equals(-2)).toBe(true);
    expect(proportional(Q, q([[0, 1, -2]])[0], q([[0, -3, 6]])[0])).toBe(true);
    expect(proportional(Q, q([[0, 1, -2]])[0], q([[1, 1, -2]])[0])).toBe(false);
  });
});
