import { describe, expect, it } from 'vitest';
import {
  type BenchRecord, bestPerFamily, bestPerShapeTr, evaluateTargets, family, isFailed, isPartial, medianCell, parseRun,
  renderMarkdown, schemeName, speedup,
} from '../../bench/lib/results.ts';
import { barChartSvg, renderSvg, speedupPanels } from '../../bench/lib/svg.ts';

const S8 = [8192, 8192, 8192];
const rec = (kernel: string, median: number | null, extra: Partial<BenchRecord> = {}): BenchRecord => ({
  device: 'GPU X', kernel, fused: false, t: null, r: null, shape: S8, dtype: 'bf16', median_ms: median,
  cublas_ms: 1.5, speedup_vs_cublas: median ? Math.round((1.5 / median) * 1e4) / 1e4 : null, rel_error: 1e-3,
  rel_error_vs_matmul: 1e-3, command: 'python3 run_all.py', date: '2026-11-25T17:00:00+00:00', ...extra,
});
const s24 = { t: 4, r: 24, scheme: 'c24_t4_r24', placeholder: false };
const RECORDS: BenchRecord[] = [
  rec('cublas', 1.5),
  rec('cuda-unfused', 0.9, s24),
  rec('triton-fused[BM=64,BN=32]', 0.5, { ...s24, fused: true }), // X̂ given: a stage, must not win
  rec('triton-fused[BM=128,BN=64]', 0.7, { ...s24, fused: true }),
  rec('triton-fused', 0.85, { ...s24, fused: true }), // 1.76×: the best complete (4,24) kernel, short of 2×
  rec('cuda-fused-mma', null, { ...s24, fused: true, error: 'RuntimeError: nvcc failed | line 3\nmore' }),
  rec('bmm-ceiling', 0.4, s24),
  rec('cuda-fmm-1level', 13.0, { t: 2, r: 7, scheme: 'strassen_t2_r7', shape: [16384, 16384, 16384], cublas_ms: 13.5, speedup_vs_cublas: 1.04 }),
  rec('triton-fmm-1level-sequential[256x64s4,ptr]', 12.0, {
    t: 2, r: 7, scheme: 'generated/strassen_t2_r7.json', fused: true, shape: [16384, 16384, 16384], cublas_ms: 13.4, speedup_vs_cublas: 1.12,
  }),
];
const run = () => parseRun('2026-11-25-x.json', JSON.stringify(RECORDS));

describe('bench report: classification', () => {
  it('families, stages, failures, speed-ups', () => {
    expect(family('triton-fused[BM=64,BN=32]')).toBe('triton-fused');
    expect(isPartial(RECORDS[2])).toBe(true);
    expect(isPartial(RECORDS[4])).toBe(false); // encode + fused GEMM: the whole operator
    expect(isPartial(RECORDS[6])).toBe(true);
    expect(isFailed(RECORDS[5])).toBe(true);
    expect(isFailed(rec('x', 0))).toBe(true); // a zero time is not a measurement
    expect(speedup(RECORDS[5])).toBeNull();
    expect(speedup(rec('x', 2, { speedup_vs_cublas: null }))).toBeCloseTo(0.75);
    expect(schemeName(RECORDS[8])).toBe('strassen_t2_r7');
  });

  it('parseRun rejects what is not a record list, naming the file', () => {
    expect(() => parseRun('a.json', '{')).toThrow(/a\.json/);
    expect(() => parseRun('b.json', '{"kernel": 1}')).toThrow(/b\.json: expected a JSON array/);
    expect(() => parseRun('c.json', '[{"x": 1}]')).toThrow(/c\.json: record 0/);
    const r = run();
    expect(r.devices).toEqual(['GPU X']);
    expect(r.commands).toEqual(['python3 run_all.py']);
  });
});

describe('bench report: grouping and best', () => {
  it('best per (shape, t, r): complete kernels only, by same-run speed-up', () => {
    const b = bestPerShapeTr(RECORDS);
    expect(b.get('8192x8192x8192|4,24')?.kernel).toBe('triton-fused'); // not the faster stage, not the failure
    expect(b.get('16384x16384x16384|2,7')?.kernel).toBe('triton-fmm-1level-sequential[256x64s4,ptr]');
    expect(b.has('8192x8192x8192|-,-')).toBe(false); // cuBLAS is the baseline, not a candidate
  });

  it('best per family keeps a failed family as failed, counting variants', () => {
    const rows = bestPerFamily(RECORDS.filter((x) => x.shape === S8));
    const fused = rows.find((x) => x.family === 'cuda-fused-mma')!;
    expect(fused.failed).toBe(1);
    expect(isFailed(fused.rec)).toBe(true);
    const tf = rows.filter((x) => x.family === 'triton-fused');
    expect(tf).toHaveLength(1);
    expect(tf[0].variants).toBe(3);
    expect(tf[0].rec.kernel).toBe('triton-fused[BM=64,BN=32]');
  });

  it('targets: best counting record per run and shape, met or not', () => {
    const rows = evaluateTargets([run()]);
    const at8192 = rows.find((x) => x.target.id === 'fused-4-24-8192')!;
    expect(at8192.best?.kernel).toBe('triton-fused'); // stages do not count
    expect(at8192.met).toBe(false);
    const fmm = rows.find((x) => x.target.id === 'strassen-1level-16384')!;
    expect(fmm.best?.kernel).toMatch(/^triton-fmm-1level/);
    expect(fmm.met).toBe(true);
    expect(rows.some((x) => x.target.id === 'fused-4-24-tinyllama')).toBe(false); // shape not measured in this run
  });
});

describe('bench report: rendering', () => {
  it('a failure shows its error, escaped, never 0 ms; the best is marked', () => {
    expect(medianCell(RECORDS[5])).toMatch(/^\*\*failed\*\*: RuntimeError/);
    const md = renderMarkdown([run()], { svg: 'bench.svg' });
    const line = md.split('\n').find((l) => l.startsWith('| cuda-fused-mma'))!;
    expect(line).toContain('**failed**');
    expect(line).toContain('nvcc failed \\| line 3 more');
    expect(line).not.toMatch(/\| 0\.000 \|/);
    expect(md).toContain('| **triton-fused** ★ |');
    expect(md).toContain('(stage)');
    expect(md).toContain('![speed-up vs cuBLAS per kernel family](bench.svg)');
    expect(md).toMatch(/Strassen one level ≥ 1\.1× at 16384³ \| 16384×16384×16384 .* \| 1\.12× \| \*\*yes\*\* \|/);
  });

  it('the plot: one panel per shape, complete kernels only, well-formed and escaped', () => {
    const panels = speedupPanels([run()]);
    expect(panels.map((p) => p.title)).toEqual(['GPU X: 8192×8192×8192', 'GPU X: 16384×16384×16384']);
    const labels = panels[0].bars.map((b) => b.label);
    expect(labels.some((l) => l.startsWith('bmm-ceiling'))).toBe(false);
    expect(labels.some((l) => l.startsWith('cublas'))).toBe(false);
    expect(panels[1].marks.map((m) => m.value)).toEqual([1.1]);
    const svg = renderSvg([run()]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(barChartSvg([{ title: 'a<b & c', bars: [{ label: 'k', value: 5, color: '#000' }], marks: [] }])).toContain('a&lt;b &amp; c');
    expect(barChartSvg([])).toContain('no measurements');
  });
});
