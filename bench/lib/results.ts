/**
 * GPU benchmark records (bench/results/*.json, written by bench/gpu/run_all.py and fmm_triton.py
 * through stlbench.Recorder): parsing, classification, grouping, best-of, the issue-6 targets, and
 * the markdown report. Pure functions; bench/report.ts does the file I/O.
 *
 * One file is one run (one command on one machine). Within a run every kernel's speed-up is taken
 * against cuBLAS timed in alternation with it (`speedup_vs_cublas`), because the card's clocks drift
 * under sustained load; ratios from different runs are never mixed into one number.
 */
import { isLayerRun, renderLayerSection } from './layers.ts';

export interface BenchRecord {
  device: string;
  kernel: string;
  fused?: boolean | null;
  t?: number | null;
  r?: number | null;
  shape?: number[] | null;
  dtype?: string | null;
  median_ms?: number | null;
  cublas_ms?: number | null;
  speedup_vs_cublas?: number | null;
  speedup_vs_cublas_first?: number | null;
  rel_error?: number | null;
  rel_error_vs_matmul?: number | null;
  command?: string | null;
  date?: string | null;
  scheme?: string | null;
  placeholder?: boolean | null;
  note?: string | null;
  error?: string | null;
  [extra: string]: unknown;
}

export interface Run {
  /** File name (no directory): the run's identity. */
  file: string;
  devices: string[];
  commands: string[];
  first: string;
  last: string;
  records: BenchRecord[];
}

/** Parse one results file; throws with the file name on anything that is not a record list. */
export function parseRun(file: string, text: string): Run {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(data)) throw new Error(`${file}: expected a JSON array of records`);
  const records = data.map((x, i) => {
    if (typeof x !== 'object' || x === null || typeof (x as BenchRecord).kernel !== 'string') {
      throw new Error(`${file}: record ${i} has no "kernel"`);
    }
    const rec = x as BenchRecord;
    return { ...rec, device: typeof rec.device === 'string' ? rec.device : 'unknown device' };
  });
  const uniq = (xs: (string | null | undefined)[]) => [...new Set(xs.filter((s): s is string => !!s))];
  const dates = uniq(records.map((x) => x.date)).sort();
  return {
    file,
    devices: uniq(records.map((x) => x.device)),
    commands: uniq(records.map((x) => x.command)),
    first: dates[0] ?? '',
    last: dates[dates.length - 1] ?? '',
    records,
  };
}

// ------------------------------------------------------------------------------- classification --
/** Kernel family: the name without its bracketed variant, e.g. "triton-fused[BM=64,…]" → "triton-fused". */
export const family = (kernel: string): string => kernel.split('[')[0];

export const shapeKey = (shape: readonly number[] | null | undefined): string => (shape && shape.length ? shape.join('x') : '-');
export const shapeLabel = (shape: readonly number[] | null | undefined): string => (shape && shape.length ? shape.join('×') : '—');

/** Scheme name without directory or extension (fmm_triton.py once recorded a path). */
export function schemeName(rec: BenchRecord): string | null {
  if (!rec.scheme) return null;
  return rec.scheme.replace(/^.*\//, '').replace(/\.json$/, '');
}

/** No usable time: an error, a skipped block, or a missing/invalid median. Never shown as 0 ms. */
export function isFailed(rec: BenchRecord): boolean {
  return !!rec.error || typeof rec.median_ms !== 'number' || !Number.isFinite(rec.median_ms) || rec.median_ms <= 0;
}

/** cuBLAS itself (the baseline, and its repeat at the end of a shape). */
export const isBaseline = (rec: BenchRecord): boolean => ['cublas', 'cublas-repeat'].includes(family(rec.kernel));

const PARTIAL_FAMILIES = new Set([
  'bmm-ceiling', // the bare batched GEMM of the r products: a ceiling, not an operator
  'triton-encode-x', 'triton-encode-x-split', // stage 1 alone
  'triton-decode', 'triton-decode-joined', // bmm + decode on X̂ given
  'cuda-fused-mma-gemm-only', // X̂ given
]);

/**
 * A stage or a ceiling rather than the whole operator from X (and the offline Ŵ): excluded from
 * "best kernel" and from the plot. "triton-fused[…]" variants take X̂ as given; "triton-fused"
 * (no bracket) includes the X encode.
 */
export function isPartial(rec: BenchRecord): boolean {
  const f = family(rec.kernel);
  return PARTIAL_FAMILIES.has(f) || (f === 'triton-fused' && rec.kernel.includes('['));
}

/** Speed-up over cuBLAS of the same run (timed alternately); null when failed. */
export function speedup(rec: BenchRecord): number | null {
  if (isFailed(rec)) return null;
  if (typeof rec.speedup_vs_cublas === 'number' && Number.isFinite(rec.speedup_vs_cublas)) return rec.speedup_vs_cublas;
  if (typeof rec.cublas_ms === 'number' && rec.cublas_ms > 0) return rec.cublas_ms / (rec.median_ms as number);
  return null;
}

/** "(t,r)" or "—" for baselines. */
export const trLabel = (rec: BenchRecord): string => (rec.t != null && rec.r != null ? `(${rec.t},${rec.r})` : '—');

// ------------------------------------------------------------------------------- grouping --------
/** Groups in first-appearance order. */
export function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const g = out.get(k);
    if (g) g.push(x);
    else out.set(k, [x]);
  }
  return out;
}

/** Better of two records: a working one over a failed one, then the larger speed-up, then the smaller median. */
export function better(a: BenchRecord, b: BenchRecord): BenchRecord {
  const fa = isFailed(a), fb = isFailed(b);
  if (fa !== fb) return fa ? b : a;
  if (fa) return a;
  const sa = speedup(a), sb = speedup(b);
  if (sa != null && sb != null && sa !== sb) return sa > sb ? a : b;
  if ((sa == null) !== (sb == null)) return sa == null ? b : a;
  return (a.median_ms as number) <= (b.median_ms as number) ? a : b;
}

export const best = (xs: readonly BenchRecord[]): BenchRecord | null => (xs.length ? xs.reduce(better) : null);

/** Key of the comparison "best kernel per (shape, t, r)". */
export const shapeTrKey = (rec: BenchRecord): string => `${shapeKey(rec.shape)}|${rec.t ?? '-'},${rec.r ?? '-'}`;

/**
 * The fastest complete kernel per (shape, t, r) among working records with a scheme (t, r set):
 * what the report highlights. Stages, ceilings, baselines and failures never win.
 */
export function bestPerShapeTr(records: readonly BenchRecord[]): Map<string, BenchRecord> {
  const out = new Map<string, BenchRecord>();
  for (const rec of records) {
    if (rec.t == null || rec.r == null || isFailed(rec) || isPartial(rec) || isBaseline(rec)) continue;
    const k = shapeTrKey(rec);
    const cur = out.get(k);
    out.set(k, cur ? better(cur, rec) : rec);
  }
  return out;
}

export interface FamilyRow {
  family: string;
  /** Best variant (a failed record only when every variant failed). */
  rec: BenchRecord;
  variants: number;
  failed: number;
}

/** Best variant per (kernel family, t, r, scheme) within one shape's records, in first-appearance order. */
export function bestPerFamily(records: readonly BenchRecord[]): FamilyRow[] {
  const groups = groupBy(records, (x) => `${family(x.kernel)}|${x.t ?? '-'}|${x.r ?? '-'}|${schemeName(x) ?? '-'}`);
  return [...groups.values()].map((g) => ({
    family: family(g[0].kernel),
    rec: best(g) as BenchRecord,
    variants: g.length,
    failed: g.filter(isFailed).length,
  }));
}

// ------------------------------------------------------------------------------- targets ---------
export interface Target {
  id: string;
  label: string;
  /** Shapes [M, N, P] the target is about. */
  shapes: number[][];
  min: number;
  /** Which records count towards it. */
  counts: (rec: BenchRecord) => boolean;
}

const isFmm = (rec: BenchRecord) => /^(cuda|triton)-fmm-1level/.test(family(rec.kernel));

/** Issue 6's targets. */
export const TARGETS: Target[] = [
  {
    id: 'fused-4-24-8192',
    label: 'fused STL (4,24) ≥ 2.0× at 8192³',
    shapes: [[8192, 8192, 8192]],
    min: 2.0,
    counts: (x) => x.t === 4 && x.r === 24 && !!x.fused && !isPartial(x),
  },
  {
    id: 'fused-4-24-tinyllama',
    label: 'fused STL (4,24) ≥ 1.7× at the TinyLlama MLP shapes',
    shapes: [[16384, 2048, 5632], [16384, 5632, 2048]],
    min: 1.7,
    counts: (x) => x.t === 4 && x.r === 24 && !!x.fused && !isPartial(x),
  },
  {
    id: 'strassen-1level-16384',
    label: 'Strassen one level ≥ 1.1× at 16384³',
    shapes: [[16384, 16384, 16384]],
    min: 1.1,
    counts: (x) => x.t === 2 && x.r === 7 && isFmm(x),
  },
];

export interface TargetRow {
  target: Target;
  shape: number[];
  run: Run;
  /** Best counting record of the run at that shape (null: nothing measured). */
  best: BenchRecord | null;
  met: boolean;
}

/** One row per (target, shape, run that measured that shape). */
export function evaluateTargets(runs: readonly Run[], targets: readonly Target[] = TARGETS): TargetRow[] {
  const rows: TargetRow[] = [];
  for (const target of targets) {
    for (const shape of target.shapes) {
      const key = shapeKey(shape);
      for (const run of runs) {
        const here = run.records.filter((x) => shapeKey(x.shape) === key);
        if (!here.length) continue;
        const b = best(here.filter(target.counts));
        const s = b ? speedup(b) : null;
        rows.push({ target, shape, run, best: b, met: s != null && s >= target.min });
      }
    }
  }
  return rows;
}

// ------------------------------------------------------------------------------- formatting ------
export const fmtMs = (x: number | null | undefined): string => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(3) : '—');
export const fmtX = (x: number | null | undefined): string => (typeof x === 'number' && Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');
export function fmtErr(x: number | null | undefined): string {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  return x.toExponential(1);
}

/** Text safe inside a markdown table cell. */
export const cell = (s: string): string => s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Scheme column: name, (t,r), placeholder tag. */
export function schemeCell(rec: BenchRecord, origins: ReadonlyMap<string, string> = new Map()): string {
  const name = schemeName(rec);
  if (!name) return '—';
  const origin = origins.get(name);
  return `${name} ${trLabel(rec)}${rec.placeholder ? ' placeholder' : ''}${origin ? ` (${origin})` : ''}`;
}

/** Median column: a time, or why there is none. */
export function medianCell(rec: BenchRecord): string {
  if (!isFailed(rec)) return fmtMs(rec.median_ms);
  const why = rec.error ? rec.error.slice(0, 90) + (rec.error.length > 90 ? '…' : '') : 'no time recorded';
  return `**${rec.kernel === 'skipped' || /budget/.test(rec.error ?? '') ? 'skipped' : 'failed'}**: ${why}`;
}

// ------------------------------------------------------------------------------- markdown --------
export interface ReportOptions {
  /** Scheme name → origin (from bench/gpu/generated/manifest.json at report time). */
  origins?: ReadonlyMap<string, string>;
  /** Relative path of the SVG from the markdown file. */
  svg?: string;
}

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

function recordRow(rec: BenchRecord, bestKey: Map<string, BenchRecord>, origins: ReadonlyMap<string, string>, kernelText: string): string {
  const isBest = bestKey.get(shapeTrKey(rec)) === rec;
  const stage = isPartial(rec) ? ' (stage)' : '';
  const k = `${cell(kernelText)}${stage}`;
  const s = speedup(rec);
  return row([
    isBest ? `**${k}** ★` : k,
    cell(schemeCell(rec, origins)),
    rec.fused ? 'yes' : '',
    cell(medianCell(rec)),
    isBest ? `**${fmtX(s)}**` : fmtX(s),
    fmtX(isFailed(rec) ? null : rec.speedup_vs_cublas_first),
    fmtErr(rec.rel_error),
    fmtErr(rec.rel_error_vs_matmul),
  ]);
}

const HEADER = [
  row(['kernel', 'scheme', 'fused', 'median ms', '× cuBLAS', '× first cuBLAS', 'rel error', 'rel error vs XW']),
  row(['---', '---', '---', '---:', '---:', '---:', '---:', '---:']),
];

function targetsSection(runs: readonly Run[]): string[] {
  const out: string[] = ['## Targets (issue 6)', ''];
  out.push('Best counting kernel of each run at each target shape; speed-up against cuBLAS timed alternately in the same run.', '');
  out.push(row(['target', 'shape', 'run (device)', 'best kernel', 'scheme', '× cuBLAS', 'met']));
  out.push(row(['---', '---', '---', '---', '---', '---:', '---']));
  for (const t of evaluateTargets(runs)) {
    const b = t.best;
    out.push(row([
      cell(t.target.label),
      shapeLabel(t.shape),
      cell(`${t.run.file} (${t.run.devices.join(', ')})`),
      b ? cell(b.kernel) : 'not measured',
      b ? cell(schemeCell(b)) : '—',
      b ? (isFailed(b) ? cell(medianCell(b)) : fmtX(speedup(b))) : '—',
      t.met ? '**yes**' : 'no',
    ]));
  }
  out.push('');
  return out;
}

/** docs/bench.md. STLLinear runs (bench/lib/layers.ts) get their own section after the kernel tables. */
export function renderMarkdown(allRuns: readonly Run[], opts: ReportOptions = {}): string {
  const runs = allRuns.filter((r) => !isLayerRun(r));
  const origins = opts.origins ?? new Map<string, string>();
  const out: string[] = [
    '# GPU benchmarks: STL and fast-matmul kernels against cuBLAS',
    '',
    'Generated by `node --import tsx bench/report.ts` from `bench/results/*.json` (one file per run of',
    '`bench/gpu/run_all.py` or `bench/gpu/fmm_triton.py` on the device machine, or of `bench/gpu/layer_*.py`;',
    'those are in the STLLinear section at the end); do not edit by hand.',
    '',
    '- **× cuBLAS**: cuBLAS time / kernel time, cuBLAS (torch.matmul bf16, same shape and inputs) timed in',
    '  alternation with the kernel in the same run, because clocks drift by up to ~30 % under sustained',
    '  load. **× first cuBLAS** divides by the shape\'s first cuBLAS timing instead (conservative).',
    '- **rel error**: ‖out − ref‖/‖ref‖ against the float64 evaluation of the same operator on the same bf16',
    '  inputs (for `bmm-ceiling` the float64 bmm, for 2:4 sparsity the pruned product); **rel error vs XW**',
    '  against the float64 product XW (what an approximate scheme gives up).',
    '- **★ / bold**: the fastest complete kernel for that (shape, t, r) in that run. Stages and ceilings',
    '  (encode or decode alone, the bare batched GEMM, kernels given X̂) are marked "(stage)" and never win.',
    '- A failed or skipped measurement shows its error instead of a time.',
    '- Scheme: the manifest name of bench/gpu/generated/ at run time, (t, r), and "placeholder" for the',
    '  timing-only schemes of src/library/placeholder.ts (their error vs XW is meaningless by design).',
    '',
  ];
  if (opts.svg) {
    out.push(`![speed-up vs cuBLAS per kernel family](${opts.svg})`, '');
    out.push('The plot: per device and shape, the best complete variant of each kernel family over all runs of that', 'device (any scheme, named in the label; the one-level fast-matmul drivers once per (t, r)); the solid', 'line is cuBLAS, the dashed one the target at that shape.', '');
  }
  out.push(...targetsSection(runs));
  const byDevice = groupBy([...runs].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.file.localeCompare(b.file))), (r) => r.devices.join(', '));
  for (const [device, devRuns] of [...byDevice.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    out.push(`## ${cell(device)}`, '');
    for (const run of devRuns) {
      const failed = run.records.filter(isFailed).length;
      out.push(`### ${cell(run.file)}`, '');
      out.push(`${run.records.length} measurements, ${failed} failed or skipped; ${run.first}${run.last && run.last !== run.first ? ` – ${run.last}` : ''}.`);
      for (const c of run.commands) out.push(`Command: \`${c}\``);
      out.push('');
      const bestKey = bestPerShapeTr(run.records);
      for (const [, recs] of groupBy(run.records, (x) => shapeKey(x.shape))) {
        out.push(`#### ${shapeLabel(recs[0].shape)}`, '');
        out.push('Best variant per kernel family and scheme (variants tried / failed):', '');
        out.push(...HEADER);
        const fam = bestPerFamily(recs);
        // Baselines first, then by (t, r), scheme, speed-up.
        const order = (f: FamilyRow) => (isBaseline(f.rec) ? 0 : f.rec.t == null ? 1 : 2);
        fam.sort((a, b) => order(a) - order(b) || (a.rec.t ?? 0) - (b.rec.t ?? 0) || (a.rec.r ?? 0) - (b.rec.r ?? 0)
          || (schemeName(a.rec) ?? '').localeCompare(schemeName(b.rec) ?? '') || Number(isPartial(a.rec)) - Number(isPartial(b.rec))
          || (speedup(b.rec) ?? -1) - (speedup(a.rec) ?? -1));
        for (const f of fam) {
          const count = f.variants > 1 || f.failed ? ` (${f.variants}${f.failed ? `, ${f.failed} failed` : ''})` : '';
          out.push(recordRow(f.rec, bestKey, origins, `${f.rec.kernel}${count}`));
        }
        out.push('');
        if (fam.some((f) => f.variants > 1)) {
          out.push('<details><summary>every variant</summary>', '');
          out.push(...HEADER);
          for (const rec of recs) out.push(recordRow(rec, bestKey, origins, rec.kernel));
          out.push('', '</details>', '');
        }
      }
    }
  }
  out.push(...renderLayerSection(allRuns.filter(isLayerRun)));
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
