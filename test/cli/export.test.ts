import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemeToJson } from '../../src/formats/json.ts';
import { readSafetensorsFile } from '../../src/formats/safetensors.ts';
import { R } from '../../src/field/index.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { makeScheme } from '../../src/scheme/index.ts';
import { isotropicError } from '../../src/stl/error.ts';
import { gaussianMatrix, matmul, relErrorSq } from '../../src/stl/matrix.ts';
import { encodersFromScheme, stl, type StlEncoders } from '../../src/stl/operator.ts';
import { runCli } from '../helpers/cli.ts';
import { rotatedNaive } from '../stl/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'stlkit-export-'));
const put = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const hasPython = spawnSync('python3', ['--version']).status === 0;

/** The exported encoders, read back as the TypeScript operator's input. */
function readBack(out: string): { enc: StlEncoders; r: number; shapes: number[][]; meta: Record<string, string> } {
  const f = readSafetensorsFile(join(out, 'stl_encoders.safetensors'));
  const [EX, EW, D] = ['E_X', 'E_W', 'D'].map((n) => f.tensors.get(n)!);
  expect([EX.dtype, EW.dtype, D.dtype]).toEqual(['F32', 'F32', 'F32']);
  return { enc: { t: Number(f.metadata.t), EX: EX.data, EW: EW.data, D: D.data }, r: EX.shape[0], shapes: [EX.shape, EW.shape, D.shape], meta: f.metadata };
}

/** A float scheme from stored encoders (U = E_X, V = E_W, W = Dᵀ), to recompute its error. */
function schemeOf(enc: StlEncoders, r: number) {
  const t2 = enc.t * enc.t;
  const rows = (A: Float64Array, l: number) => Array.from(A.subarray(l * t2, (l + 1) * t2));
  return makeScheme({
    field: R, fieldTag: 'R', target: { kind: 'matmul', format: [enc.t, enc.t, enc.t] },
    U: Array.from({ length: r }, (_, l) => rows(enc.EX, l)), V: Array.from({ length: r }, (_, l) => rows(enc.EW, l)),
    W: Array.from({ length: r }, (_, l) => Array.from({ length: t2 }, (_, q) => enc.D[q * r + l])),
  });
}

const pyCompile = (file: string) => spawnSync('python3', ['-m', 'py_compile', file], { encoding: 'utf8' });

describe('stlkit export pytorch', () => {
  it('exports a rank-24 float scheme for t = 4: 24×16 / 16×24 float32 tensors that reproduce the scheme', async () => {
    const s = rotatedNaive(4, 24, 5);
    const out = join(dir, 'r24');
    const r = await runCli(['export', 'pytorch', put('r24.json', schemeToJson(s)), '-o', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/wrote .*stl_encoders\.safetensors and .*stl_linear\.py/);
    const back = readBack(out);
    expect(back.shapes).toEqual([[24, 16], [24, 16], [16, 24]]);
    expect(back.meta).toMatchObject({ t: '4', r: '24', field: 'R', scheme: '<4,4,4>:24', format: 'stlkit-stl-encoders-v1' });
    const e = isotropicError(s).value;
    expect(Number(back.meta.isotropic_error)).toBeCloseTo(e, 12);
    // The stored float32 matrices are the scheme's to float32 rounding ...
    const ref = encodersFromScheme(s);
    for (const k of ['EX', 'EW', 'D'] as const) expect(Array.from(back.enc[k])).toEqual(Array.from(ref[k], Math.fround));
    // ... so the operator they define agrees with the scheme's, and their isotropic error with the metadata.
    const X = gaussianMatrix(17, 14, 1), W = gaussianMatrix(14, 11, 2);
    expect(Math.sqrt(relErrorSq(stl(X, W, back.enc).data, stl(X, W, ref).data))).toBeLessThan(1e-6);
    expect(isotropicError(schemeOf(back.enc, back.r)).value).toBeCloseTo(e, 5);
  });

  it('exports Strassen⊗Strassen exactly: 49×16 / 16×49, error 0, and the stored operator gives XW', async () => {
    const out = join(dir, 's2');
    const r = await runCli(['export', 'pytorch', put('s2.json', schemeToJson(builtinScheme('strassen2'))), '-o', out, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ t: 4, r: 49, isotropicError: '0', field: 'Z' });
    const back = readBack(out);
    expect(back.shapes).toEqual([[49, 16], [49, 16], [16, 49]]);
    const X = gaussianMatrix(10, 13, 3), W = gaussianMatrix(13, 6, 4);
    expect(relErrorSq(stl(X, W, back.enc).data, matmul(X, W).data)).toBeLessThan(1e-24);
    const py = readFileSync(join(out, 'stl_linear.py'), 'utf8');
    expect(py).toMatch(/class STLLinear\(nn\.Module\)/);
    expect(py).toMatch(/def from_linear\(cls, linear, path=DEFAULT_PATH/);
    expect(py).toMatch(/EXPORTED = \{"t": 4, "r": 49, "isotropic_error": "0"/);
  });

  it.skipIf(!hasPython)('writes a module that py_compiles (without torch installed)', async () => {
    for (const sub of ['r24', 's2']) {
      const file = join(dir, sub, 'stl_linear.py');
      if (!existsSync(file)) await runCli(['export', 'pytorch', put(`${sub}.json`, schemeToJson(builtinScheme('strassen2'))), '-o', join(dir, sub)]);
      const c = pyCompile(file);
      expect(c.status, c.stderr).toBe(0);
    }
    // A source path with a backslash and quotes must not break the module's string literals.
    const odd = put('we\\ird "name" \'\'\'.json', schemeToJson(builtinScheme('strassen')));
    expect((await runCli(['export', 'pytorch', odd, '-o', join(dir, 'odd')])).code).toBe(0);
    const c = pyCompile(join(dir, 'odd', 'stl_linear.py'));
    expect(c.status, c.stderr).toBe(0);
  });

  it('exits 2 with one clear line on bad input', async () => {
    const file = put('f.json', schemeToJson(builtinScheme('strassen')));
    const cases: [string[], RegExp][] = [
      [['export', 'pytorch', join(dir, 'none.json'), '-o', join(dir, 'x')], /none\.json: no such file/],
      [['export', 'pytorch', put('223.json', schemeToJson(builtinScheme('strassen-join-2x2x3'))), '-o', join(dir, 'x')], /STL needs a scheme for <t,t,t>/],
      [['export', 'pytorch', file, '-o', file], /f\.json: cannot write the export there \(E[A-Z]+\)/],
      [['export', 'pytorch', file], /required option '-o, --out <dir>'/],
      [['export', 'onnx', file, '-o', dir], /unknown command 'onnx'/],
    ];
    for (const [args, pattern] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(pattern);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });
});
