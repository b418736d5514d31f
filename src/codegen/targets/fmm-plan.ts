import type { Fraction } from '../../field/index.ts';
import { SchemeError, type Scheme } from '../../scheme/index.ts';

/**
 * The launch plan of one level of an exact <t,t,t> scheme on t×t blocks, for the fmm-triton
 * target: the products with normalised coefficients, launch groups with pairwise-disjoint output
 * blocks, first-writer flags and the operand sums of the presum modes. Exact rationals throughout,
 * so that every choice (a sum shared by two products, a ±1 coefficient) is decided exactly.
 */

/** (block q, coefficient) with q = a·t + b the block in row a, column b. */
export type Term = readonly [number, Fraction];

/**
 * Product l with its operand terms normalised so that the first term of each operand has
 * coefficient 1; the dropped factors go into the epilogue coefficients c.
 */
export interface Product {
  readonly l: number;
  readonly a: readonly Term[];
  readonly b: readonly Term[];
  readonly c: readonly Term[];
  readonly targets: ReadonlySet<number>;
  /** Per term of c: this product is the first to write that output block. */
  readonly first: boolean[];
  /** Index of the operand sum in sa / sb where the operand has more than one term, else null. */
  ia: number | null;
  ib: number | null;
}

export interface FmmPlan {
  readonly name: string;
  readonly t: number;
  readonly r: number;
  /** Launch groups in order: products whose output blocks are pairwise disjoint. */
  readonly groups: readonly (readonly Product[])[];
  /** The products in launch order (the groups concatenated). */
  readonly products: readonly Product[];
  /** Distinct operand sums (more than one term) of A and of B, in order of first use. */
  readonly sa: readonly (readonly Term[])[];
  readonly sb: readonly (readonly Term[])[];
}

export const FMM_MODES = ['fused', 'presum', 'sequential', 'persistent'] as const;
export type FmmMode = (typeof FMM_MODES)[number];

/** Products per launch: fused / presum share launches by group, sequential one each, persistent none. */
export function launchGroups(plan: FmmPlan, mode: FmmMode): readonly (readonly Product[])[] {
  if (mode === 'persistent') return [];
  if (mode === 'sequential') return plan.products.map((p) => [p]);
  return plan.groups;
}

/** The plan of `s` (exact rational coefficients, <t,t,t>); `name` labels the generated code. */
export function fmmPlan(s: Scheme<unknown>, name: string): FmmPlan {
  if (s.field.name !== 'Q') throw new SchemeError(`fmm-triton needs exact rational coefficients (a Z or Q scheme); this one is over ${s.fieldTag}`);
  const [t] = s.target.kind === 'matmul' ? s.target.format : [0];
  const [U, V, W] = [s.U, s.V, s.W] as Fraction[][][];
  const r = U.length;
  const nz = (row: Fraction[]): Term[] => row.flatMap((v, q) => (v.n === 0n ? [] : [[q, v] as const]));
  const prods: Product[] = [];
  for (let l = 0; l < r; l++) {
    const [a, b, c] = [nz(U[l]), nz(V[l]), nz(W[l])];
    // A product with a zero form or no output contributes nothing.
    if (a.length && b.length && c.length) prods.push(product(l, a, b, c));
  }
  const covered = new Set(prods.flatMap((p) => [...p.targets]));
  const missing = Array.from({ length: t * t }, (_, q) => q).filter((q) => !covered.has(q));
  if (missing.length) throw new SchemeError(`${name}: output blocks [${missing.join(', ')}] get no product`);
  // Greedy grouping: largest target sets first; add products disjoint from the group so far.
  const left = [...prods].sort((x, y) => y.targets.size - x.targets.size || x.l - y.l);
  const groups: Product[][] = [];
  while (left.length) {
    const g = [left.shift()!];
    const used = new Set(g[0].targets);
    for (const p of [...left]) {
      if ([...p.targets].some((q) => used.has(q))) continue;
      g.push(p);
      for (const q of p.targets) used.add(q);
      left.splice(left.indexOf(p), 1);
    }
    groups.push(g);
  }
  const written = new Set<number>();
  for (const g of groups) {
    for (const p of g) p.c.forEach(([q], i) => (p.first[i] = !written.has(q)));
    for (const p of g) for (const q of p.targets) written.add(q);
  }
  const products = groups.flat();
  // Operand sums (more than one term) for the presum modes, deduplicated.
  const sa: Term[][] = [], sb: Term[][] = [];
  const key = (terms: readonly Term[]) => terms.map(([q, v]) => `${q}:${v.toFraction()}`).join(' ');
  const index = (terms: readonly Term[], list: Term[][]) => {
    if (terms.length <= 1) return null;
    const at = list.findIndex((x) => key(x) === key(terms));
    if (at >= 0) return at;
    list.push([...terms]);
    return list.length - 1;
  };
  for (const p of products) {
    p.ia = index(p.a, sa);
    p.ib = index(p.b, sb);
  }
  return { name, t, r, groups, products, sa, sb };
}

function product(l: number, a: Term[], b: Term[], c: Term[]): Product {
  const [sa, sb] = [a[0][1], b[0][1]];
  return {
    l,
    a: a.map(([q, v]) => [q, v.div(sa)] as const),
    b: b.map(([q, v]) => [q, v.div(sb)] as const),
    c: c.map(([q, v]) => [q, v.mul(sa).mul(sb)] as const),
    targets: new Set(c.map(([q]) => q)),
    first: [],
    ia: null,
    ib: null,
  };
}

/**
 * The plan as JSON for the Python runtime (bench/gpu/fmm_plan.py), which launches the generated
 * kernels by it: coefficients as exact strings ("-1/2"), products in launch order, the launches of
 * each mode as lists of product numbers l.
 */
export function planJson(plan: FmmPlan, modules: Record<string, string>): string {
  const terms = (ts: readonly Term[]) => ts.map(([q, v]) => [q, v.toFraction()]);
  const ls = (gs: readonly (readonly Product[])[]) => gs.map((g) => g.map((p) => p.l));
  return JSON.stringify({
    generator: 'stlkit codegen fmm-triton',
    name: plan.name, t: plan.t, r: plan.r,
    products: plan.products.map((p) => ({ l: p.l, a: terms(p.a), b: terms(p.b), c: terms(p.c), first: p.first, ia: p.ia, ib: p.ib })),
    groups: ls(plan.groups),
    launches: Object.fromEntries(FMM_MODES.map((m) => [m, ls(launchGroups(plan, m))])),
    sa: plan.sa.map(terms), sb: plan.sb.map(terms),
    modules,
  }) + '\n';
}
