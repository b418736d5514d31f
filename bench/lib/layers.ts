/**
 * The STLLinear records of bench/results (issue 10): timing runs of bench/gpu/layer_bench.py
 * (STLLinear or an STL model against nn.Linear / the dense model, timed alternately in the same run)
 * and correctness runs of bench/gpu/layer_check.py (errors against the float64 evaluation of the same
 * operator). Pure functions; results.ts puts the section into docs/bench.md and keeps these runs out
 * of the cuBLAS tables.
 */
import { cell, fmtErr, fmtMs, fmtX, groupBy, isFailed, shapeKey, shapeLabel, type BenchRecord, type Run } from './results.ts';

const LAYER_BASELINES = new Set(['nn.Linear', 'dense stack']);
const CHECK_KERNELS = new Set(['stllinear-check', 'stllinear-compile-check', 'stllinear-opcheck', 'stllinear-gradcheck']);

export const isLayerTiming = (rec: BenchRecord): boolean => typeof rec.baseline === 'string' && LAYER_BASELINES.has(rec.baseline);
export const isLayerCheck = (rec: BenchRecord): boolean => CHECK_KERNELS.has(rec.kernel);
/** A run that holds only STLLinear records (skipped blocks included). */
export const isLayerRun = (run: Run): boolean =>
  run.records.length > 0 && run.records.every((x) => isLayerTiming(x) || isLayerCheck(x) || (x.kernel === 'skipped' && x.baseline != null));

/** Issue 10's targets: (4,24), bf16, speed-up against nn.Linear of the same run. */
export const LAYER_TARGETS: { kernel: string; shape: number[]; min: number }[] = [
  { kernel: 'stllinear-fwd', shape: [8192, 8192, 8192], min: 1.8 },
  { kernel: 'stllinear-fwd', shape: [16384, 2048, 5632], min: 1.25 },
  { kernel: 'stllinear-fwd', shape: [16384, 5632, 2048], min: 1.25 },
  { kernel: 'stllinear-fwdbwd', shape: [8192, 8192, 8192], min: 1.6 },
  { kernel: 'stllinear-fwdbwd', shape: [16384, 2048, 5632], min: 1.2 },
  { kernel: 'stllinear-fwdbwd', shape: [16384, 5632, 2048], min: 1.2 },
];

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function timingTable(run: Run): string[] {
  const recs = run.records.filter(isLayerTiming);
  if (!recs.length) return [];
  const out = [
    row(['measurement', 'shape (tokens × in × out)', 'scheme', 'median ms', 'baseline ms', '× baseline', 'rel error', 'rel error dX', 'note']),
    row(['---', '---', '---', '---:', '---:', '---:', '---:', '---:', '---']),
  ];
  for (const x of recs) {
    const failed = isFailed(x);
    const tokens = num(x.tokens_per_s) != null ? ` (${x.tokens_per_s} vs ${x.dense_tokens_per_s} tokens/s)` : '';
    out.push(row([
      cell(x.kernel),
      shapeLabel(x.shape),
      cell(`${String(x.scheme ?? '').replace(/^.*\//, '').replace(/\.json$/, '')} (${x.t},${x.r})`),
      failed ? `**failed**: ${cell((x.error ?? '').slice(0, 90))}` : fmtMs(x.median_ms),
      failed ? '—' : `${fmtMs(num(x.linear_ms))} ${cell(String(x.baseline))}`,
      failed ? '—' : `${fmtX(num(x.speedup_vs_linear))}${tokens}`,
      fmtErr(x.rel_error),
      fmtErr(num(x.rel_error_dx)),
      cell(String(x.note ?? '')).slice(0, 160),
    ]));
  }
  return [...out, ''];
}

function targetRows(runs: readonly Run[]): string[] {
  const out = [row(['target', 'run (device)', '× nn.Linear', 'met']), row(['---', '---', '---:', '---'])];
  let any = false;
  for (const t of LAYER_TARGETS) {
    for (const run of runs) {
      const x = run.records.find((r) => r.kernel === t.kernel && shapeKey(r.shape) === shapeKey(t.shape) && r.t === 4 && r.r === 24 && r.dtype === 'bf16');
      if (!x) continue;
      any = true;
      const s = isFailed(x) ? null : num(x.speedup_vs_linear);
      out.push(row([`${t.kernel} ≥ ${t.min}× at ${shapeLabel(t.shape)}`, cell(`${run.file} (${run.devices.join(', ')})`), fmtX(s), s != null && s >= t.min ? '**yes**' : 'no']));
    }
  }
  return any ? [...out, ''] : ['No timing run of the (4,24) scheme yet: the targets are not evaluated.', ''];
}

function checkTable(run: Run): string[] {
  const recs = run.records.filter(isLayerCheck);
  if (!recs.length) return [];
  const out = [
    row(['check', 'scheme', 'dtype', 'weight mode', 'input → out', 'path', 'y', 'dX', 'dweight', 'dbias', 'dE_X, dD', 'vs x Wᵀ + b', 'ok']),
    row(['---', '---', '---', '---', '---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---']),
  ];
  for (const x of recs) {
    const e = (x.rel_errors ?? {}) as Record<string, number>;
    const dw = e.dweight_hat ?? e.dweight;
    const enc = e.dp_x != null ? `${fmtErr(e.dp_x)}, ${fmtErr(e.dp_z)}` : '';
    const shape = Array.isArray(x.input_shape) ? `${(x.input_shape as number[]).join('×')} → ${x.out_features}` : '';
    out.push(row([
      cell(x.kernel.replace(/^stllinear-/, '')), cell(`${x.scheme ?? ''}${x.t != null ? ` (${x.t},${x.r})` : ''}`), cell(String(x.dtype ?? '')), cell(String(x.mode ?? '')), shape,
      cell(String(x.path ?? '')), fmtErr(e.y), fmtErr(e.dx), fmtErr(dw), fmtErr(e.dbias), enc, fmtErr(x.rel_error_vs_matmul),
      x.ok ? 'yes' : `**no**${x.error ? `: ${cell(String(x.error).slice(0, 80))}` : ''}`,
    ]));
  }
  return [...out, ''];
}

/** The "STLLinear" section of docs/bench.md: targets, then per run its timings and checks. */
export function renderLayerSection(runs: readonly Run[]): string[] {
  if (!runs.length) return [];
  const out: string[] = [
    '## STLLinear against nn.Linear (issue 10)',
    '',
    '`bench/gpu/layer_bench.py`: the exported STLLinear against nn.Linear on the same input, timed in alternation in the',
    'same run (× = nn.Linear median / STLLinear median; for the Llama-style stack, the dense step over the STL step).',
    '`bench/gpu/layer_check.py`: outputs and gradients against a float64 evaluation of the same operator (same stored',
    'parameters), per scheme, dtype and weight mode; "path" says whether the Triton kernels or the plain-torch path ran.',
    '',
    ...targetRows(runs),
  ];
  const byDevice = groupBy(runs, (r) => r.devices.join(', '));
  for (const [device, devRuns] of byDevice) {
    out.push(`### ${cell(device)}`, '');
    for (const run of devRuns) {
      out.push(`#### ${cell(run.file)}`, '');
      out.push(`${run.records.length} records; ${run.first}${run.last && run.last !== run.first ? ` – ${run.last}` : ''}.`);
      for (const c of run.commands) out.push(`Command: \`${c}\``);
      out.push('', ...timingTable(run), ...checkTable(run));
    }
  }
  return out;
}
