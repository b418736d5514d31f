import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Fraction, Q } from '../../src/field/index.ts';
import { parseSchemeJson } from '../../src/formats/json.ts';
import { readMpl } from '../../src/formats/mpl.ts';
import { withFactors, type Scheme } from '../../src/scheme/index.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { hasShared, SCHEMES, schemeFiles } from '../helpers/shared.ts';
import { enc, exact, factorsJson, throwsInput } from '../helpers/formats.ts';


function expectSame(got: Scheme<unknown>, want: Scheme<unknown>) {
  expect(got.target).toEqual(want.target);
  expect(got.U.length).toBe(want.U.length);
  expect(got.fieldTag).toBe(want.fieldTag);
  expect(factorsJson(got)).toBe(factorsJson(want));
}

/**
 * <1,2,3> by the definition, one triad per line: C[0][k] = Σ_j A[0][j]·B[j][k]. W_t is p×n = 3×1,
 * so the product for (j, k) has W_t[k][0] = 1.
 */
const NAIVE_TRIADS = [0, 1].flatMap((j) => [0, 1, 2].map((k) => {
  const A = [0, 1].map((x) => (x === j ? 1 : 0));
  const B = [0, 1].map((r) => `[${[0, 1, 2].map((c) => (r === j && c === k ? 1 : 0))}]`);
  const W = [0, 1, 2].map((r) => `[${r === k ? 1 : 0}]`);
  return `Triad([Matrix(1, 2, [[${A}]]), Matrix(2, 3, [${B}]), Matrix(3, 1, [${W}])])`;
}));
const NAIVE_123 = [
  'A:=Matrix(1, 2, [[A_1_1,A_1_2]]):',
  'Tensor:=TriadSet([',
  NAIVE_TRIADS.join(',\n'),
  ']):',
  'map(expand,A.B-add(LinearAlgebra:-Transpose(op([1,i,1,3],Tensor)),i=1..6));',
].join('\n');

describe('readMpl on inline text', () => {
  it('reads a non-square format from the matrix shapes, W transposed', () => {
    const s = readMpl(enc(NAIVE_123), 'naive.mpl');
    expect(s.target).toEqual({ kind: 'matmul', format: [1, 2, 3] });
    expect([s.U.length, s.fieldTag]).toEqual([6, 'Z']);
    expect(s.meta.source).toContain('naive.mpl');
    expect(exact(s)).toBe(true);
    // Product (j=0, k=2) writes C[0][2], i.e. W index 0*3+2.
    expect(s.W[2].map((x) => Q.toJSON(x as Fraction))).toEqual([0, 0, 1]);
  });

  it('reads rationals and exact decimals as Q', () => {
    const s = readMpl(enc('T:=TriadSet([Triad([Matrix(1, 1, [[-1/4]]), Matrix(1, 1, [[0.5]]), Matrix(1, 1, [[-8]])])]):'), 'q.mpl');
    expect(s.fieldTag).toBe('Q');
    expect([s.U[0][0], s.V[0][0]].map((x) => Q.toJSON(x as Fraction))).toEqual(['-1/4', '1/2']);
    expect(exact(s)).toBe(true);
  });
});

describe('readMpl on malformed input', () => {
  const bad = (text: string, line: number, pattern: RegExp) => {
    const e = throwsInput(() => readMpl(enc(text), 'bad.mpl'), 'bad.mpl', `line ${line}`);
    expect(e.problem).toMatch(pattern);
  };
  it('reports a truncated file', () => bad(NAIVE_123.slice(0, NAIVE_123.indexOf('Matrix(2, 3', 200)), 5, /expected 'Matrix'.*end of file/));
  it('reports unbalanced brackets', () => bad(NAIVE_123.replace('[[0,0,0],[0,0,1]]), Matrix(3, 1', '[[0,0,0],[0,0,1]), Matrix(3, 1'), 8, /expected '\]' to end a Matrix/));
  it('reports a zero denominator', () => bad(NAIVE_123.replace('[[1,0]]', '[[1/0,0]]'), 3, /1\/0 divides by zero/));
  it('reports an empty file or one without a TriadSet', () => {
    bad('', 1, /empty/);
    bad('A:=Matrix(1, 1, [[A_1_1]]):', 1, /no TriadSet/);
    bad('T:=TriadSet([]):', 1, /no products/);
  });
  it('reports inconsistent matrix sizes', () => {
    bad(NAIVE_123.replace('Matrix(3, 1, [[0],[1],[0]])', 'Matrix(3, 1, [[0],[1]])'), 4, /Matrix\(3, 1, …\) holds 2×1/);
    bad(NAIVE_123.replace('Matrix(3, 1, [[0],[1],[0]])', 'Matrix(3, 1, [[0],[1,0],[0]])'), 4, /row 2 has 2 entries but row 1 has 1/);
    bad(NAIVE_123.replace('Matrix(3, 1, [[0],[1],[0]])', 'Matrix(1, 3, [[0,1,0]])'), 4, /product 2: the C .* is 1×3, expected 3×1/);
    bad(NAIVE_123.replace(', Matrix(3, 1, [[0],[1],[0]])', ''), 4, /three matrices/);
  });
});

describe.skipIf(!hasShared)('every fmm-catalogue .mpl in the shared data', () => {
  const files = schemeFiles('perminov/fmm-tensor-mpl', (n) => n.endsWith('.mpl'));
  const jsonFor = (file: string) => join(SCHEMES, 'perminov/json', `fmm_${basename(file).replace('_tensor.mpl', '')}.json`);

  it('finds all 14', () => expect(files.length).toBe(14));

  it.each(files.map((f) => [basename(f), f]))('%s verifies exactly and matches its conversion', (_, file) => {
    const s = readMpl(readFileSync(file), file);
    expect(exact(s)).toBe(true);
    const json = jsonFor(file);
    expectSame(s, parseSchemeJson(readFileSync(json, 'utf8'), json));
    const [n, m, p] = basename(file).split('_')[0].split('x').map(Number);
    expect(s.target).toEqual({ kind: 'matmul', format: [n, m, p] });
  });

  it('reads Strassen from 2x2x2 and notices one changed coefficient', () => {
    const file = join(SCHEMES, 'perminov/fmm-tensor-mpl/2x2x2_tensor.mpl');
    const s = readMpl(readFileSync(file), file) as Scheme<Fraction>;
    expect([s.U.length, s.fieldTag]).toEqual([7, 'Z']);
    expect(exact(s)).toBe(true);
    const U = s.U.map((r) => [...r]);
    U[3][0] = U[3][0].add(1);
    expect(exact(withFactors(s, U, s.V.map((r) => [...r]), s.W.map((r) => [...r])))).toBe(false);
    const text = readFileSync(file, 'utf8').replace('[[0,1],[0,-1]]', '[[0,1],[0,1]]');
    expect(exact(readMpl(enc(text), file))).toBe(false);
  });

  it('reads the rational schemes 3x3x6 and 4x4x4 over Q', () => {
    for (const f of ['3x3x6', '4x4x4']) {
      const s = readMpl(readFileSync(join(SCHEMES, `perminov/fmm-tensor-mpl/${f}_tensor.mpl`)), f);
      expect(s.fieldTag).toBe('Q');
    }
  });
});
