import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemeToJson } from '../../src/formats/json.ts';
import { writeSafetensorsFile } from '../../src/formats/safetensors.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { changeField } from '../../src/scheme/index.ts';
import { gaussianMatrix, matmul, relErrorSq, transpose } from '../../src/stl/matrix.ts';
import { encodersFromScheme, stl } from '../../src/stl/operator.ts';
import { runCli } from '../helpers/cli.ts';
import { floatBytes, npyBytes } from '../stl/npy.ts';
import { dropProducts, rotatedNaive } from '../stl/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'stlkit-error-'));
const put = (name: string, data: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const strassen2 = put('strassen2.json', schemeToJson(builtinScheme('strassen2')));
const minus = put('strassen-minus.json', schemeToJson(dropProducts('strassen', [6])));
const rot = rotatedNaive(4, 24, 9);
const rotFile = put('rot24.json', schemeToJson(rot));

describe('stlkit error', () => {
  it('reports exact zero error and bound for an exact scheme', async () => {
    const r = await runCli(['error', strassen2]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/<4,4,4>:49 {2}field Z {2}t 4 {2}r 49/);
    expect(r.out).toMatch(/isotropic error {2}0 {2}\(exact: 0\)/);
    expect(r.out).toMatch(/worst case {7}‖STL\(X,W\) − XW‖_F ≤ 0·‖X‖_F·‖W‖_F/);
  });

  it('gives the exact fraction and the flattening bound for a rational approximation', async () => {
    const r = await runCli(['error', minus]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/isotropic error {2}0\.5 {2}\(exact: 1\/2\)/);
    expect(r.out).toMatch(/≤ 2·‖X‖_F·‖W‖_F {2}\(flattening norms 2, 2, 2; a tile pair reaches 2\)/);
  });

  it('computes the empirical error on .npy data (float32 X, float64 W) and matches the library', async () => {
    const X = gaussianMatrix(9, 10, 1), W = gaussianMatrix(10, 7, 2);
    const x = put('x.npy', npyBytes('<f4', [9, 10], false, floatBytes(Array.from(X.data), 4)));
    const w = put('w.npy', npyBytes('<f8', [10, 7], false, floatBytes(Array.from(W.data), 8)));
    const r = await runCli(['error', rotFile, '--data', x, w, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ t: 4, r: 24, field: 'R', isotropicError: { exact: false } });
    expect(doc.isotropicError.value).toBeCloseTo(0.625, 12);
    expect(doc.worstCase.lower).toBeLessThanOrEqual(doc.worstCase.upper);
    expect(doc.worstCase.statement).toMatch(/for all X, W of any shape/);
    const Xf = { ...X, data: X.data.map(Math.fround) };
    const want = relErrorSq(stl(Xf, W, encodersFromScheme(rot)).data, matmul(Xf, W).data);
    expect(doc.empirical.value).toBeCloseTo(want, 12);
    expect(doc.empirical.X.shape).toEqual([9, 10]);
  });

  it('reads X and an nn.Linear-style weight from .safetensors with --transpose-w', async () => {
    const X = gaussianMatrix(8, 12, 3), W = gaussianMatrix(12, 5, 4);
    const p = join(dir, 'layer.safetensors');
    writeSafetensorsFile(p, [
      { name: 'x', dtype: 'F64', shape: [8, 12], data: X.data },
      { name: 'weight', dtype: 'F64', shape: [5, 12], data: transpose(W).data },
    ]);
    const r = await runCli(['error', strassen2, '--data', `${p}:x`, `${p}:weight`, '--transpose-w']);
    expect(r.code).toBe(0);
    const m = /empirical error {2}(\S+) {2}on X 8×12 .* W 12×5/.exec(r.out);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(1e-24);
  });

  it('prints the cost model per shape', async () => {
    const r = await runCli(['error', rotFile, '--cost', '1024,4096,4096', '--cost', '5,7,9', '--bytes', '2']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/2 bytes per value/);
    const row = r.out.split('\n').find((l) => l.startsWith('1024×4096×4096'))!;
    expect(row).toMatch(/2\.67×/);
    expect(row).toMatch(/1\.50×/);
    const json = JSON.parse((await runCli(['error', rotFile, '--cost', '8,8,8', '--json'])).out);
    expect(json.cost[0].flops.core).toBe((2 * 24 * 512) / 64);
  });

  it('--dtype bf16: κ and the simulated rounding errors (fused below unfused), text and JSON', async () => {
    const r = await runCli(['error', rotFile, '--dtype', 'bf16', '--size', '64']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^κ {16}1 {3}conditioning/m);
    const fused = Number(/^bf16 fused +([\d.]+)%/m.exec(r.out)![1]), unfused = Number(/^bf16 unfused +([\d.]+)%/m.exec(r.out)![1]);
    // An orthogonal (κ = 1) scheme: about 0.29% fused and 0.33% unfused on the H100.
    expect(fused).toBeGreaterThan(0.2);
    expect(fused).toBeLessThan(unfused);
    expect(unfused).toBeLessThan(0.45);
    const doc = JSON.parse((await runCli(['error', strassen2, '--dtype', 'fp16', '--size', '64', '--json'])).out);
    expect(doc.lowPrecision).toMatchObject({ dtype: 'fp16', size: 64, seeds: [1, 2, 3] });
    expect(doc.lowPrecision.kappa).toBeCloseTo(4, 12);
    // Strassen⊗Strassen in bf16 measured 0.96% fused on the H100; fp16 is 8× finer.
    expect(doc.lowPrecision.fused.simulated).toBeGreaterThan(0.0009);
    expect(doc.lowPrecision.fused.simulated).toBeLessThan(0.0015);
    expect(doc.lowPrecision.unfused.model / doc.lowPrecision.unfused.simulated).toBeGreaterThan(0.85);
    expect(doc.lowPrecision.unfused.model / doc.lowPrecision.unfused.simulated).toBeLessThan(1.15);
    const plain = JSON.parse((await runCli(['error', rotFile, '--json'])).out);
    expect(plain.lowPrecision).toBeUndefined();
    const bad = await runCli(['error', rotFile, '--dtype', 'int8']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/expected one of bf16, fp16/);
  });

  it('--dtype fp8-e4m3: FP8 products beside the plain FP8 GEMM, the seed printed and taken', async () => {
    const r = await runCli(['error', rotFile, '--dtype', 'fp8-e4m3', '--size', '64', '--seed', '5']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/seeds 5, 6, 7/);
    const sim = Number(/^fp8-e4m3 +([\d.]+)%/m.exec(r.out)![1]), gemm = Number(/^FP8 GEMM +([\d.]+)%/m.exec(r.out)![1]);
    // κ = 1: the error of the FP8 GEMM (3.8 % for torch._scaled_mm on the H200).
    expect(gemm).toBeGreaterThan(3.3);
    expect(gemm).toBeLessThan(4.2);
    expect(Math.abs(sim / gemm - 1)).toBeLessThan(0.1);
    const doc = JSON.parse((await runCli(['error', strassen2, '--dtype', 'fp8-e5m2', '--scaling', 'row', '--size', '32', '--json'])).out);
    expect(doc.fp8).toMatchObject({ dtype: 'fp8-e5m2', scaling: 'row', size: 32, seeds: [1, 2, 3] });
    expect(doc.fp8.simulated).toBeGreaterThan(doc.fp8.gemm.simulated);
    const bad = await runCli(['error', rotFile, '--dtype', 'fp8-e4m3', '--scaling', 'block']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/expected one of tensor, product, row/);
  });

  it('exits 2 with one clear line on bad input', async () => {
    const nonSquare = put('223.json', schemeToJson(builtinScheme('strassen-join-2x2x3')));
    const z2 = put('z2.json', schemeToJson(changeField(builtinScheme('strassen'), 'Z2')));
    const x = put('x2.npy', npyBytes('<f8', [3, 4], false, floatBytes(new Array(12).fill(1), 8)));
    const cases: [string[], RegExp][] = [
      [['error', join(dir, 'nope.json')], /nope\.json: no such file/],
      [['error', nonSquare], /223\.json: STL needs a scheme for <t,t,t>, got <2,2,3>/],
      [['error', z2], /z2\.json: a scheme over Z2 computes the product only modulo 2/],
      [['error', strassen2, '--data', x], /--data needs two files/],
      [['error', strassen2, '--data', x, x], /--data: X \(.*x2\.npy\) is 3×4 and W \(.*x2\.npy\) is 3×4; the inner sizes differ \(an nn\.Linear weight needs --transpose-w\)/],
      [['error', strassen2, '--data', x, join(dir, 'w.csv')], /w\.csv: expected a \.npy file/],
      [['error', strassen2, '--cost', '1,2'], /expected three positive integers/],
    ];
    for (const [args, pattern] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(pattern);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });
});
