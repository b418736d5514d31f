/**
 * A small hand-written SVG line plot (no dependency): side-by-side panels, each with a linear x
 * axis, y in [0, 1], and any number of series drawn as lines and/or markers. Enough for the
 * Pareto fronts; text is escaped, numbers are rounded to 0.1 px so the file diffs cleanly.
 */
export interface Series {
  name: string;
  points: [number, number][];
  color: string;
  dash?: string;
  line?: boolean;
  marker?: 'circle' | 'cross' | 'none';
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  xMax: number;
  xTicks: number[];
  series: Series[];
}

const W = 340, H = 280, M = { left: 48, right: 12, top: 28, bottom: 40 };
const f = (x: number) => (Math.round(x * 10) / 10).toString();
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function panel(p: Panel, x0: number): string {
  const pw = W - M.left - M.right, ph = H - M.top - M.bottom;
  const sx = (x: number) => x0 + M.left + (x / p.xMax) * pw;
  const sy = (y: number) => M.top + (1 - y) * ph;
  const out: string[] = [];
  out.push(`<text x="${f(x0 + M.left + pw / 2)}" y="18" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`);
  for (const y of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line x1="${f(sx(0))}" y1="${f(sy(y))}" x2="${f(sx(p.xMax))}" y2="${f(sy(y))}" stroke="#ddd"/>`);
    out.push(`<text x="${f(sx(0) - 4)}" y="${f(sy(y) + 4)}" text-anchor="end">${y}</text>`);
  }
  for (const x of p.xTicks) {
    out.push(`<line x1="${f(sx(x))}" y1="${f(sy(0))}" x2="${f(sx(x))}" y2="${f(sy(0) + 4)}" stroke="#333"/>`);
    out.push(`<text x="${f(sx(x))}" y="${f(sy(0) + 16)}" text-anchor="middle">${x}</text>`);
  }
  out.push(`<rect x="${f(sx(0))}" y="${f(sy(1))}" width="${f(pw)}" height="${f(ph)}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${f(x0 + M.left + pw / 2)}" y="${H - 6}" text-anchor="middle">${esc(p.xLabel)}</text>`);
  out.push(`<text transform="translate(${f(x0 + 14)},${f(M.top + ph / 2)}) rotate(-90)" text-anchor="middle">${esc(p.yLabel)}</text>`);
  for (const s of p.series) {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).sort((a, b) => a[0] - b[0]);
    if (pts.length === 0) continue;
    if (s.line !== false && pts.length > 1) {
      const d = pts.map(([x, y], i) => `${i ? 'L' : 'M'}${f(sx(x))},${f(sy(y))}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    }
    for (const [x, y] of pts) {
      if (s.marker === 'circle') out.push(`<circle cx="${f(sx(x))}" cy="${f(sy(y))}" r="2.5" fill="${s.color}"/>`);
      if (s.marker === 'cross') {
        const cx = sx(x), cy = sy(y);
        out.push(`<path d="M${f(cx - 4)},${f(cy - 4)} L${f(cx + 4)},${f(cy + 4)} M${f(cx - 4)},${f(cy + 4)} L${f(cx + 4)},${f(cy - 4)}" stroke="${s.color}" stroke-width="1.5"/>`);
      }
    }
  }
  return out.join('\n');
}

export function linePlotSvg(panels: Panel[], legend: Series[]): string {
  const width = W * panels.length, height = H + 24 + 16 * Math.floor((legend.length - 1) / Math.max(1, Math.floor((W * panels.length) / 200)));
  const body = panels.map((p, i) => panel(p, i * W)).join('\n');
  // Legend entries in rows that fit the width.
  const perRow = Math.max(1, Math.floor(width / 200));
  const items = legend.map((s, i) => {
    const x = 20 + (i % perRow) * 200, y = H + 12 + 16 * Math.floor(i / perRow);
    const mark = s.marker === 'cross' ? `<path d="M${x + 8},${y - 4} L${x + 16},${y + 4} M${x + 8},${y + 4} L${x + 16},${y - 4}" stroke="${s.color}" stroke-width="1.5"/>`
      : `<line x1="${x}" y1="${y}" x2="${x + 24}" y2="${y}" stroke="${s.color}" stroke-width="1.5"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`;
    return `${mark}<text x="${x + 30}" y="${y + 4}">${esc(s.name)}</text>`;
  }).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">\n<rect width="100%" height="100%" fill="white"/>\n${body}\n${items}\n</svg>\n`;
}
