import { describe, expect, it } from 'vitest';
import { isLayerRun, renderLayerSection } from '../../bench/lib/layers.ts';
import { parseRun, renderMarkdown } from '../../bench/lib/results.ts';

const base = { device: 'NVIDIA H200', command: 'python3 layer_bench.py --pkg pt', date: '2026-12-05T10:00:00+00:00', t: 4, r: 24, dtype: 'bf16', scheme: 'search/universal-results/t4-cond/r024.json', baseline: 'nn.Linear' };
const timing = [
  { ...base, kernel: 'stllinear-fwd', shape: [8192, 8192, 8192], median_ms: 0.9, linear_ms: 1.71, speedup_vs_linear: 1.9, rel_error: 0.0188 },
  { ...base, kernel: 'stllinear-fwdbwd', shape: [8192, 8192, 8192], median_ms: 2.5, linear_ms: 5.0, speedup_vs_linear: 2.0, rel_error: 0.0188, rel_error_dx: 0.019 },
  { ...base, kernel: 'stllinear-fwd', shape: [16384, 2048, 5632], median_ms: 0.55, linear_ms: 0.63, speedup_vs_linear: 1.15, rel_error: 0.0188 },
  { ...base, kernel: 'stllinear-fwd-compiled', shape: [16384, 5632, 2048], error: 'RuntimeError: boom' },
  { ...base, kernel: 'llama-train-step', baseline: 'dense stack', shape: [8192, 2048, 5632], median_ms: 80, linear_ms: 90, speedup_vs_linear: 1.125, tokens_per_s: 102400, dense_tokens_per_s: 91022 },
];
const checks = [
  { kernel: 'stllinear-check', device: 'cpu (torch 2.13.0+cpu)', scheme: 'pt', dtype: 'bfloat16', mode: 'encoded', input_shape: [2, 37, 203], out_features: 117, path: 'torch', rel_errors: { y: 0.0153, dx: 0.0153, dweight_hat: 0.0029, dbias: 0.0016 }, ok: true },
  { kernel: 'stllinear-check', device: 'cpu (torch 2.13.0+cpu)', scheme: 'pt_s2', t: 4, r: 49, dtype: 'float32', mode: 'trainable_encoders', input_shape: [2, 37, 203], out_features: 117, path: 'torch', rel_errors: { y: 5e-7, dx: 4e-7, dweight_hat: 1e-7, dbias: 1e-7, dp_x: 3e-7, dp_z: 3e-7 }, rel_error_vs_matmul: 5.5e-7, ok: true },
  { kernel: 'stllinear-compile-check', device: 'cpu (torch 2.13.0+cpu)', scheme: 'pt', mode: 'reduce-overhead', rel_errors: { y: 0, dx: 0 }, ok: false, error: 'RuntimeError: no graph' },
];
const kernelRun = [{ device: 'NVIDIA H200', kernel: 'cublas', shape: [8192, 8192, 8192], median_ms: 1.4, cublas_ms: 1.4, speedup_vs_cublas: 1 }];

describe('STLLinear records in the bench report', () => {
  const tRun = parseRun('2026-12-05-h200-stllinear.json', JSON.stringify(timing));
  const cRun = parseRun('2026-12-04-cpu-stllinear-check.json', JSON.stringify(checks));
  const kRun = parseRun('2026-12-02-h200-kernels.json', JSON.stringify(kernelRun));

  it('tells layer runs from kernel runs', () => {
    expect([isLayerRun(tRun), isLayerRun(cRun), isLayerRun(kRun)]).toEqual([true, true, false]);
  });

  it('evaluates the issue-10 targets per run and renders timings and checks', () => {
    const md = renderLayerSection([tRun, cRun]).join('\n');
    expect(md).toMatch(/\| stllinear-fwd ≥ 1.8× at 8192×8192×8192 \| 2026-12-05-h200-stllinear.json \(NVIDIA H200\) \| 1.90× \| \*\*yes\*\* \|/);
    expect(md).toMatch(/\| stllinear-fwd ≥ 1.25× at 16384×2048×5632 \| .* \| 1.15× \| no \|/);
    expect(md).toMatch(/\| stllinear-fwdbwd ≥ 1.6× at 8192×8192×8192 \| .* \| 2.00× \| \*\*yes\*\* \|/);
    expect(md).not.toMatch(/at 16384×5632×2048 \| 2026-12-05/); // measured only compiled there, and that failed
    expect(md).toMatch(/\| llama-train-step \| 8192×2048×5632 \| r024 \(4,24\) \| 80.000 \| 90.000 dense stack \| 1.13× \(102400 vs 91022 tokens\/s\)/);
    expect(md).toMatch(/\| stllinear-fwd-compiled \| 16384×5632×2048 \| r024 \(4,24\) \| \*\*failed\*\*: RuntimeError: boom/);
    expect(md).toMatch(/\| check \| pt_s2 \(4,49\) \| float32 \| trainable_encoders \| 2×37×203 → 117 \| torch \| 5.0e-7 \| 4.0e-7 \| 1.0e-7 \| 1.0e-7 \| 3.0e-7, 3.0e-7 \| 5.5e-7 \| yes \|/);
    expect(md).toMatch(/\| compile-check \| pt \| {2}\| reduce-overhead \| {2}\| {2}\| 0 \| 0 \| — \| — \| {2}\| — \| \*\*no\*\*: RuntimeError: no graph \|/);
  });

  it('keeps layer runs out of the cuBLAS tables and puts them in their own section', () => {
    const md = renderMarkdown([kRun, tRun, cRun]);
    const [kernels, layers] = md.split('## STLLinear against nn.Linear (issue 10)');
    expect(layers).toBeDefined();
    expect(kernels).not.toMatch(/stllinear/);
    expect(layers).toMatch(/### cpu \(torch 2.13.0\+cpu\)/);
    expect(renderMarkdown([kRun])).not.toMatch(/STLLinear against/);
  });
});
