import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYTHON_MODULES, pytorchPackage } from '../../src/codegen/targets/pytorch.ts';
import { codegenOperator } from '../../src/codegen/operator.ts';
import { readMatrixFile } from '../../src/stl/data.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { gaussianMatrix, matrix, type Matrix } from '../../src/stl/matrix.ts';
import { encodersFromScheme, stl } from '../../src/stl/operator.ts';
import { loadScheme } from '../../src/formats/registry.ts';
import { formatOf, type Scheme } from '../../src/scheme/index.ts';
import { ROOT } from '../helpers/shared.ts';

/**
 * The exported package's plain-torch (CPU) path against stlkit's own operator: the same X, W and
 * bias go through src/stl/operator.ts here and through STLLinear in Python, in float64. CI installs
 * Debian's python3-torch (.ci/run); elsewhere the test finds a Python with torch via
 * STLKIT_TORCH_PYTHON, /usr/bin/python3 or python3, and is skipped, saying so, when there is none.
 */
function torchPython(): { python: string | null; why: string } {
  const candidates = [process.env.STLKIT_TORCH_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
  for (const p of candidates) {
    const r = spawnSync(p, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
    if (r.status === 0) return { python: p, why: `torch ${r.stdout.trim()} (${p})` };
  }
  return { python: null, why: `no Python with torch among ${candidates.join(', ')} (.ci/run installs Debian's python3-torch)` };
}

const { python, why } = torchPython();
const dir = mkdtempSync(join(tmpdir(), 'stlkit-torch-'));
/** The package `stlkit export pytorch` writes, written into dir. */
function exportPackage(s: Scheme<unknown>, dir: string, source: string): void {
  mkdirSync(dir, { recursive: true });
  for (const f of pytorchPackage(codegenOperator(s, formatOf(s)[0]), { dtype: 'bf16', scheme: s, source })) writeFileSync(join(dir, f.path), f.contents);
}

const rows = (A: Matrix) => Array.from({ length: A.rows }, (_, i) => Array.from(A.data.subarray(i * A.cols, (i + 1) * A.cols)));

interface CheckResult {
  torch: string;
  path: string;
  custom_ops: boolean;
  exported: Record<string, unknown>;
  forward_encoded: { shape: number[]; rel_error: number };
  forward_dense_weight: { shape: number[]; rel_error: number };
  gradcheck: Record<string, { ok: boolean; params: string[] }>;
  recompute_same: boolean;
  converted: string[];
  types: string[];
  fit_files: string[];
  fit_weight: number[][];
}

function runCheck(name: string, schemeFile: string | null, builtin: string | null): CheckResult {
  const s = schemeFile ? loadScheme(schemeFile) : builtinScheme(builtin!);
  const pkg = join(dir, name);
  exportPackage(s, pkg, schemeFile ?? builtin!);
  // 2×7 tokens of 13 features into 10: neither divisible by t.
  const X = gaussianMatrix(14, 13, 11), W = gaussianMatrix(13, 10, 12), bias = gaussianMatrix(1, 10, 13);
  const Z = stl(X, W, encodersFromScheme(s));
  const Zb = matrix(Z.rows, Z.cols, Z.data.map((v, k) => v + bias.data[k % Z.cols]));
  const caseFile = join(dir, `${name}.json`);
  writeFileSync(caseFile, JSON.stringify({ X: rows(X), W: rows(W), bias: Array.from(bias.data), Z: rows(Zb), lead: [2, 7] }));
  const out = join(dir, `${name}-fit`);
  const r = spawnSync(python!, [join(ROOT, 'test/stl/pytorch_check.py'), pkg, caseFile, out], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, STL_QUIET: '1' } });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as CheckResult;
}

describe(`exported PyTorch package, CPU path (${why})`, () => {
  it.skipIf(!python)('(4,24) conditioned scheme: forward equals the TypeScript operator; gradcheck in float64; convert_linears; fit samples', () => {
    const res = runCheck('r24', join(ROOT, 'search/universal-results/t4-cond/r024.json'), null);
    expect(res.path).toBe('torch');
    expect(res.exported).toMatchObject({ t: 4, r: 24 });
    for (const mode of ['forward_encoded', 'forward_dense_weight'] as const) {
      expect(res[mode].shape).toEqual([2, 7, 10]);
      expect(res[mode].rel_error).toBeLessThan(1e-12);
    }
    expect(res.gradcheck.encoded).toEqual({ ok: true, params: ['weight_hat', 'bias'] });
    expect(res.gradcheck.dense_weight).toEqual({ ok: true, params: ['weight', 'bias'] });
    expect(res.gradcheck.trainable_encoders).toEqual({ ok: true, params: ['weight_hat', 'bias', 'p_x', 'p_z'] });
    expect(res.recompute_same).toBe(true);
    expect(res.converted).toEqual(['0', '2.0']);
    expect(res.types).toEqual(['STLLinear', 'STLLinear', 'Linear']);
    // The samples for `stlkit fit` read back with stlkit's own reader: acts as given, weights = weight^T.
    const [acts, weights] = res.fit_files.map((f) => readMatrixFile(f));
    expect([acts.rows, acts.cols, weights.rows, weights.cols]).toEqual([5, 8, 8, 12]);
    expect(Array.from(acts.data)).toEqual(Array.from({ length: 40 }, (_, k) => k / 8));
    expect(rows(weights).flat()).toEqual(res.fit_weight.flat().map(Math.fround));
  });

  it.skipIf(!python)('Strassen⊗Strassen (4,49) and Strassen (2,7): forward equals the TypeScript operator (= XW + b)', () => {
    for (const name of ['strassen2', 'strassen']) {
      const res = runCheck(name, null, name);
      expect(res.forward_encoded.rel_error).toBeLessThan(1e-12);
      expect(res.forward_dense_weight.rel_error).toBeLessThan(1e-12);
      expect(Object.values(res.gradcheck).every((g) => g.ok)).toBe(true);
    }
  });

  it('the README\'s user script is bench/gpu/layer_example.py (the one run on the GPU)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /## PyTorch layers[\s\S]*?```python\n([\s\S]*?)```/.exec(readme);
    expect(block?.[1]).toBe(readFileSync(join(ROOT, 'bench/gpu/layer_example.py'), 'utf8'));
    expect(block![1].trim().split('\n').length).toBeLessThanOrEqual(12);
  });

  it('writes modules that py_compile', () => {
    const pkg = join(dir, 'compile');
    exportPackage(builtinScheme('strassen'), pkg, 'strassen');
    const py = python ?? 'python3';
    const files = PYTHON_MODULES.map((f) => join(pkg, f));
    const c = spawnSync(py, ['-m', 'py_compile', ...files], { encoding: 'utf8' });
    expect(c.status, c.stderr).toBe(0);
    expect(readFileSync(join(pkg, 'layer.py'), 'utf8')).toMatch(/class STLLinear\(nn\.Module\)/);
  });
});
