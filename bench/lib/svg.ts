/**
 * docs/bench.svg: speed-up over cuBLAS per kernel family, one panel per (device, shape), hand-written
 * SVG in the style of src/universal/plot.ts (no dependency; numbers rounded to 0.1 px so the file
 * diffs cleanly). Each bar is the best complete variant of that family over every run of the device
 * (any scheme; the label names the scheme); stages and ceilings are left out. A solid line marks
 * cuBLAS (1×), a dashed one the issue's target at that shape where there is one.
 */
import {
  type BenchRecord, type Run, TARGETS, best, family, groupBy, isBaseline, isFailed, isPartial, schemeName, shapeKey,
  shapeLabel, speedup, trLabel,
} from './results.ts';

export interface Bar {
  label: string;
  value: number;
  color: string;
}

export interface BarPanel {
  title: string;
  bars: Bar[];
  /** Dashed reference lines (targets). */
  marks: { value: number; label: string }[];
}

/** Colour by what the kernel is: cuBLAS, sparse, plain PyTorch, Triton, generated CUDA, fast-matmul driver. */
export function familyColor(f: string): string {
  if (f === 'cublas' || f === 'cublas-repeat') return '#777';
  if (f === 'triton-gemm') return '#17becf';
  if (f.startsWith('sparse24')) return '#9467bd';
  if (f.includes('fmm')) return '#d62728';
  if (f.startsWith('triton')) return '#1f77b4';
  if (f.startsWith('cuda')) return '#2ca02c';
  return '#ff7f0e';
}

/** Panels for the runs: per device and shape, the best record of each complete kernel family. */
export function speedupPanels(runs: readonly Run[]): BarPanel[] {
  const panels: BarPanel[] = [];
  const byDevice = groupBy(runs, (r) => r.devices.join(', '));
  for (const [device, devRuns] of [...byDevice.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const recs = devRuns.flatMap((r) => r.records).filter((x) => !isFailed(x) && !isPartial(x) && x.kernel !== 'cublas-repeat' && speedup(x) != null);
    for (const [, shapeRecs] of groupBy(recs, (x) => shapeKey(x.shape))) {
      // One bar per family; the one-level fast-matmul drivers once per (t, r), their point.
      const fams = groupBy(shapeRecs, (x) => (family(x.kernel).includes('fmm') ? `${family(x.kernel)} ${trLabel(x)}` : family(x.kernel)));
      const bars: Bar[] = [];
      for (const [, g] of fams) {
        const b = best(g) as BenchRecord;
        const f = family(b.kernel);
        if (isBaseline(b)) continue;
        const scheme = schemeName(b);
        bars.push({ label: `${f}${scheme ? ` ${trLabel(b)} ${scheme}` : ''}`, value: speedup(b) as number, color: familyColor(f) });
      }
      if (!bars.length) continue;
      bars.sort((a, b) => b.value - a.value);
      const key = shapeKey(shapeRecs[0].shape);
      const marks = TARGETS.filter((t) => t.shapes.some((s) => shapeKey(s) === key)).map((t) => ({ value: t.min, label: t.label }));
      panels.push({ title: `${device}: ${shapeLabel(shapeRecs[0].shape)}`, bars, marks });
    }
  }
  return panels;
}

const f1 = (x: number) => (Math.round(x * 10) / 10).toString();
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const PW = 600, LABEL = 330, RIGHT = 56, ROW = 14, TOP = 30, BOTTOM = 34, GAP = 16;

function panelHeight(p: BarPanel): number {
  return TOP + p.bars.length * ROW + BOTTOM;
}

function panel(p: BarPanel, x0: number, y0: number, xMax: number): string {
  const plotW = PW - LABEL - RIGHT;
  const sx = (v: number) => x0 + LABEL + (Math.min(v, xMax) / xMax) * plotW;
  const h = p.bars.length * ROW;
  const top = y0 + TOP;
  const out: string[] = [];
  out.push(`<text x="${f1(x0 + PW / 2)}" y="${f1(y0 + 16)}" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`);
  const step = xMax > 4 ? 1 : 0.5;
  for (let v = 0; v <= xMax + 1e-9; v += step) {
    out.push(`<line x1="${f1(sx(v))}" y1="${f1(top)}" x2="${f1(sx(v))}" y2="${f1(top + h)}" stroke="#ddd"/>`);
    out.push(`<text x="${f1(sx(v))}" y="${f1(top + h + 14)}" text-anchor="middle">${v}</text>`);
  }
  p.bars.forEach((b, i) => {
    const y = top + i * ROW;
    out.push(`<text x="${f1(x0 + LABEL - 4)}" y="${f1(y + ROW - 3)}" text-anchor="end">${esc(b.label)}</text>`);
    out.push(`<rect x="${f1(sx(0))}" y="${f1(y + 2)}" width="${f1(sx(b.value) - sx(0))}" height="${ROW - 4}" fill="${b.color}"/>`);
    out.push(`<text x="${f1(sx(Math.min(b.value, xMax)) + 3)}" y="${f1(y + ROW - 3)}">${b.value.toFixed(2)}×${b.value > xMax ? ' →' : ''}</text>`);
  });
  out.push(`<line x1="${f1(sx(1))}" y1="${f1(top - 4)}" x2="${f1(sx(1))}" y2="${f1(top + h)}" stroke="#333" stroke-width="1.5"/>`);
  for (const m of p.marks) {
    out.push(`<line x1="${f1(sx(m.value))}" y1="${f1(top - 4)}" x2="${f1(sx(m.value))}" y2="${f1(top + h)}" stroke="#d62728" stroke-width="1.5" stroke-dasharray="5,3"><title>${esc(m.label)}</title></line>`);
  }
  out.push(`<rect x="${f1(sx(0))}" y="${f1(top)}" width="${f1(plotW)}" height="${f1(h)}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${f1(sx(xMax / 2))}" y="${f1(top + h + 28)}" text-anchor="middle">speed-up vs cuBLAS (same run)${p.marks.length ? '; dashed: target' : ''}</text>`);
  return out.join('\n');
}

/** Panels in two columns. Bars longer than the axis (stages never are; a few kernels may be) end in an arrow. */
export function barChartSvg(panels: readonly BarPanel[], xMax = 3): string {
  const cols = Math.min(2, Math.max(1, panels.length));
  const rows: BarPanel[][] = [];
  for (let i = 0; i < panels.length; i += cols) rows.push(panels.slice(i, i + cols));
  const parts: string[] = [];
  let y = 8;
  for (const r of rows) {
    r.forEach((p, c) => parts.push(panel(p, c * PW, y, xMax)));
    y += Math.max(...r.map(panelHeight)) + GAP;
  }
  const legend = [['2:4 sparse', '#9467bd'], ['PyTorch / cuBLAS STL', '#ff7f0e'], ['Triton STL', '#1f77b4'], ['CUDA STL', '#2ca02c'],
    ['fast matmul, one level', '#d62728'], ['plain Triton GEMM', '#17becf']];
  const width = cols * PW;
  const perRow = Math.max(1, Math.floor((width - 20) / 170));
  const items = legend.map(([name, color], i) => {
    const x = 20 + (i % perRow) * 170, ly = y + 16 * Math.floor(i / perRow);
    return `<rect x="${x}" y="${f1(ly)}" width="18" height="10" fill="${color}"/><text x="${x + 24}" y="${f1(ly + 9)}">${esc(name)}</text>`;
  });
  const height = Math.ceil(y + 16 * Math.ceil(legend.length / perRow) + 8);
  const empty = panels.length ? '' : `<text x="20" y="30">no measurements</text>\n`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">\n<rect width="100%" height="100%" fill="white"/>\n${empty}${parts.join('\n')}\n${items.join('\n')}\n</svg>\n`;
}

/** docs/bench.svg. */
export const renderSvg = (runs: readonly Run[]): string => barChartSvg(speedupPanels(runs));
