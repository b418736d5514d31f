import { linePlotSvg, type Panel, type Series } from './plot.ts';

/**
 * Pareto tables of the universal-encoder search: one record per (t, r), written by
 * search/universal-pareto.ts, turned into docs/pareto.json, docs/pareto.md and docs/pareto.svg.
 */
export interface ParetoEntry {
  t: number;
  r: number;
  /** Set for searches that only accepted schemes with |coefficients| ≤ maxCoef. */
  maxCoef?: number;
  /** Set for conditioned searches: only schemes with κ ≤ maxKappa were accepted (src/universal/condition.ts). */
  maxKappa?: number;
  /** Conditioned results: κ and the simulated rounding errors of the stored scheme (src/stl/lowprec.ts, 256², seeds 1–3). */
  kappa?: number;
  bf16Fused?: number;
  bf16Unfused?: number;
  fp16Unfused?: number;
  /** The equivalent `stlkit universal` command. */
  command?: string;
  /** For a chosen scheme (rNNN.json of a conditioned folder): the bound it was picked under and the file it copies. */
  chosen?: { bf16Unfused: number; from: string };
  /** Isotropic error of the stored scheme, recomputed from the file (exact value when rational). */
  error: number;
  exact: string | null;
  field: string;
  family: string;
  label: string;
  how: string;
  bound: { value: string; reason: string } | null;
  seed: number;
  timeLimitSec: number;
  ms: number;
  tasks: number;
  /** Largest |coefficient| of the stored scheme (large values: a border-rank-like limit). */
  maxAbs: number;
  file: string;
  /** Set when the scheme is a smaller rank's result padded with zero products. */
  base?: { r: number; label: string };
  families: { family: string; starts: number; hops: number; bestStart: { label: string; error: number; exact: string | null } | null; refined: number | null }[];
}

/** shared/docs/stl.md: best of 4 restarts of plain ALS, t = 4 (upper bounds). */
export const REFERENCE_T4: Record<number, number> = { 8: 0.875, 16: 0.719, 20: 0.641, 24: 0.5625, 28: 0.5, 32: 0.406, 40: 0.235, 48: 0.078 };

const num = (x: number) => (x === 0 ? '0' : x < 1e-3 ? x.toExponential(2) : x.toFixed(4));
const frac = (s: string) => {
  const [p, q] = s.split('/').map(Number);
  return q ? p / q : p;
};

function errorCell(e: ParetoEntry): string {
  if (e.exact === null) return `${num(e.error)} (float64)`;
  if (e.exact === '0') return '**0** (exact)';
  return e.exact.length <= 13 ? `${e.exact} = ${num(e.error)}` : `${num(e.error)} (exact, ${e.exact.length}-char fraction)`;
}

function boundCell(e: ParetoEntry): string {
  if (!e.bound) return '—';
  return `${e.bound.value} = ${num(frac(e.bound.value))} (${e.bound.reason})`;
}

export function paretoMarkdown(entries: ParetoEntry[], intro: string): string {
  const lines = [intro, ''];
  const groups = [...new Map(entries.map((e) => [`${e.t}|${e.maxCoef ?? ''}`, [e.t, e.maxCoef] as const])).values()]
    .sort((x, y) => x[0] - y[0] || (x[1] ?? 0) - (y[1] ?? 0));
  for (const [t, c] of groups) {
    const rows = entries.filter((e) => e.t === t && e.maxCoef === c).sort((x, y) => x.r - y.r);
    const ref = t === 4;
    lines.push(`## t = ${t} (‖T‖² = ${t ** 3})${c === undefined ? '' : `, coefficients bounded: max |c| ≤ ${c}`}`, '');
    if (c !== undefined) lines.push(`Only schemes whose largest |coefficient| (float schemes: after balancing the three factors of each product) is at most ${c} were accepted: the price in error of numerically tame encoders (bf16 kernels).`, '');
    lines.push(`| t | r | t³/r | best error (exact when rational) | family | lower bound |${ref ? ' stl.md ALS reference |' : ''} max \\|coef\\| | search |`);
    lines.push(`|---|---|---|---|---|---|${ref ? '---|' : ''}---|---|`);
    for (const e of rows) {
      const refCell = ref ? ` ${REFERENCE_T4[e.r] !== undefined ? `${REFERENCE_T4[e.r]}${e.error < REFERENCE_T4[e.r] - 5e-5 ? ' (beaten)' : ''}` : ''} |` : '';
      lines.push(`| ${t} | ${e.r} | ${(t ** 3 / e.r).toFixed(2)} | ${errorCell(e)} | ${e.family}: ${e.label.replace(/\|/g, '\\|')} | ${boundCell(e)} |${refCell} ${e.maxAbs < 100 ? e.maxAbs.toFixed(2) : e.maxAbs.toExponential(1)} | ${e.timeLimitSec} s, ${e.tasks} refinements |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

export function paretoSvg(entries: ParetoEntry[]): string {
  const ts = [...new Set(entries.map((e) => e.t))].sort((x, y) => x - y);
  const bounded: Omit<Series, 'points'> = { name: 'best found, bounded |coef|', color: '#2ca02c', marker: 'circle', dash: '3 2' };
  const found: Omit<Series, 'points'> = { name: 'best found', color: '#1f77b4', marker: 'circle' };
  const bound: Omit<Series, 'points'> = { name: 'lower bound (flattening)', color: '#d62728', dash: '4 3' };
  const naive: Omit<Series, 'points'> = { name: 'keep r naive: 1 − r/t³', color: '#888', dash: '1 3' };
  const ref: Omit<Series, 'points'> = { name: 'stl.md ALS reference', color: '#ff7f0e', marker: 'cross', line: false };
  const panels: Panel[] = ts.map((t) => {
    const rows = entries.filter((e) => e.t === t && e.maxCoef === undefined).sort((x, y) => x.r - y.r);
    const tame = entries.filter((e) => e.t === t && e.maxCoef !== undefined).sort((x, y) => x.r - y.r);
    const n = t ** 3;
    const step = n <= 8 ? 2 : n <= 27 ? 9 : n <= 64 ? 16 : 128;
    const series: Series[] = [
      { ...naive, points: [[0, 1], [n, 0]] },
      { ...bound, points: [[1, 1 - 1 / n], ...Array.from({ length: t * t - 1 }, (_, i) => [i + 2, (t * t - i - 2) / (t * t)] as [number, number]), [n, 0]] },
      { ...found, points: rows.map((e) => [e.r, e.error]) },
    ];
    if (tame.length) series.push({ ...bounded, points: tame.map((e) => [e.r, e.error]) });
    if (t === 4) series.push({ ...ref, points: Object.entries(REFERENCE_T4).map(([r, v]) => [Number(r), v]) });
    return { title: `t = ${t}`, xLabel: 'r (products)', yLabel: 'isotropic error', xMax: n, xTicks: Array.from({ length: Math.floor(n / step) + 1 }, (_, i) => i * step), series };
  });
  const anyTame = entries.some((e) => e.maxCoef !== undefined);
  const legend: Series[] = [found, ...(anyTame ? [bounded] : []), bound, naive, ...(ts.includes(4) ? [ref] : [])].map((s) => ({ ...s, points: [] }));
  return linePlotSvg(panels, legend);
}

/** A row of the conditioning trade-off table: a stored scheme and its low-precision figures. */
export interface ConditioningRow {
  t: number;
  r: number;
  what: string;
  error: number;
  kappa: number;
  bf16Fused: number;
  bf16Unfused: number;
  fp16Unfused: number;
  maxAbs: number;
  file: string;
  chosen?: boolean;
}

const pct = (x: number) => (!Number.isFinite(x) ? 'overflow' : x >= 10 ? x.toExponential(1) : `${(100 * x).toFixed(2)}%`);
const kap = (x: number) => (x >= 1e4 ? x.toExponential(1) : x.toFixed(2));

/** docs/conditioning.md: per r, the reference schemes and the conditioned ones, by bound. */
export function conditioningMarkdown(rows: ConditioningRow[], intro: string): string {
  const lines = [intro, ''];
  const keys = [...new Map(rows.map((x) => [`${x.t}|${x.r}`, [x.t, x.r] as const])).values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (const [t, r] of keys) {
    lines.push(`## t = ${t}, r = ${r}`, '');
    lines.push('| scheme | isotropic error | κ | bf16 fused | bf16 unfused | fp16 unfused | max \\|coef\\| | file |');
    lines.push('|---|---|---|---|---|---|---|---|');
    for (const x of rows.filter((y) => y.t === t && y.r === r)) {
      const b = x.chosen ? '**' : '';
      lines.push(`| ${b}${x.what}${b} | ${b}${x.error.toFixed(4)}${b} | ${kap(x.kappa)} | ${pct(x.bf16Fused)} | ${b}${pct(x.bf16Unfused)}${b} | ${pct(x.fp16Unfused)} | ${x.maxAbs < 100 ? x.maxAbs.toFixed(2) : x.maxAbs.toExponential(1)} | ${x.file} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
