import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importPlinopt, parseSms, readPlinopt } from '../../src/formats/plinopt.ts';
import { parseSlp } from '../../src/formats/slp.ts';
import { InputError } from '../../src/formats/errors.ts';
import type { Importer } from '../../src/formats/importer.ts';
import { parseSchemeJson } from '../../src/formats/json.ts';
import type { Scheme } from '../../src/scheme/index.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { hasShared, SCHEMES, schemeFiles } from '../helpers/shared.ts';
import { enc, exact, throwsInput } from '../helpers/formats.ts';


// The importer must have the shared Importer signature.
const _importer: Importer = importPlinopt;
void _importer;
// Sibling files (_L, _R, _P) come from the disk, as the registry reads them.
const disk = { readFile: (p: string) => readFileSync(p) };
const factors = (s: Scheme<unknown>) => JSON.stringify([s.U, s.V, s.W].map((M) => M.map((r) => r.map((x) => s.field.toJSON(x)))));
const ROW_MAJOR = 'vec(A) row-major, vec(B) row-major, vec(C) row-major';

type M = (number | string)[][];
/** A dense matrix as .sms text (1-based, zeros omitted, "0 0 0" terminator). */
function sms(A: M, comment = ''): string {
  const lines = [`${comment}${A.length} ${A[0].length} R`];
  A.forEach((row, i) => row.forEach((x, j) => { if (x !== 0 && x !== '0') lines.push(`${i + 1} ${j + 1} ${x}`); }));
  return lines.join('\n') + '\n0 0 0\n';
}
const transpose = (A: M) => A[0].map((_, j) => A.map((row) => row[j]));
/** A dense matrix as a naive .slp program, one output per row (zero rows as "oK:=0;"). */
function slp(A: M): string {
  const sum = (row: (number | string)[]) => row.map((x, j) => (x === 0 ? '' : `+(${x})*i${j}`)).join('').replace(/^\+/, '') || '0';
  return A.map((row, k) => `o${k}:=${sum(row)};\n`).join('');
}

/** Strassen in stlkit's convention (rows = products). */
const U = [[1, 0, 0, 1], [0, 0, 1, 1], [1, 0, 0, 0], [0, 0, 0, 1], [1, 1, 0, 0], [-1, 0, 1, 0], [0, 1, 0, -1]];
const V = [[1, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, -1], [-1, 0, 1, 0], [0, 0, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1]];
const W = [[1, 0, 0, 1], [0, 0, 1, -1], [0, 1, 0, 1], [1, 0, 1, 0], [-1, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0]];
const triple = (L: M, R: M, Wrows: M) => [enc(sms(L)), enc(sms(R)), enc(sms(transpose(Wrows)))] as const;

/** The classical <n,m,p> algorithm with vec A written column-major (entry j*n+i is A[i][j]). */
function classicalColA(n: number, m: number, p: number) {
  const L: number[][] = [], R: number[][] = [], P: number[][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let k = 0; k < p; k++) {
    L.push(Array.from({ length: n * m }, (_, g) => +(g === j * n + i)));
    R.push(Array.from({ length: m * p }, (_, g) => +(g === j * p + k)));
    P.push(Array.from({ length: n * p }, (_, g) => +(g === i * p + k)));
  }
  return triple(L, R, P);
}


describe('readPlinopt (synthetic)', () => {
  it('reads Strassen, row-major layout', () => {
    const s = readPlinopt(...triple(U, V, W), '2x2x2_7_test');
    expect(s.target).toEqual({ kind: 'matmul', format: [2, 2, 2] });
    expect(s.fieldTag).toBe('Z');
    expect(s.meta.source_layout).toBe(ROW_MAJOR);
    expect(String(s.meta.source)).toContain('2x2x2_7_test');
    expect(factors(s)).toBe(JSON.stringify([U, V, W]));
  });

  it('reads by the row-major convention, never by trying layouts: a column-major triple is not exact', () => {
    // Strassen with vec(C) column-major (C12 and C21 swapped) reads row-major and fails verification.
    const s = readPlinopt(...triple(U, V, W.map((r) => [r[0], r[2], r[1], r[3]])), '2x2x2_7_colC');
    expect(s.meta.source_layout).toBe(ROW_MAJOR);
    expect(exact(s)).toBe(false);
    const c = readPlinopt(...classicalColA(2, 3, 4), '2x3x4_24_classical');
    expect(c.meta.source_layout).toBe(ROW_MAJOR);
    expect(exact(c)).toBe(false);
  });

  it('takes the format from the name, opts.format or the sizes', () => {
    const [L, R, P] = classicalColA(3, 2, 4);
    expect(readPlinopt(L, R, P, 'nameless').target).toEqual({ kind: 'matmul', format: [3, 2, 4] });
    expect(readPlinopt(L, R, P, 'nameless', { format: [3, 2, 4] }).target).toEqual({ kind: 'matmul', format: [3, 2, 4] });
    throwsInput(() => readPlinopt(L, R, P, '2x3x4_24'), '2x3x4_24_R.sms', 'line 1', /is 24×8, expected 24×12 for R/);
  });

  it('reads rationals exactly; comments and trailing tool output are ignored', () => {
    const L = enc('# a comment\n' + sms(U.map((r, l) => (l === 0 ? r.map((x) => (x ? '1/2' : 0)) : r))) + '####\n# SUCCESS ...\n');
    const P = enc(sms(transpose(W.map((r, l) => (l === 0 ? r.map((x) => 2 * x) : r)))));
    const s = readPlinopt(L, enc(sms(V)), P, '2x2x2_7_half');
    expect(s.fieldTag).toBe('Q');
    expect(exact(s)).toBe(true);
  });

  it('a scheme with one coefficient changed imports and fails verification with its equations', () => {
    const w = structuredClone(W);
    w[4][1] = 0;
    const rep = verifyScheme(readPlinopt(...triple(U, V, w), '2x2x2_7_broken'));
    expect(rep.kind === 'exact' && !rep.exact && rep.failing).toBe(2);
  });

  it('refuses the √3 placeholder', () => {
    const t = triple(U, V, W);
    const root3 = enc(sms(U, '# 1013 is a placeholder for sqrt(3)\n'));
    throwsInput(() => readPlinopt(root3, t[1], t[2], '2x2x2_7_DPS-accurate'), '2x2x2_7_DPS-accurate_L.sms', 'line 1', /placeholder for √3.*Q\(√3\)/);
  });

  it('malformed .sms files throw InputError with a location', () => {
    const [L, R, P] = triple(U, V, W);
    const name = '2x2x2_7_bad';
    const withL = (text: string) => () => readPlinopt(enc(text), R, P, name);
    const Ltext = sms(U);
    throwsInput(withL(Ltext.replace('7 4 R', '7 four R')), `${name}_L.sms`, 'line 1', /header/);
    throwsInput(withL(Ltext.replace('1 1 1\n', '1 9 1\n')), `${name}_L.sms`, 'line 2', /outside the 7×4/);
    throwsInput(withL(Ltext.replace('1 1 1\n', '1 1 1/0\n')), `${name}_L.sms`, 'line 2', /denominator zero/);
    throwsInput(withL(Ltext.replace('1 1 1\n', '1 1 one\n')), `${name}_L.sms`, 'line 2', /"one"/);
    throwsInput(withL(Ltext.replace('1 1 1\n', '1 1\n')), `${name}_L.sms`, 'line 2', /row col value/);
    throwsInput(withL(Ltext.replace('1 4 1\n', '1 4 1\n1 4 2\n')), `${name}_L.sms`, 'line 4', /twice/);
    throwsInput(withL(Ltext.replace('0 0 0\n', '')), `${name}_L.sms`, /^line \d+$/, /terminator/);
    throwsInput(withL(''), `${name}_L.sms`, '', /no header/);
    throwsInput(() => readPlinopt(L, L, P, '2x2x3_7'), '2x2x3_7_R.sms', 'line 1', /is 7×4, expected 7×6 for R/);
    throwsInput(() => readPlinopt(L, R, P, 'nameless', { format: [1, 2, 3] }), 'nameless_L.sms', 'line 1', /expected 7×2/);
  });
});

describe('importPlinopt (files)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stlkit-plinopt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const [L, R, P] = triple(U, V, W);

  it('reads the two siblings of whichever file it is given', () => {
    for (const [part, bytes] of [['L', L], ['R', R], ['P', P]] as const) writeFileSync(join(dir, `2x2x2_7_s_${part}.sms`), bytes);
    for (const part of ['L', 'R', 'P']) {
      const f = join(dir, `2x2x2_7_s_${part}.sms`);
      const s = importPlinopt(readFileSync(f), f, disk);
      expect(factors(s)).toBe(JSON.stringify([U, V, W]));
    }
  });

  it('names a missing sibling; refuses other names', () => {
    const f = join(dir, '2x2x2_7_lonely_L.sms');
    writeFileSync(f, L);
    throwsInput(() => importPlinopt(L, f, disk), '2x2x2_7_lonely_R.sms', '', /missing/);
    throwsInput(() => importPlinopt(L, join(dir, 'strassen.sms'), disk), 'strassen.sms', '', /_L\.sms/);
    throwsInput(() => importPlinopt(L, join(dir, 'strassen.slp'), disk), 'strassen.slp', '', /_L\.sms.*\.slp/);
  });

  it('reads .slp programs the same way, siblings as .slp', () => {
    const progs = { L: slp(U), R: slp(V), P: slp(transpose(W)) };
    for (const [part, text] of Object.entries(progs)) writeFileSync(join(dir, `2x2x2_7_p_${part}.slp`), text);
    for (const part of ['L', 'R', 'P']) {
      const f = join(dir, `2x2x2_7_p_${part}.slp`);
      const s = importPlinopt(readFileSync(f), f, disk);
      expect(factors(s)).toBe(JSON.stringify([U, V, W]));
      expect(s.meta.source).toBe('PLinOpt .slp: 2x2x2_7_p_{L,R,P}.slp');
    }
    // The .sms siblings of the first test are not used: a lone .slp still needs .slp siblings.
    const lone = join(dir, '2x2x2_7_s_L.slp');
    writeFileSync(lone, progs.L);
    throwsInput(() => importPlinopt(readFileSync(lone), lone, disk), '2x2x2_7_s_R.slp', '', /missing.*_L\.slp, _R\.slp and _P\.slp/);
    expect(factors(readPlinopt(enc(progs.L), enc(progs.R), enc(progs.P), '2x2x2_7_q_P.slp'))).toBe(JSON.stringify([U, V, W]));
  });

  it('a program that never reads its last input gets the width the format needs', () => {
    // Strassen plus an 8th product that C does not use: P's program reads only i0…i6 of 8.
    const [U8, V8, W8] = [[...U, [1, 0, 0, 0]], [...V, [1, 0, 0, 0]], [...W, [0, 0, 0, 0]]];
    const s = readPlinopt(enc(slp(U8)), enc(slp(V8)), enc(slp(transpose(W8))), '2x2x2_8_spare.slp');
    expect(factors(s)).toBe(JSON.stringify([U8, V8, W8]));
    expect(exact(s)).toBe(true);
    // Too many inputs is still an error, with the program's shape spelled out.
    throwsInput(() => readPlinopt(enc(slp(U)), enc(slp(V)), enc(slp(transpose(W)) + 'o4:=i7;\n'), '2x2x2_7_wide.slp'), '2x2x2_7_wide_P.slp', '', /is 5×8 \(outputs o0…o4, inputs up to i7\), expected 4×7/);
  });

  it('errors inside a program name the file and the line', () => {
    const bad = slp(U).replace('o3:=', 'o3:=i0*');
    throwsInput(() => readPlinopt(enc(bad), enc(slp(V)), enc(slp(transpose(W))), '2x2x2_7_nl.slp'), '2x2x2_7_nl_L.slp', 'line 4', /multiplies two variables/);
  });
});

describe.skipIf(!hasShared)('importPlinopt (shared data)', () => {
  const data = join(SCHEMES, 'dps/plinopt-data');
  const sms = schemeFiles('dps/plinopt-data', (n) => n.endsWith('.sms'));
  const isPlain = (n: string) => /_[LRP]\.sms$/.test(n) && !/-(ALT|CoB)_/.test(n) && !n.startsWith('2x2x2_7_DPS-accurate');
  const bases = [...new Set(sms.map((p) => basename(p)).filter(isPlain).map((n) => n.replace(/_[LRP]\.sms$/, '')))];

  it('finds the four plain schemes, each with a converted JSON', () => {
    expect(bases.sort()).toEqual(['3x3x6_40_DPS-accurate', '3x4x7_63_rational', '4x4x4_48-accurate', '4x4x4_48_rational']);
    expect(schemeFiles('dps/json').map((p) => basename(p, '.json')).sort()).toEqual(bases);
  });

  for (const base of bases) {
    it(`${base} imports row-major, verifies exactly and matches dps/json`, () => {
      const f = join(data, `${base}_L.sms`);
      const s = importPlinopt(readFileSync(f), f, disk);
      const rep = verifyScheme(s);
      expect(rep.kind === 'exact' && rep.exact).toBe(true);
      expect(s.meta.source_layout).toBe(ROW_MAJOR);
      const converted = join(SCHEMES, 'dps/json', `${base}.json`);
      const ref = parseSchemeJson(readFileSync(converted, 'utf8'), converted);
      expect(s.target).toEqual(ref.target);
      expect(s.fieldTag).toBe(ref.fieldTag);
      expect(factors(s)).toBe(factors(ref));
      expect(ref.meta.source_layout).toBe(ROW_MAJOR);
    });
  }

  it('multiplies out the factored variants (-ALT·-CoB, _X_A·_X_C); each verifies exactly', () => {
    const factored = sms.filter((p) => !isPlain(basename(p)) && !basename(p).startsWith('2x2x2_7_DPS-accurate'));
    expect(factored.length).toBe(12 + 6);
    for (const f of factored) {
      const s = importPlinopt(readFileSync(f), f, disk);
      const rep = verifyScheme(s);
      expect(rep.kind === 'exact' && rep.exact, basename(f)).toBe(true);
    }
    // The alternative-basis form multiplied out is the plain scheme, entry for entry.
    const alt = join(data, '4x4x4_48_rational-ALT_P.sms'), plain = join(data, '4x4x4_48_rational_L.sms');
    expect(factors(importPlinopt(readFileSync(alt), alt, disk))).toBe(factors(importPlinopt(readFileSync(plain), plain, disk)));
  });

  it('a factor file whose sibling is missing is named in the error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stlkit-plinopt-alt-'));
    const f = join(dir, '4x4x4_48_rational-ALT_L.sms');
    writeFileSync(f, readFileSync(join(data, '4x4x4_48_rational-ALT_L.sms')));
    throwsInput(() => importPlinopt(readFileSync(f), f, disk), '4x4x4_48_rational-CoB_L.sms', '', /missing/);
    rmSync(dir, { recursive: true, force: true });
  });

  // Every .slp is the program of the .sms beside it: same matrix, entry for entry (checked per
  // file, factors included), hence the same scheme, layout and field.
  const slps = schemeFiles('dps/plinopt-data', (n) => n.endsWith('.slp'));
  const smsOf = (f: string) => f.replace(/\.slp$/, '.sms');
  const matrix = (m: { rows: number; cols: number; entries: { row: number; col: number; v: { toFraction(): string } }[] }) =>
    JSON.stringify([m.rows, m.cols, m.entries.map((e) => [e.row, e.col, e.v.toFraction()])]);

  it('has a .slp for every .sms of the 3x4x7 and 4x4x4 schemes (27 programs)', () => {
    expect(slps.length).toBe(27);
    expect(slps.map((f) => basename(f, '.slp')).sort()).toEqual(
      sms.map((f) => basename(f, '.sms')).filter((n) => /^(3x4x7|4x4x4)/.test(n)).sort());
  });

  for (const f of slps) {
    it(`${basename(f)} computes the matrix of its .sms; the scheme imports, verifies and equals the .sms one`, () => {
      expect(matrix(parseSlp(readFileSync(f), f))).toBe(matrix(parseSms(readFileSync(smsOf(f)), smsOf(f))));
      const s = importPlinopt(readFileSync(f), f, disk), ref = importPlinopt(readFileSync(smsOf(f)), smsOf(f), disk);
      const rep = verifyScheme(s);
      expect(rep.kind === 'exact' && rep.exact).toBe(true);
      expect(s.target).toEqual(ref.target);
      expect(s.fieldTag).toBe(ref.fieldTag);
      expect(s.meta.source_layout).toBe(ref.meta.source_layout);
      expect(factors(s)).toBe(factors(ref));
    });
  }

  it('refuses the √3 placeholder files with an InputError saying why', () => {
    const others = sms.filter((p) => basename(p).startsWith('2x2x2_7_DPS-accurate'));
    expect(others.length).toBe(3);
    for (const f of others) throwsInput(() => importPlinopt(readFileSync(f), f, disk), '2x2x2_7_DPS-accurate_L.sms', /.*/, /placeholder for √3/);
  });
});
