import { Fraction, Q } from '../field/index.ts';
import { joinMatmul, kron, makeScheme, SchemeError, type Scheme } from '../scheme/index.ts';
import { fromTable, LADERMAN, STRASSEN, WINOGRAD } from './classic.ts';

/**
 * The built-in scheme library: classic schemes with exact hand-written coefficients (field "Z"),
 * and products of them. Every scheme carries meta.name, meta.description and meta.source.
 */

const NAIVE_SOURCE = 'the definition of the matrix product: C[i][k] = Σ_j A[i][j]·B[j][k]';

/** The standard algorithm for <n,m,p>: one product A[i][j]·B[j][k] per (i, j, k), rank n·m·p. */
export function naive(n: number, m: number, p: number): Scheme<Fraction> {
  for (const d of [n, m, p]) if (!Number.isInteger(d) || d < 1) throw new SchemeError(`naive(${n}, ${m}, ${p}): dimensions must be positive integers`);
  const unit = (len: number, at: number) => Array.from({ length: len }, (_, t) => (t === at ? Q.one : Q.zero));
  const U: Fraction[][] = [], V: Fraction[][] = [], W: Fraction[][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let k = 0; k < p; k++) {
    U.push(unit(n * m, i * m + j));
    V.push(unit(m * p, j * p + k));
    W.push(unit(n * p, i * p + k));
  }
  return makeScheme({
    field: Q, fieldTag: 'Z', target: { kind: 'matmul', format: [n, m, p] }, U, V, W,
    meta: { name: `naive-${n}x${m}x${p}`, description: `standard algorithm for <${n},${m},${p}>, rank ${n * m * p}`, source: NAIVE_SOURCE },
  });
}

export function strassen(): Scheme<Fraction> {
  return fromTable(2, 2, 2, STRASSEN, {
    name: 'strassen',
    description: "Strassen's <2,2,2>:7, the first scheme below the naive rank",
    source: 'V. Strassen, Gaussian elimination is not optimal, Numer. Math. 13 (1969) 354–356',
  });
}

export function winograd(): Scheme<Fraction> {
  return fromTable(2, 2, 2, WINOGRAD, {
    name: 'winograd',
    description: "Winograd's variant of Strassen, <2,2,2>:7 with 15 additions in its straight-line form",
    source: 'S. Winograd, On multiplication of 2×2 matrices, Linear Algebra Appl. 4 (1971) 381–388',
  });
}

export function laderman(): Scheme<Fraction> {
  return fromTable(3, 3, 3, LADERMAN, {
    name: 'laderman',
    description: "Laderman's <3,3,3>:23",
    source: 'J. D. Laderman, A noncommutative algorithm for multiplying 3×3 matrices using 23 multiplications, Bull. Amer. Math. Soc. 82 (1976) 126–128',
  });
}

/** kron(s, t) renamed: the library's products keep their parts' provenance in meta.source. */
function product(name: string, s: Scheme<Fraction>, t: Scheme<Fraction>, description: string): Scheme<Fraction> {
  const k = kron(s, t);
  return { ...k, meta: { name, description, source: `Kronecker product ${s.meta.name} ⊗ ${t.meta.name} (${s.meta.source}; ${t.meta.source})` } };
}

/** Strassen on the first two columns of B and one naive column beside it: <2,2,3>:11. */
function strassenJoin223(): Scheme<Fraction> {
  const s = joinMatmul(strassen(), naive(2, 2, 1), 'p');
  return {
    ...s,
    meta: { name: 'strassen-join-2x2x3', description: 'Strassen for B[:,1..2] joined with the naive product for B[:,3]: <2,2,3>:11', source: `block join of strassen and naive-2x2x1 (${strassen().meta.source})` },
  };
}

export interface BuiltinEntry {
  readonly name: string;
  readonly description: string;
  /** What the built scheme computes and how many products it uses, advertised without building it. */
  readonly format: readonly [number, number, number];
  readonly rank: number;
  readonly build: () => Scheme<unknown>;
}

const naiveEntry = (n: number, m: number, p: number): BuiltinEntry => ({
  name: `naive-${n}x${m}x${p}`, description: `standard algorithm for <${n},${m},${p}>, rank ${n * m * p}`,
  format: [n, m, p], rank: n * m * p, build: () => naive(n, m, p),
});

export const BUILTIN: readonly BuiltinEntry[] = [
  naiveEntry(2, 2, 2),
  naiveEntry(3, 3, 3),
  naiveEntry(4, 4, 4),
  naiveEntry(2, 3, 4),
  { name: 'strassen', description: 'Strassen 1969, <2,2,2>:7', format: [2, 2, 2], rank: 7, build: strassen },
  { name: 'winograd', description: 'Winograd 1971 variant of Strassen, <2,2,2>:7 (15 additions with reuse)', format: [2, 2, 2], rank: 7, build: winograd },
  { name: 'laderman', description: 'Laderman 1976, <3,3,3>:23', format: [3, 3, 3], rank: 23, build: laderman },
  {
    name: 'strassen2', description: 'strassen ⊗ strassen, <4,4,4>:49', format: [4, 4, 4], rank: 49,
    build: () => product('strassen2', strassen(), strassen(), 'Strassen applied recursively once: <4,4,4>:49'),
  },
  {
    name: 'strassen-x-laderman', description: 'strassen ⊗ laderman, <6,6,6>:161', format: [6, 6, 6], rank: 161,
    build: () => product('strassen-x-laderman', strassen(), laderman(), 'Strassen on 2×2 blocks, each block product by Laderman: <6,6,6>:161'),
  },
  {
    name: 'laderman-x-strassen', description: 'laderman ⊗ strassen, <6,6,6>:161', format: [6, 6, 6], rank: 161,
    build: () => product('laderman-x-strassen', laderman(), strassen(), 'Laderman on 3×3 blocks, each block product by Strassen: <6,6,6>:161'),
  },
  {
    name: 'strassen-x-naive-2x2x3', description: 'strassen ⊗ naive-2x2x3, <4,4,6>:84', format: [4, 4, 6], rank: 84,
    build: () => product('strassen-x-naive-2x2x3', strassen(), naive(2, 2, 3), 'Strassen on 2×2 blocks of 2×2 by 2×3 naive products: <4,4,6>:84'),
  },
  {
    name: 'naive-2x2x3-x-strassen', description: 'naive-2x2x3 ⊗ strassen, <4,4,6>:84', format: [4, 4, 6], rank: 84,
    build: () => product('naive-2x2x3-x-strassen', naive(2, 2, 3), strassen(), 'the naive 2×2 by 2×3 block product, each block product by Strassen: <4,4,6>:84'),
  },
  { name: 'strassen-join-2x2x3', description: 'strassen joined with a naive column, <2,2,3>:11', format: [2, 2, 3], rank: 11, build: strassenJoin223 },
];

const cache = new Map<string, Scheme<unknown>>();

/** A built-in scheme by name, built once; the returned scheme is shared, so treat it as read-only. */
export function builtinScheme(name: string): Scheme<unknown> {
  const hit = cache.get(name);
  if (hit) return hit;
  const entry = BUILTIN.find((e) => e.name === name);
  if (!entry) throw new SchemeError(`unknown built-in scheme "${name}"; known: ${BUILTIN.map((e) => e.name).join(', ')}`);
  const s = entry.build();
  cache.set(name, s);
  return s;
}

/** Names of the built-in schemes, in library order. */
export function builtinNames(): string[] {
  return BUILTIN.map((e) => e.name);
}
