/**
 * The results, as DOM: the scheme's facts, its formulas rendered by KaTeX, the verification with
 * its failing equations, the symmetry group and the STL measures. Text goes in through
 * textContent only, so a file's contents can never inject markup.
 */
import katex from 'katex';
import type { SchemeSummary, StlSummary, SymmetrySummary, VerifySummary } from './messages.ts';

/** Numbers as the command line prints them: 0 as 0, six significant digits, exponents when small. */
const fmt = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(6).replace(/\.?0+$/, '') : x.toExponential(4));

/** Formulas shown at once; a rank-300 scheme would otherwise render thousands of lines. */
const MAX_FORMULAS = 120;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function facts(rows: [string, string | Node][]): HTMLElement {
  return el('dl', { class: 'facts' }, ...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

function tex(latex: string): HTMLElement {
  const span = el('span', { class: 'formula' });
  katex.render(latex, span, { throwOnError: false, displayMode: false });
  return span;
}

export function renderScheme(s: SchemeSummary): HTMLElement {
  const formulas = [...s.products, ...s.outputs];
  const shown = formulas.slice(0, MAX_FORMULAS);
  const list = el('div', { class: 'formulas', 'data-testid': 'formulas' }, ...shown.map(([l, r]) => el('div', {}, tex(`${l} = ${r}`))));
  const more = formulas.length > shown.length ? [el('p', { class: 'note' }, `… and ${formulas.length - shown.length} more lines (stlkit show FILE prints them all)`)] : [];
  return el('section', { 'data-testid': 'scheme' },
    el('h2', {}, s.name),
    facts([['file', s.file + (s.member ? ` [${s.member}]` : '')], ['read by', s.source], ['format', s.format], ['rank', String(s.rank)], ['field', s.field], ['naive evaluation', s.header]]),
    list, ...more);
}

export function renderVerify(v: VerifySummary): HTMLElement {
  if (v.kind === 'float') {
    return el('section', { 'data-testid': 'verify', class: 'float' }, el('h3', {}, 'Verification (float scheme)'),
      facts([['‖T − T̂‖/‖T‖', v.relFrobenius.toExponential(3)], ['max |residual|', v.maxAbs.toExponential(3)], ['equations', String(v.equations)]]));
  }
  const head = v.exact ? `exact over ${v.field}: all ${v.equations} Brent equations hold` : `NOT exact over ${v.field}: ${v.failing} of ${v.equations} Brent equations fail`;
  const rows = v.failures.map((f) => el('tr', {}, el('td', {}, f.label), el('td', {}, `[${f.index.join(',')}]`), el('td', {}, f.expected), el('td', {}, f.actual)));
  const table = v.failures.length
    ? [el('table', { class: 'failures', 'data-testid': 'failures' }, el('thead', {}, el('tr', {}, el('th', {}, 'equation'), el('th', {}, 'index'), el('th', {}, 'expected'), el('th', {}, 'got'))), el('tbody', {}, ...rows))]
    : [];
  const more = v.failing > v.failures.length ? [el('p', { class: 'note' }, `… and ${v.failing - v.failures.length} more`)] : [];
  const iso = v.isotropicError ? [el('p', {}, `exact isotropic error ‖T − T̂‖²/‖T‖² = ${v.isotropicError}`)] : [];
  return el('section', { 'data-testid': 'verify', class: v.exact ? 'ok' : 'bad' }, el('h3', {}, 'Verification'),
    el('p', { 'data-testid': 'verdict' }, head), el('p', { class: 'note' }, `exact arithmetic (${v.method})`), ...table, ...more, ...iso);
}

export function renderSymmetry(g: SymmetrySummary | { error: string }): HTMLElement {
  if ('error' in g) return el('section', { 'data-testid': 'symmetry' }, el('h3', {}, 'Symmetry group'), el('p', { class: 'note' }, g.error));
  const orders = Object.entries(g.elementOrders).map(([k, c]) => `${c}×order ${k}`).join(', ');
  return el('section', { 'data-testid': 'symmetry' }, el('h3', {}, 'Symmetry group'),
    facts([
      ['order', `${g.order}${g.complete ? '' : ' (at least: the search stopped early)'}`],
      ['over', `${g.field}, ${g.method === 'z2-exhaustive' ? 'exhaustive scan' : 'correspondence search'}`],
      ['element orders', orders],
      ['product orbits', g.orbits.map((o) => `{${o.join(',')}}`).join(' ')],
    ]));
}

export function renderStl(x: StlSummary | { error: string }): HTMLElement {
  if ('error' in x) return el('section', { 'data-testid': 'stl' }, el('h3', {}, 'STL operator'), el('p', { class: 'note' }, x.error));
  const iso = `${fmt(x.isotropic.value)}${x.isotropic.fraction !== undefined ? ` (exact: ${x.isotropic.fraction})` : ' (float scheme)'}`;
  return el('section', { 'data-testid': 'stl' }, el('h3', {}, `STL operator, t = ${x.t}`),
    facts([
      ['isotropic error', iso],
      ['conditioning κ', fmt(x.kappa)],
    ]),
    el('p', { class: 'note' }, 'isotropic error E‖STL(X,W) − XW‖²/E‖XW‖² for Gaussian X, W; κ = √(Σ_l ‖u_l‖²‖v_l‖²‖w_l‖² / ‖T̂‖²), 1 for naive products'));
}
