import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFastMatmul } from '../../src/formats/fastmatmul.ts';
import { InputError } from '../../src/formats/errors.ts';
import type { Importer } from '../../src/formats/importer.ts';
import { parseSchemeJson } from '../../src/formats/json.ts';
import type { Scheme } from '../../src/scheme/index.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { hasShared, SCHEMES, schemeFiles } from '../helpers/shared.ts';
import { enc, exact, throwsInput } from '../helpers/formats.ts';


// The importer must have the shared Importer signature.
const _importer: Importer = importFastMatmul;
void _importer;
const factors = (s: Scheme<unknown>) => JSON.stringify([s.U, s.V, s.W].map((M) => M.map((r) => r.map((x) => s.field.toJSON(x)))));

/** Strassen in stlkit's convention (rows = products). */
const U = [[1, 0, 0, 1], [0, 0, 1, 1], [1, 0, 0, 0], [0, 0, 0, 1], [1, 1, 0, 0], [-1, 0, 1, 0], [0, 1, 0, -1]];
const V = [[1, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, -1], [-1, 0, 1, 0], [0, 0, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1]];
const W = [[1, 0, 0, 1], [0, 0, 1, -1], [0, 1, 0, 1], [1, 0, 1, 0], [-1, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0]];
/** fast-matmul layout: one block per factor, one row per matrix entry, one column per product. */
const block = (M: (number | string)[][]) => M[0].map((_, g) => M.map((row) => row[g]).join(' ')).join('\n');
const file = (Ms: (number | string)[][][], head = '# test scheme\n') => head + Ms.map(block).join('\n#\n') + '\n';

/** The classical algorithm for <n,m,p>: one product A[i][j]·B[j][k] per (i,j,k). */
function classical(n: number, m: number, p: number) {
  const U: number[][] = [], V: number[][] = [], W: number[][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let k = 0; k < p; k++) {
    U.push(Array.from({ length: n * m }, (_, g) => +(g === i * m + j)));
    V.push(Array.from({ length: m * p }, (_, g) => +(g === j * p + k)));
    W.push(Array.from({ length: n * p }, (_, g) => +(g === i * p + k)));
  }
  return [U, V, W];
}


describe('importFastMatmul (synthetic)', () => {
  it('reads Strassen (C not transposed) and verifies', () => {
    const s = importFastMatmul(enc(file([U, V, W])), 'strassen');
    expect(s.target).toEqual({ kind: 'matmul', format: [2, 2, 2] });
    expect(s.fieldTag).toBe('Z');
    expect(s.meta.source).toContain('strassen');
    expect(factors(s)).toBe(JSON.stringify([U, V, W]));
    expect(exact(s)).toBe(true);
  });

  it('infers <n,m,p> from the row counts of non-square formats', () => {
    for (const f of [[2, 3, 4], [4, 2, 3], [3, 5, 2], [1, 3, 2]] as [number, number, number][]) {
      const s = importFastMatmul(enc(file(classical(...f))), 'classical');
      expect(s.target).toEqual({ kind: 'matmul', format: f });
      expect(exact(s)).toBe(true);
    }
  });

  it('reads rationals exactly, blank lines and CRLF', () => {
    const halfU = U.map((r, l) => (l === 0 ? r.map((x) => (x ? '1/2' : 0)) : r));
    const twoW = W.map((r, l) => (l === 0 ? r.map((x) => 2 * x) : r));
    const s = importFastMatmul(enc(file([halfU, V, twoW]).replace(/\n/g, '\r\n') + '\r\n\r\n'), 'half');
    expect(s.fieldTag).toBe('Q');
    expect(s.field.toJSON(s.U[0][0])).toBe('1/2');
    expect(exact(s)).toBe(true);
  });

  it('a scheme with one coefficient changed no longer verifies', () => {
    const w = structuredClone(W);
    w[4][1] = 0;
    expect(exact(importFastMatmul(enc(file([U, V, w])), 'broken'))).toBe(false);
  });

  it('refuses border-rank (-approx) and eliminated files', () => {
    throwsInput(() => importFastMatmul(enc(file([U, V, W])), 'dir/bini322-10-52-approx'), 'bini322', '', /border-rank.*symbolic ε/);
    const eps = file([U.map((r, l) => (l === 0 ? r.map((x) => (x ? 'x' : 0)) : r)), V, W]);
    throwsInput(() => importFastMatmul(enc(eps), 'renamed'), 'renamed', 'line 2', /border-rank/);
    const elim = file([U, V, W], '# Eliminated version of strassen\n');
    throwsInput(() => importFastMatmul(enc(elim), 'elim'), 'elim', '', /eliminated.*not supported/);
    const extra = file([U, V, W]) + '# Substitution information\n1 0\n';
    throwsInput(() => importFastMatmul(enc(extra), 'extra'), 'extra', '', /4 blocks/);
  });

  it('malformed files throw InputError with a location', () => {
    const f = 'bad';
    throwsInput(() => importFastMatmul(enc(file([U, V])), f), f, '', /three coefficient blocks.*found 2/);
    throwsInput(() => importFastMatmul(enc(file([U, V, W]).replace('1 0 1 0 1 -1 0', '1 0 1 0 1 -1 y')), f), f, 'line 2, column 7', /"y"/);
    throwsInput(() => importFastMatmul(enc(file([U, V, W]).replace('1 0 1 0 1 -1 0', '1 0 1 0 1 -1 1/0')), f), f, 'line 2, column 7', /denominator zero/);
    throwsInput(() => importFastMatmul(enc(file([U, V, W]).replace('1 0 1 0 1 -1 0', '1 0 1 0 1 -1')), f), f, 'line 3', /has 7 coefficients, expected 6/);
    throwsInput(() => importFastMatmul(enc(file([U, V.slice(0), W.map((r) => [...r, 0])])), f), f, '', /not n·m, m·p, n·p/);
    throwsInput(() => importFastMatmul(enc(file([U, V, W])), f, { format: [2, 2, 3] }), f, '', /do not fit <2,2,3>/);
    throwsInput(() => importFastMatmul(enc(file([U, V, W.map((r) => r.map((x) => (x ? '1/2' : 0)))])), f, { field: 'Z2' }), f, 'line 12, column 1', /not invertible in Z2/);
  });
});

describe.skipIf(!hasShared)('importFastMatmul (shared data)', () => {
  const dir = join(SCHEMES, 'fast-matmul');
  const all = schemeFiles('fast-matmul/algorithms');
  const refused = (p: string) => p.endsWith('-approx') || p.includes('/eliminated/') || basename(p) === 'grey323-15-89';
  const supported = all.filter((p) => !refused(p));

  it('finds the coefficient files', () => {
    expect(all.length).toBe(82);
    expect(supported.length).toBe(41);
  });

  for (const f of supported) {
    it(`${basename(f)} imports and verifies exactly`, () => {
      const s = importFastMatmul(readFileSync(f), f);
      const rep = verifyScheme(s);
      expect(rep.kind === 'exact' && rep.exact).toBe(true);
      // Names like grey234-20-144 carry the format; the inferred one must agree.
      const named = /^[a-z_]+?(\d)(\d)(\d)-/.exec(basename(f));
      if (named) expect(s.target).toEqual({ kind: 'matmul', format: named.slice(1, 4).map(Number) });
      const converted = join(dir, 'json', `${basename(f)}.json`);
      expect(existsSync(converted)).toBe(true);
      const ref = parseSchemeJson(readFileSync(converted, 'utf8'), converted);
      expect(s.target).toEqual(ref.target);
      expect(s.fieldTag).toBe(ref.fieldTag);
      expect(factors(s)).toBe(factors(ref));
    });
  }

  it('strassen and grey234-20-144 (format 2,3,4) import as expected', () => {
    const s = importFastMatmul(readFileSync(join(dir, 'algorithms/strassen')), 'strassen');
    expect(s.U.length).toBe(7);
    expect(exact(s)).toBe(true);
    const g = importFastMatmul(readFileSync(join(dir, 'algorithms/grey234-20-144')), 'grey234-20-144');
    expect(g.target).toEqual({ kind: 'matmul', format: [2, 3, 4] });
    expect(g.U.length).toBe(20);
  });

  it('refuses every -approx and eliminated file with an InputError saying why', () => {
    const bad = all.filter(refused);
    expect(bad.length).toBe(28 + 12 + 1);
    for (const f of bad) {
      throwsInput(() => importFastMatmul(readFileSync(f), f), basename(f), /.*/, f.endsWith('-approx') ? /border-rank/ : /eliminated/);
    }
  });
});
