import { formatOf, makeScheme, SchemeError, type Scheme, type SchemeMeta } from './scheme.ts';

/** Row-major transpose of an r×c matrix stored as a flat row. */
function transposeFlat<E>(x: readonly E[], r: number, c: number): E[] {
  const out = new Array<E>(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = x[i * c + j];
  return out;
}

/** Provenance of a permuted scheme: the name no longer fits its format, the source says how it came. */
function derivedMeta(meta: SchemeMeta, how: string): SchemeMeta {
  const { name, description, ...rest } = meta;
  void description;
  return { ...rest, source: `${how}(${name ?? meta.source ?? 'scheme'})` };
}

/** (AB)ᵀ = BᵀAᵀ: a scheme for <n,m,p> becomes one for <p,m,n>. */
export function transposeScheme<E>(s: Scheme<E>): Scheme<E> {
  const [n, m, p] = formatOf(s);
  return makeScheme({
    field: s.field, fieldTag: s.fieldTag, target: { kind: 'matmul', format: [p, m, n] },
    U: s.V.map((v) => transposeFlat(v, m, p)),
    V: s.U.map((u) => transposeFlat(u, n, m)),
    W: s.W.map((w) => transposeFlat(w, n, p)),
    meta: derivedMeta(s.meta, 'transpose'),
  });
}

/**
 * The cyclic symmetry of the trace form Σ a_ij b_jk c_ki: a scheme for <n,m,p> becomes one for
 * <m,p,n> with factors (V, Wᵀ-form, U) — since C[i][k] pairs with c_ki, the new third factor is the
 * transpose of the old first one, and the new second is the transpose of the old third.
 */
export function rotateScheme<E>(s: Scheme<E>): Scheme<E> {
  const [n, m, p] = formatOf(s);
  return makeScheme({
    field: s.field, fieldTag: s.fieldTag, target: { kind: 'matmul', format: [m, p, n] },
    U: s.V.map((v) => [...v]),
    V: s.W.map((w) => transposeFlat(w, n, p)),
    W: s.U.map((u) => transposeFlat(u, n, m)),
    meta: derivedMeta(s.meta, 'rotate'),
  });
}

export type Permutation = 'id' | 'rot' | 'rot2' | 'T' | 'rotT' | 'rot2T';
export const PERMUTATIONS: readonly Permutation[] = ['id', 'rot', 'rot2', 'T', 'rotT', 'rot2T'];

/** The six schemes obtained by the cyclic shifts and the transposition: all formats <σ(n,m,p)>. */
export function permuteScheme<E>(s: Scheme<E>, which: Permutation): Scheme<E> {
  switch (which) {
    case 'id': return s;
    case 'rot': return rotateScheme(s);
    case 'rot2': return rotateScheme(rotateScheme(s));
    case 'T': return transposeScheme(s);
    case 'rotT': return rotateScheme(transposeScheme(s));
    case 'rot2T': return rotateScheme(rotateScheme(transposeScheme(s)));
  }
}

/** A scheme for the format [n', m', p'] if it is a permutation of this scheme's format. */
export function toFormat<E>(s: Scheme<E>, target: readonly [number, number, number]): Scheme<E> {
  for (const w of PERMUTATIONS) {
    const t = permuteScheme(s, w);
    const f = formatOf(t);
    if (f[0] === target[0] && f[1] === target[1] && f[2] === target[2]) return t;
  }
  throw new SchemeError(`<${target.join(',')}> is not a permutation of <${formatOf(s).join(',')}>`);
}
