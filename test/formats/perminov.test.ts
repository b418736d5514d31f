import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPerminov } from '../../src/formats/perminov.ts';
import type { Importer } from '../../src/formats/importer.ts';
import { parseSchemeJson } from '../../src/formats/json.ts';
import type { Scheme } from '../../src/scheme/index.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { hasShared, SCHEMES, schemeFiles } from '../helpers/shared.ts';
import { exact, throwsInput } from '../helpers/formats.ts';


// The importer must have the shared Importer signature.
const _importer: Importer = importPerminov;
void _importer;
const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const factors = (s: Scheme<unknown>) => JSON.stringify([s.U, s.V, s.W].map((M) => M.map((r) => r.map((x) => s.field.toJSON(x)))));

/** Strassen in stlkit's convention (W over C, rows = products). */
const U = [[1, 0, 0, 1], [0, 0, 1, 1], [1, 0, 0, 0], [0, 0, 0, 1], [1, 1, 0, 0], [-1, 0, 1, 0], [0, 1, 0, -1]];
const V = [[1, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, -1], [-1, 0, 1, 0], [0, 0, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1]];
const W = [[1, 0, 0, 1], [0, 0, 1, -1], [0, 1, 0, 1], [1, 0, 1, 0], [-1, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0]];
/** Perminov stores w over Cᵀ: w[t][k*n+i] = W[t][i*p+k]; for 2×2 that swaps entries 1 and 2. */
const wT = W.map((r) => [r[0], r[2], r[1], r[3]]);
const strassen = () => structuredClone({
  n: [2, 2, 2], m: 7, z2: false, u: U, v: V, w: wT,
  multiplications: ['m1 = (a11 + a22) * (b11 + b22)', 'm2 = (a21 + a22) * (b11)', 'm3 = (a11) * (b12 - b22)', 'm4 = (a22) * (b21 - b11)',
    'm5 = (a11 + a12) * (b22)', 'm6 = (a21 - a11) * (b11 + b12)', 'm7 = (a12 - a22) * (b21 + b22)'],
  elements: ['c11 = m1 + m4 - m5 + m7', 'c12 = m3 + m5', 'c21 = m2 + m4', 'c22 = m1 - m2 + m3 + m6'],
});
const t = (index: number, value: number | string = 1) => ({ index, value });
/** Strassen as an addition-reduced program: fresh a11+a22, b11+b22, and M1+M4 → (M1+M4)−M5 on the output side. */
const reduced = () => structuredClone({
  n: [2, 2, 2], m: 7, z2: false, complexity: { naive: 18, reduced: 16 },
  u_fresh: [[t(0), t(3)]],
  u: [[t(4)], [t(2), t(3)], [t(0)], [t(3)], [t(0), t(1)], [t(2), t(0, -1)], [t(1), t(3, -1)]],
  v_fresh: [[t(0), t(3)]],
  v: [[t(4)], [t(0)], [t(1), t(3, -1)], [t(2), t(0, -1)], [t(3)], [t(0), t(1)], [t(2), t(3)]],
  w_fresh: [[t(0), t(3)], [t(7), t(4, -1)]],
  // One row per output in Cᵀ order: C11, C21, C12, C22.
  w: [[t(8), t(6)], [t(1), t(3)], [t(2), t(4)], [t(0), t(1, -1), t(2), t(5)]],
});

describe('importPerminov (synthetic)', () => {
  it('reads Strassen, undoing the Cᵀ of w, and cross-checks the text form', () => {
    const s = importPerminov(enc(strassen()), 'strassen.json');
    expect(s.target).toEqual({ kind: 'matmul', format: [2, 2, 2] });
    expect(s.fieldTag).toBe('Z');
    expect(s.meta.source).toContain('strassen.json');
    expect(factors(s)).toBe(JSON.stringify([U, V, W]));
    expect(exact(s)).toBe(true);
  });

  it('expands the addition-reduced form to the same scheme', () => {
    const s = importPerminov(enc(reduced()), 'strassen_reduced.json');
    expect(factors(s)).toBe(JSON.stringify([U, V, W]));
    expect(exact(s)).toBe(true);
    expect(s.meta.complexity).toEqual({ naive: 18, reduced: 16 });
  });

  it('z2 → Z2; "p/q" strings → Q', () => {
    const z2 = importPerminov(enc({ ...strassen(), z2: true }), 'z2.json');
    expect(z2.fieldTag).toBe('Z2');
    expect(exact(z2)).toBe(true);
    // Halve u[0] and double w[0]: same scheme, rational coefficients.
    const doc = strassen();
    doc.u = U.map((r, l) => (l === 0 ? r.map((x) => (x ? '1/2' : 0)) : r)) as never;
    doc.w = wT.map((r, l) => (l === 0 ? r.map((x) => 2 * x) : r));
    doc.multiplications[0] = 'm1 = (1/2a11 + 1/2a22) * (b11 + b22)';
    doc.elements = ['c11 = 2m1 + m4 - m5 + m7', 'c12 = m3 + m5', 'c21 = m2 + m4', 'c22 = 2m1 - m2 + m3 + m6'];
    const q = importPerminov(enc(doc), 'half.json');
    expect(q.fieldTag).toBe('Q');
    expect(exact(q)).toBe(true);
  });

  it('a scheme with one coefficient changed no longer verifies', () => {
    const doc = strassen() as Record<string, unknown>;
    delete doc.multiplications;
    delete doc.elements;
    (doc.w as number[][])[6][0] = 0;
    expect(exact(importPerminov(enc(doc), 'broken.json'))).toBe(false);
  });

  it('rejects a text form that disagrees with u/v/w', () => {
    const doc = strassen();
    doc.elements[1] = 'c12 = m3 - m5';
    throwsInput(() => importPerminov(enc(doc), 'text.json'), 'text.json', '"elements"', /m5/);
    const doc2 = strassen();
    doc2.multiplications[2] = 'm3 = (a12) * (b12 - b22)';
    throwsInput(() => importPerminov(enc(doc2), 'text.json'), 'text.json', 'multiplications[2]', /disagrees/);
    const doc3 = strassen();
    doc3.multiplications[0] = 'm1 = (a11 ++ a22) * (b11 + b22)';
    throwsInput(() => importPerminov(enc(doc3), 'text.json'), 'text.json', 'multiplications[0]', /cannot read/);
    const doc4 = strassen();
    doc4.elements[0] = 'c13 = m1';
    throwsInput(() => importPerminov(enc(doc4), 'text.json'), 'text.json', 'elements[0]', /out of range/);
  });

  it('malformed files throw InputError with a location', () => {
    const f = 'bad.json';
    throwsInput(() => importPerminov(new TextEncoder().encode('{"n": [2,2,2], '), f), f, '', /invalid JSON/);
    throwsInput(() => importPerminov(enc([1, 2]), f), f, '', /JSON object/);
    const { u: _u, ...noU } = strassen();
    throwsInput(() => importPerminov(enc(noU), f), f, '"u"', /missing/);
    throwsInput(() => importPerminov(enc({ ...strassen(), n: [2, 2] }), f), f, '"n"', /three positive integers/);
    throwsInput(() => importPerminov(enc({ ...strassen(), m: -1 }), f), f, '"m"');
    throwsInput(() => importPerminov(enc({ ...strassen(), m: 6 }), f), f, '"u"', /has 7 entries, expected 6/);
    throwsInput(() => importPerminov(enc({ ...strassen(), z2: 'no' }), f), f, '"z2"');
    const short = strassen();
    short.v[3] = [1, 0, 0];
    throwsInput(() => importPerminov(enc(short), f), f, 'v[3]', /3 entries, expected 4/);
    const zeroDen = strassen();
    (zeroDen.u[1] as unknown[])[2] = '1/0';
    throwsInput(() => importPerminov(enc(zeroDen), f), f, 'u[1][2]', /denominator zero/);
    const float = strassen();
    float.w[0][0] = 0.5;
    throwsInput(() => importPerminov(enc(float), f), f, 'w[0][0]', /not exact/);
    throwsInput(() => importPerminov(enc(strassen()), f, { format: [2, 2, 3] }), f, '"n"', /<2,2,3>/);
  });

  it('malformed addition-reduced files throw InputError with a location', () => {
    const f = 'bad_reduced.json';
    const fwd = reduced();
    fwd.u_fresh = [[t(0), t(5)]];
    throwsInput(() => importPerminov(enc(fwd), f), f, 'u_fresh[0][1].index', /0\.\.3 \(inputs, then fresh variables defined earlier\)/);
    const range = reduced();
    range.w[1] = [t(1), t(9)];
    throwsInput(() => importPerminov(enc(range), f), f, 'w[1][1].index', /0\.\.8/);
    const shape = reduced();
    (shape.v as unknown[])[2] = [{ index: 1 }];
    throwsInput(() => importPerminov(enc(shape), f), f, 'v[2][0]', /index.*value/);
    const val = reduced();
    val.v[0] = [t(4, 'x')];
    throwsInput(() => importPerminov(enc(val), f), f, 'v[0][0].value');
    const outs = reduced();
    outs.w.pop();
    throwsInput(() => importPerminov(enc(outs), f), f, '"w"', /3 entries, expected 4/);
    const { w_fresh: _wf, ...noWf } = reduced();
    throwsInput(() => importPerminov(enc(noWf), f), f, '"w_fresh"', /missing/);
  });
});

describe.skipIf(!hasShared)('importPerminov (shared data)', () => {
  const dir = join(SCHEMES, 'perminov');
  const files = schemeFiles('perminov/original', (name) => name.endsWith('.json'));

  it('finds the originals', () => {
    expect(files.length).toBe(22);
    expect(files.filter((f) => f.endsWith('_reduced.json')).length).toBe(14);
  });

  for (const f of files) {
    it(`${basename(f)} imports and verifies exactly`, () => {
      const s = importPerminov(readFileSync(f), f);
      const doc = JSON.parse(readFileSync(f, 'utf8'));
      expect(s.target).toEqual({ kind: 'matmul', format: doc.n });
      expect(s.U.length).toBe(doc.m);
      const rep = verifyScheme(s);
      expect(rep.kind === 'exact' && rep.exact).toBe(true);
      const converted = join(dir, 'json', basename(f));
      if (existsSync(converted)) {
        const ref = parseSchemeJson(readFileSync(converted, 'utf8'), converted);
        expect(s.target).toEqual(ref.target);
        expect(s.fieldTag).toBe(ref.fieldTag);
        expect(factors(s)).toBe(factors(ref));
      }
    });
  }

  it('every converted non-fmm JSON has an original here', () => {
    const converted = schemeFiles('perminov/json', (n) => !n.startsWith('fmm_')).map((p) => basename(p));
    expect(converted.length).toBe(8);
    expect(converted.filter((n) => files.some((f) => basename(f) === n)).length).toBe(8);
  });

  it('a real scheme with one w coefficient changed no longer verifies', () => {
    const f = join(dir, 'original/ZT/4x4x4_m49_ZT.json');
    const doc = JSON.parse(readFileSync(f, 'utf8'));
    delete doc.multiplications;
    delete doc.elements;
    doc.w[10][3] = doc.w[10][3] === 0 ? 1 : 0;
    expect(exact(importPerminov(enc(doc), f))).toBe(false);
  });
});
