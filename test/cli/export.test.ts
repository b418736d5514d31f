import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemeToJson } from '../../src/formats/json.ts';
import { readSafetensorsFile } from '../../src/formats/safetensors.ts';
import { R } from '../../src/field/index.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { makeScheme } from '../../src/scheme/index.ts';
import { isotropicError } from '../../src/stl/error.ts';
import { gaussianMatrix, matmul, relErrorSq } from '../../src/stl/matrix.ts';
import { encodersFromScheme, stl, type StlEncoders } from '../../src/stl/operator.ts';
import { PYTHON_MODULES, pythonModule } from '../../src/codegen/targets/pytorch.ts';
import { runCli } from '../helpers/cli.ts';
import { ROOT } from '../helpers/shared.ts';
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
  expect([EX.dtype, EW.dtype, D.dtype]).toEqual(['F64', 'F64', 'F64']);
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

describe('stlkit export pytorch', () => {
  it('exports a rank-24 float scheme for t = 4: 24×16 / 16×24 float64 tensors that reproduce the scheme', async () => {
    const s = rotatedNaive(4, 24, 5);
    const out = join(dir, 'r24');
    const r = await runCli(['export', 'pytorch', put('r24.json', schemeToJson(s)), '-o', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/wrote .*r24: stl_encoders\.safetensors, __init__\.py, .*layer\.py/);
    expect(r.out).toMatch(/from r24 import STLLinear, convert_linears/);
    const back = readBack(out);
    expect(back.shapes).toEqual([[24, 16], [24, 16], [16, 24]]);
    expect(back.meta).toMatchObject({ t: '4', r: '24', field: 'R', scheme: '<4,4,4>:24', format: 'stlkit-stl-encoders-v1' });
    const e = isotropicError(s).value;
    expect(Number(back.meta.isotropic_error)).toBeCloseTo(e, 12);
    // The stored float64 matrices are the scheme's ...
    const ref = encodersFromScheme(s);
    for (const k of ['EX', 'EW', 'D'] as const) expect(Array.from(back.enc[k])).toEqual(Array.from(ref[k]));
    // ... so the operator they define agrees with the scheme's, and their isotropic error with the metadata.
    const X = gaussianMatrix(17, 14, 1), W = gaussianMatrix(14, 11, 2);
    expect(Math.sqrt(relErrorSq(stl(X, W, back.enc).data, stl(X, W, ref).data))).toBeLessThan(1e-14);
    expect(isotropicError(schemeOf(back.enc, back.r)).value).toBeCloseTo(e, 12);
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
    expect(JSON.parse(r.out).files.map((f: string) => basename(f))).toEqual(['stl_encoders.safetensors', ...PYTHON_MODULES]);
    // The modules are copied unchanged: the scheme enters through the encoders file only.
    for (const m of PYTHON_MODULES) expect(readFileSync(join(out, m), 'utf8')).toBe(pythonModule(m));
  });

  it.skipIf(!hasPython)('writes modules that py_compile (without torch installed); odd source names stay metadata', async () => {
    // A source path with a backslash and quotes goes into the safetensors metadata, never into code.
    const odd = put('we\\ird "name" \'\'\'.json', schemeToJson(builtinScheme('strassen')));
    const r = await runCli(['export', 'pytorch', odd, '-o', join(dir, 'odd-name')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/"odd-name" is not a Python identifier/);
    expect(readSafetensorsFile(join(dir, 'odd-name', 'stl_encoders.safetensors')).metadata.source.startsWith(odd)).toBe(true);
    const c = spawnSync('python3', ['-m', 'py_compile', ...PYTHON_MODULES.map((m) => join(dir, 'odd-name', m))], { encoding: 'utf8' });
    expect(c.status, c.stderr).toBe(0);
  });

  it('is the codegen target pytorch: `stlkit codegen pytorch` writes the same package', async () => {
    const file = put('s2c.json', schemeToJson(builtinScheme('strassen2')));
    const [a, b] = [join(dir, 'via-export'), join(dir, 'via-codegen')];
    expect((await runCli(['export', 'pytorch', file, '-o', a])).code).toBe(0);
    const r = await runCli(['codegen', 'pytorch', '--scheme', file, '--tile', '4', '-o', b]);
    expect(r.code, r.err).toBe(0);
    for (const m of ['stl_encoders.safetensors', ...PYTHON_MODULES]) {
      const [x, y] = [readFileSync(join(a, m)), readFileSync(join(b, m))];
      if (m === 'stl_encoders.safetensors') {
        // Same tensors; the recorded source differs only by the scheme's own provenance line.
        const [fx, fy] = [readSafetensorsFile(join(a, m)), readSafetensorsFile(join(b, m))];
        for (const n of ['E_X', 'E_W', 'D']) expect(Array.from(fx.tensors.get(n)!.data)).toEqual(Array.from(fy.tensors.get(n)!.data));
      } else expect(x.equals(y)).toBe(true);
    }
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

  it('prints the predicted rounding error; refuses an ill-conditioned scheme unless --allow-ill-conditioned', async () => {
    const ill = join(ROOT, 'search/universal-results/t4/r024.json'); // κ ≈ 8·10⁵
    const out = join(dir, 'ill');
    const refused = await runCli(['export', 'pytorch', ill, '-o', out]);
    expect(refused.code).toBe(2);
    expect(refused.err.trim().split('\n')).toHaveLength(1);
    expect(refused.err).toMatch(/r024\.json: predicted bf16 rounding error 2\.\de\+3 .*bound 67\.\d % .*--allow-ill-conditioned/);
    expect(() => readFileSync(join(out, 'stl_encoders.safetensors'))).toThrow();
    const forced = await runCli(['export', 'pytorch', ill, '-o', out, '--allow-ill-conditioned', '--dtype', 'fp16']);
    expect(forced.code, forced.err).toBe(0);
    expect(forced.out).toMatch(/predicted fp16 rounding error .* exceeded, exported because of --allow-ill-conditioned/);
    const good = await runCli(['export', 'pytorch', join(ROOT, 'search/universal-results/t4-cond/r024.json'), '-o', join(dir, 'good')]);
    expect(good.code, good.err).toBe(0);
    expect(good.out).toMatch(/predicted bf16 rounding error 1\.\d\d % \(unfused, κ 6\.50\), bound 70\.6 %/);
  });
});
