import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { placeholderScheme } from '../../src/library/placeholder.ts';
import { schemeToJson } from '../../src/formats/json.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { changeField } from '../../src/scheme/index.ts';
import { scratch } from '../codegen/helpers.ts';
import { runCli } from '../helpers/cli.ts';
import { ROOT } from '../helpers/shared.ts';

const dir = scratch('cli');
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const codegen = (args: string[]) => runCli(['codegen', ...args]);

const strassen = write('strassen.json', schemeToJson(builtinScheme('strassen')));
const strassen2 = write('strassen2.json', schemeToJson(builtinScheme('strassen2')));
const rank24 = write('r24.json', schemeToJson(placeholderScheme(4, 24)));

describe('stlkit codegen', () => {
  it('writes triton, cuda, gpujs and ts sources for exact and float schemes', async () => {
    for (const [target, ext] of [['triton', 'py'], ['cuda', 'cu'], ['gpujs', 'mjs'], ['ts', 'ts']]) {
      for (const [file, t] of [[strassen2, '4'], [rank24, '4'], [strassen, '2']]) {
        const out = join(dir, `k-${t}-${file.length}.${ext}`);
        const r = await codegen([target, '--scheme', file, '--tile', t, '-o', out]);
        expect(r.code, r.err).toBe(0);
        expect(r.out).toMatch(new RegExp(`wrote .*${target} for <${t},${t},${t}>`));
        expect(readFileSync(out, 'utf8')).toMatch(/Strassen-Tile \(STL\) operator/);
      }
    }
    const py = join(dir, 'k-4-r24.py');
    expect((await codegen(['triton', '--scheme', rank24, '--tile', '4', '-o', py])).code).toBe(0);
    const hasPython = spawnSync('python3', ['--version']).status === 0;
    if (hasPython) expect(spawnSync('python3', ['-m', 'py_compile', py], { encoding: 'utf8' }).status).toBe(0);
  });

  it('--dtype fp16, stdout output and --json', async () => {
    const r = await codegen(['cuda', '--scheme', strassen, '--tile', '2', '--dtype', 'fp16', '-o', '-', '--json']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/typedef __half elem_t;/);
    expect(JSON.parse(r.err.trim())).toMatchObject({ target: 'cuda', t: 2, r: 7, dtype: 'fp16', exact: true });
  });

  it('refuses bad input with exit 2: non-square, not matmul, t mismatch, mod p, missing file, bad options', async () => {
    const nonSquare = write('223.json', schemeToJson(builtinScheme('strassen-join-2x2x3')));
    const karatsuba = write('karatsuba.json', JSON.stringify({
      tensor: { kind: 'polymul', degrees: [1, 1] }, rank: 3, field: 'Z',
      U: [[1, 0], [0, 1], [1, 1]], V: [[1, 0], [0, 1], [1, 1]], W: [[1, -1, 0], [0, -1, 1], [0, 1, 0]],
    }));
    const mod2 = write('s-mod2.json', schemeToJson(changeField(builtinScheme('strassen'), 'Z2')));
    const o = join(dir, 'never.py');
    const cases: [string[], RegExp][] = [
      [['triton', '--scheme', nonSquare, '--tile', '2', '-o', o], /square format <t,t,t>; this one is for <2,2,3>/],
      [['cuda', '--scheme', karatsuba, '--tile', '2', '-o', o], /matrix-multiplication scheme/],
      [['cuda', '--scheme', strassen, '--tile', '4', '-o', o], /--tile 4 does not match/],
      [['ts', '--scheme', strassen2, '--tile', '2', '-o', o], /--tile 2 does not match .* <4,4,4>/],
      [['ts', '--scheme', mod2, '--tile', '2', '-o', o], /modulo 2/],
      [['ts', '--scheme', join(dir, 'missing.json'), '--tile', '2', '-o', o], /no such file/],
      [['opencl', '--scheme', strassen, '--tile', '2', '-o', o], /invalid|allowed/i],
      [['ts', '--scheme', strassen, '--tile', 'x', '-o', o], /positive integer tile size/],
      [['ts', '--scheme', strassen, '--tile', '2', '--dtype', 'fp8', '-o', o], /invalid|allowed/i],
      [['ts', '--scheme', strassen, '--tile', '2', '-o', join(dir, 'no/such/dir/k.ts')], /cannot write/],
    ];
    for (const [args, msg] of cases) {
      const r = await codegen(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(msg);
    }
    expect(() => readFileSync(o)).toThrow();
  });

  it('prints the predicted rounding error; refuses an ill-conditioned scheme in bf16/fp16 unless --allow-ill-conditioned', async () => {
    // search/universal-results/t4/r024.json: isotropic error 0.458 but κ ≈ 8·10⁵ (unconditioned ALS).
    const ill = join(ROOT, 'search/universal-results/t4/r024.json');
    const good = join(ROOT, 'search/universal-results/t4-cond/r024.json');
    const out = join(dir, 'guarded.py');
    const refused = await codegen(['triton', '--scheme', ill, '--tile', '4', '-o', out]);
    expect(refused.code).toBe(2);
    expect(refused.err.trim().split('\n')).toHaveLength(1);
    expect(refused.err).toMatch(/t4\/r024\.json: predicted bf16 rounding error 2\.\de\+3 \(unfused, κ 8\.\d+e\+5\), bound 67\.\d % .*--allow-ill-conditioned/);
    expect(() => readFileSync(out)).toThrow();
    const forced = await codegen(['triton', '--scheme', ill, '--tile', '4', '-o', out, '--allow-ill-conditioned']);
    expect(forced.code).toBe(0);
    expect(forced.out).toMatch(/exceeded, generated because of --allow-ill-conditioned/);
    // Float32 targets round nothing in the format: no check.
    expect((await codegen(['ts', '--scheme', ill, '--tile', '4', '-o', join(dir, 'ill.ts')])).code).toBe(0);
    const ok = await codegen(['cuda', '--scheme', good, '--tile', '4', '--dtype', 'fp16', '-o', join(dir, 'good.cu'), '--json']);
    expect(ok.code).toBe(0);
    const rounding = JSON.parse(ok.out).rounding;
    expect(rounding).toMatchObject({ dtype: 'fp16', storeProducts: true, ok: true });
    expect(rounding.predicted).toBeLessThan(0.02);
    expect(rounding.bound).toBeCloseTo(Math.sqrt(0.498389), 3);
  });

  it('--product-dtype fp8-e4m3: the FP8 triton variant, checked against the FP8 rounding error (5 % floor)', async () => {
    const out = join(dir, 'fp8.py');
    // Strassen⊗Strassen is exact but κ 4: about 15 % in FP8.
    const refused = await codegen(['triton', '--scheme', strassen2, '--tile', '4', '--product-dtype', 'fp8-e4m3', '-o', out]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/strassen2\.json: predicted fp8-e4m3 rounding error 1\d\.\d+ % \(per-product scales, bf16 products, κ 4\.00\), bound 5\.00 % \(5 % floor\).*--max-fp8-error/);
    const good = join(ROOT, 'search/universal-results/t4-fp8/r048-e0.05.json');
    const ok = await codegen(['triton', '--scheme', good, '--tile', '4', '--product-dtype', 'fp8-e4m3', '-o', out, '--json']);
    expect(ok.code, ok.err).toBe(0);
    const doc = JSON.parse(ok.out);
    expect(doc).toMatchObject({ productDtype: 'fp8-e4m3', rounding: { dtype: 'fp8-e4m3', ok: true } });
    expect(doc.rounding.predicted).toBeLessThan(0.05);
    expect(readFileSync(out, 'utf8')).toContain('def stl_fp8_fused');
    const cuda = await codegen(['cuda', '--scheme', good, '--tile', '4', '--product-dtype', 'fp8-e4m3', '-o', join(dir, 'fp8.cu')]);
    expect(cuda.code).toBe(2);
    expect(cuda.err).toMatch(/triton target only/);
  });
});
