import type { Field } from '../field/index.ts';
import { targetTensor } from '../tensor/index.ts';
import { formatOf, makeScheme, rank, SchemeError, type Scheme } from './scheme.ts';

function sameField<E>(s: Scheme<E>, t: Scheme<E>): void {
  if (s.field.name !== t.field.name) throw new SchemeError(`schemes are over different fields (${s.field.name}, ${t.field.name})`);
}

const joinTag = <E>(s: Scheme<E>, t: Scheme<E>) => (s.fieldTag === 'Z' && t.fieldTag === 'Z' ? 'Z' : s.field.name === 'Q' ? 'Q' : s.fieldTag);

/**
 * Kronecker (tensor) product of matrix-multiplication schemes:
 * <n1,m1,p1>:r1 ⊗ <n2,m2,p2>:r2 = <n1n2, m1m2, p1p2>:r1r2, blocks of the first indexing the outer level.
 */
export function kron<E>(s: Scheme<E>, t: Scheme<E>): Scheme<E> {
  sameField(s, t);
  const F = s.field;
  const [n1, m1, p1] = formatOf(s);
  const [n2, m2, p2] = formatOf(t);
  const [n, m, p] = [n1 * n2, m1 * m2, p1 * p2];
  // Row-major index of an entry (outer (i1, j1), inner (i2, j2)) of a (r1·r2)×(c1·c2) block matrix.
  const blockKron = (x: readonly E[], y: readonly E[], r1: number, c1: number, r2: number, c2: number) => {
    const out = new Array<E>(r1 * r2 * c1 * c2).fill(F.zero);
    const cols = c1 * c2;
    for (let i1 = 0; i1 < r1; i1++) for (let j1 = 0; j1 < c1; j1++) {
      const a = x[i1 * c1 + j1];
      if (F.isZero(a)) continue;
      for (let i2 = 0; i2 < r2; i2++) for (let j2 = 0; j2 < c2; j2++) {
        const b = y[i2 * c2 + j2];
        if (!F.isZero(b)) out[(i1 * r2 + i2) * cols + j1 * c2 + j2] = F.mul(a, b);
      }
    }
    return out;
  };
  const U: E[][] = [], V: E[][] = [], W: E[][] = [];
  for (let l1 = 0; l1 < rank(s); l1++) for (let l2 = 0; l2 < rank(t); l2++) {
    U.push(blockKron(s.U[l1], t.U[l2], n1, m1, n2, m2));
    V.push(blockKron(s.V[l1], t.V[l2], m1, p1, m2, p2));
    W.push(blockKron(s.W[l1], t.W[l2], n1, p1, n2, p2));
  }
  return makeScheme({
    field: F, fieldTag: joinTag(s, t), target: { kind: 'matmul', format: [n, m, p] }, U, V, W,
    meta: { source: `kron(${s.meta.name ?? s.meta.source ?? '?'}, ${t.meta.name ?? t.meta.source ?? '?'})` },
  });
}

function padRows<E>(F: Field<E>, M: readonly (readonly E[])[], before: number, after: number): E[][] {
  return M.map((row) => [...new Array<E>(before).fill(F.zero), ...row, ...new Array<E>(after).fill(F.zero)]);
}

/** Direct sum of bilinear maps: (x1 ⊕ x2, y1 ⊕ y2) ↦ f1(x1, y1) ⊕ f2(x2, y2), rank r1 + r2. */
export function directSum<E>(s: Scheme<E>, t: Scheme<E>): Scheme<E> {
  sameField(s, t);
  const F = s.field;
  const dim = (M: readonly (readonly E[])[]) => M[0]?.length ?? 0;
  const [a1, b1, c1] = [dim(s.U), dim(s.V), dim(s.W)];
  const [a2, b2, c2] = [dim(t.U), dim(t.V), dim(t.W)];
  const entries: [number, number, number, number | string][] = [];
  for (const [S, off] of [[s, [0, 0, 0]], [t, [a1, b1, c1]]] as const) {
    // The target of a direct sum is described by its table; it is rebuilt from each part's tensor.
    for (const e of targetEntries(S)) entries.push([e[0] + off[0], e[1] + off[1], e[2] + off[2], e[3]]);
  }
  return makeScheme({
    field: F, fieldTag: joinTag(s, t),
    target: { kind: 'table', dims: [a1 + a2, b1 + b2, c1 + c2], entries, name: `${s.meta.name ?? 'S'}⊕${t.meta.name ?? 'T'}` },
    U: [...padRows(F, s.U, 0, a2), ...padRows(F, t.U, a1, 0)],
    V: [...padRows(F, s.V, 0, b2), ...padRows(F, t.V, b1, 0)],
    W: [...padRows(F, s.W, 0, c2), ...padRows(F, t.W, c1, 0)],
    meta: { source: 'direct sum' },
  });
}

function targetEntries(s: Scheme<unknown>): [number, number, number, string][] {
  return targetTensor(s.target).entries.map((e) => [e.i, e.j, e.k, e.v.toFraction()]);
}

/**
 * Glue two matrix-multiplication schemes along one axis (a block algorithm with rank r1 + r2):
 *  'n': [A1; A2]·B          <n1,m,p> + <n2,m,p> = <n1+n2, m, p>
 *  'm': [A1 A2]·[B1; B2]    <n,m1,p> + <n,m2,p> = <n, m1+m2, p>
 *  'p': A·[B1 B2]           <n,m,p1> + <n,m,p2> = <n, m, p1+p2>
 */
export function joinMatmul<E>(s: Scheme<E>, t: Scheme<E>, axis: 'n' | 'm' | 'p'): Scheme<E> {
  sameField(s, t);
  const F = s.field;
  const [n1, m1, p1] = formatOf(s);
  const [n2, m2, p2] = formatOf(t);
  const need = (ok: boolean) => {
    if (!ok) throw new SchemeError(`cannot join <${n1},${m1},${p1}> and <${n2},${m2},${p2}> along ${axis}`);
  };
  if (axis === 'n') need(m1 === m2 && p1 === p2);
  if (axis === 'm') need(n1 === n2 && p1 === p2);
  if (axis === 'p') need(n1 === n2 && m1 === m2);
  const n = axis === 'n' ? n1 + n2 : n1, m = axis === 'm' ? m1 + m2 : m1, p = axis === 'p' ? p1 + p2 : p1;
  // Embed a row-major r×c matrix of a part at (rowOff, colOff) in an R×Cc matrix.
  const embed = (x: readonly E[], r: number, c: number, rowOff: number, colOff: number, Cc: number, Rr: number) => {
    const out = new Array<E>(Rr * Cc).fill(F.zero);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[(i + rowOff) * Cc + j + colOff] = x[i * c + j];
    return out;
  };
  const part = (S: Scheme<E>, [pn, pm, pp]: number[], [on, om, op]: number[]) => ({
    U: S.U.map((x) => embed(x, pn, pm, on, om, m, n)),
    V: S.V.map((x) => embed(x, pm, pp, om, op, p, m)),
    W: S.W.map((x) => embed(x, pn, pp, on, op, p, n)),
  });
  const first = part(s, [n1, m1, p1], [0, 0, 0]);
  const second = part(t, [n2, m2, p2], [axis === 'n' ? n1 : 0, axis === 'm' ? m1 : 0, axis === 'p' ? p1 : 0]);
  return makeScheme({
    field: F, fieldTag: joinTag(s, t), target: { kind: 'matmul', format: [n, m, p] },
    U: [...first.U, ...second.U], V: [...first.V, ...second.V], W: [...first.W, ...second.W],
    meta: { source: `join-${axis}` },
  });
}
