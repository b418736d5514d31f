import type { Fraction } from '../../field/index.ts';
import { naive } from '../../library/builtin.ts';
import { changeField, formatOf, joinMatmul, kron, makeScheme, rank, toFormat, type Scheme } from '../../scheme/index.ts';
import { verifyScheme } from '../../verify/index.ts';
import { ringField, type FlipRing } from './rings.ts';
import { flipSearch } from './walk.ts';

/**
 * Meta moves: edges between schemes of different formats (Kauers & Wood 2025, "the meta flip
 * graph"). An extension <n,m,p> → <n,m,p+1> adds the products of the new slab (naively); a
 * projection <n,m,p+1> → <n,m,p> restricts one column (row) to zero and drops the products that
 * vanish; extend–walk–project carries a scheme through a larger format and back, where the walk
 * may have found products the projection then removes. Products (Kronecker) and joins of smaller
 * schemes give starts for larger formats. Every result is verified exactly before it is returned.
 */
export type Axis = 0 | 1 | 2;
const AXIS_NAME = ['n', 'm', 'p'] as const;

function checked<E>(s: Scheme<E>, what: string): Scheme<E> {
  const r = verifyScheme(s);
  if (r.kind !== 'exact' || !r.exact) throw new Error(`internal check failed: ${what} does not verify over ${s.fieldTag}`);
  return s;
}

/** The naive scheme of a format over a scheme's field (Z reads as itself). */
function naiveLike<E>(s: Scheme<E>, [n, m, p]: readonly number[]): Scheme<E> {
  const z = naive(n, m, p) as Scheme<Fraction>;
  return (s.fieldTag === 'Z' || s.fieldTag === 'Q' ? z : changeField(z, s.fieldTag)) as unknown as Scheme<E>;
}

/** <n,m,p> → the format one larger along `axis`, by the naive products of the new slab. */
export function extendScheme<E>(s: Scheme<E>, axis: Axis): Scheme<E> {
  const f = formatOf(s);
  const slab = [...f];
  slab[axis] = 1;
  return checked(joinMatmul(s, naiveLike(s, slab), AXIS_NAME[axis]), `the extension of <${f}> along ${AXIS_NAME[axis]}`);
}

/**
 * Restrict index `index` of `axis` to zero: for axis n, row `index` of A and C; m: column of A and
 * row of B; p: column of B and C. The products whose restricted factor vanishes go. The result is
 * a scheme of the format one smaller along `axis`.
 */
export function projectScheme<E>(s: Scheme<E>, axis: Axis, index: number): Scheme<E> {
  const [n, m, p] = formatOf(s);
  const dims = [n, m, p];
  if (dims[axis] < 2 || index < 0 || index >= dims[axis]) throw new Error(`cannot remove index ${index} of ${AXIS_NAME[axis]} from <${dims}>`);
  const F = s.field;
  // Keep the entries of a row-major r×c matrix whose row (col) is not the removed one.
  const keep = (row: readonly E[], r: number, c: number, dropRow: number, dropCol: number) => row.filter((_, t) => Math.floor(t / c) !== dropRow && t % c !== dropCol);
  const [ur, uc, vr, vc, wr, wc] = axis === 0 ? [index, -1, -1, -1, index, -1] : axis === 1 ? [-1, index, index, -1, -1, -1] : [-1, -1, -1, index, -1, index];
  const U: E[][] = [], V: E[][] = [], W: E[][] = [];
  s.U.forEach((u, l) => {
    const a = keep(u, n, m, ur, uc), b = keep(s.V[l], m, p, vr, vc), c = keep(s.W[l], n, p, wr, wc);
    if ([a, b, c].some((x) => x.every((y) => F.isZero(y)))) return;
    U.push(a);
    V.push(b);
    W.push(c);
  });
  const smaller = [...dims] as [number, number, number];
  smaller[axis]--;
  return checked(makeScheme({ field: F, fieldTag: s.fieldTag, target: { kind: 'matmul', format: smaller }, U, V, W, meta: { ...s.meta, source: `projection of <${dims}> (${AXIS_NAME[axis]} = ${index} removed)` } }), `the projection of <${dims}>`);
}

/** The lowest-rank projection along `axis` over every index (first of equal ranks). */
export function bestProjection<E>(s: Scheme<E>, axis: Axis): Scheme<E> {
  const d = formatOf(s)[axis];
  let best: Scheme<E> | null = null;
  for (let i = 0; i < d; i++) {
    const t = projectScheme(s, axis, i);
    if (!best || rank(t) < rank(best)) best = t;
  }
  return best!;
}

/** The product construction: <n1n2, m1m2, p1p2> of rank r1·r2. */
export function productScheme<E>(s: Scheme<E>, t: Scheme<E>): Scheme<E> {
  return checked(kron(s, t), `the product of <${formatOf(s)}> and <${formatOf(t)}>`);
}

export interface CarryOptions {
  ring: FlipRing;
  axis: Axis;
  seed: number;
  /** Flips of the walk in the larger format. */
  flips: number;
}

/**
 * Extend–walk–project: extend along `axis`, walk over `ring` in the larger format (a plain walk
 * aiming as low as it gets within `flips`), then take the best projection back. Returns the
 * projected scheme (over the ring's field) whatever its rank; callers keep it when it is lower.
 */
export function extendWalkProject(s: Scheme<unknown>, o: CarryOptions): Scheme<unknown> {
  const big = extendScheme(s, o.axis);
  const r = flipSearch({ ring: o.ring, format: formatOf(big), start: big, targetRank: 1, seed: o.seed, maxFlips: o.flips });
  const back = bestProjection(r.best, o.axis);
  if (back.fieldTag !== ringField(o.ring)) throw new Error(`internal: a ${o.ring} walk gave a scheme over ${back.fieldTag}`);
  return back;
}

/**
 * Starts for `format` built from known schemes of other formats (`known(f)`: the best scheme of
 * <f> up to permutation, or undefined): joins of two smaller formats along each axis, products of
 * two smaller formats, and the best projection of each format one larger. Sorted by rank.
 */
export function composedStarts(format: readonly [number, number, number], known: (f: [number, number, number]) => Scheme<unknown> | undefined): { scheme: Scheme<unknown>; how: string }[] {
  const out: { scheme: Scheme<unknown>; how: string }[] = [];
  const get = (f: number[]) => {
    if (f.some((d) => d < 1)) return undefined;
    const s = known(f as [number, number, number]);
    return s && toFormat(s, f as [number, number, number]);
  };
  const name = (f: number[]) => `<${f.join(',')}>`;
  for (const axis of [0, 1, 2] as Axis[]) {
    const d = format[axis];
    for (let d1 = 1; d1 <= d / 2; d1++) {
      const f1 = [...format], f2 = [...format];
      f1[axis] = d1;
      f2[axis] = d - d1;
      const a = get(f1), b = get(f2);
      if (a && b && a.fieldTag === b.fieldTag) out.push({ scheme: checked(joinMatmul(a, b, AXIS_NAME[axis]), 'a join'), how: `join of ${name(f1)}:${rank(a)} and ${name(f2)}:${rank(b)}` });
    }
    const up = [...format];
    up[axis]++;
    const big = get(up);
    if (big) out.push({ scheme: bestProjection(big, axis), how: `projection of ${name(up)}:${rank(big)}` });
  }
  const divisors = (d: number) => Array.from({ length: d }, (_, i) => i + 1).filter((x) => d % x === 0 && x > 1 && x < d);
  const [n, m, p] = format;
  for (const a of [1, ...divisors(n)]) for (const b of [1, ...divisors(m)]) for (const c of [1, ...divisors(p)]) {
    const f1 = [a, b, c], f2 = [n / a, m / b, p / c];
    if (f1.join() === '1,1,1' || f2.join() === '1,1,1' || f1.join() > f2.join()) continue;
    const s = get(f1), t = get(f2);
    if (s && t && s.fieldTag === t.fieldTag) out.push({ scheme: productScheme(s, t), how: `product of ${name(f1)}:${rank(s)} and ${name(f2)}:${rank(t)}` });
  }
  return out.sort((x, y) => rank(x.scheme) - rank(y.scheme));
}
