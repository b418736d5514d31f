import type { Fraction } from '../field/index.ts';
import type { Scheme } from '../scheme/index.ts';
import { embeddedScheme, fourierScheme, groupForName, searchEmbedding, type FourierAlgorithm } from '../group-algebra/index.ts';
import { exactError, padRational } from './isotropic.ts';

/**
 * Group-theoretic starts (src/group-algebra): <t,t,t> embedded in Q[G] by index sets S, T, U ⊆ G with
 * the fewest triple-product violations, composed with the exact rational Fourier algorithm of
 * Q[G] and the least-squares-scaled read-out. Such a scheme has the group algebra's rank; it is
 * usable for r ≥ that rank (padded with zero products). Abelian groups give the DFT /
 * polynomial-evaluation encoders (the Fourier algorithm of Z_n is Toom–Cook / CRT over Q).
 */
export const GROUPS = [
  'Z2', 'Z3', 'Z4', 'Z2xZ2', 'S3', 'Z5', 'Z6', 'Z7', 'Z8', 'D4', 'Q8', 'Z2xZ2xZ2', 'Z4xZ2', 'Z9', 'Z3xZ3', 'Z10', 'D5',
  'Z12', 'D6', 'Z16', 'Z2xZ2xZ2xZ2', 'Z4xZ4', 'Z2xZ8', 'S4', 'Z3xZ3xZ3', 'Z5xZ5', 'Z6xZ6', 'Z27', 'Z4xZ4xZ4', 'Z8xZ8',
];

export interface GroupStart {
  group: string;
  scheme: Scheme<Fraction>;
  error: Fraction;
  /** Products of the group-algebra algorithm (≤ r). */
  rank: number;
}

const algebras = new Map<string, FourierAlgorithm>();
const starts = new Map<string, GroupStart>();

function algebra(name: string): FourierAlgorithm {
  let f = algebras.get(name);
  if (!f) algebras.set(name, (f = fourierScheme(name)));
  return f;
}

/** The rank of Q[G]'s Fourier algorithm for each listed group (cheap; cached). */
export function groupRank(name: string): number {
  return algebra(name).rank;
}

/**
 * The best `count` group starts usable at rank r (least exact error), searched with a small budget
 * (exhaustive for small groups, seeded local search otherwise) and cached per (group, t, seed).
 */
export function groupStarts(t: number, r: number, seed: number, opts: { count?: number; deadline?: number; groups?: readonly string[] } = {}): GroupStart[] {
  const out: GroupStart[] = [];
  for (const name of opts.groups ?? GROUPS) {
    if (performance.now() > (opts.deadline ?? Infinity)) break;
    // Multiplication in an algebra of dimension |G| needs at least |G| products: skip early.
    const order = groupForName(name).group.order;
    if (order < t || order > r) continue;
    const f = algebra(name);
    if (f.group.order < t || f.rank > r) continue;
    const key = `${name}|${t}|${seed}`;
    let g = starts.get(key);
    if (!g) {
      const res = searchEmbedding(f.group, [t, t, t], { seed, restarts: 8, iterations: 800, exhaustiveLimit: 2e5 });
      const scheme = embeddedScheme(f.group, res.embedding, f.scheme, { scaledReadout: true }) as Scheme<Fraction>;
      g = { group: name, scheme, error: exactError(scheme), rank: f.rank };
      starts.set(key, g);
    }
    out.push(g);
  }
  out.sort((x, y) => x.error.compare(y.error) || x.rank - y.rank);
  return out.slice(0, opts.count ?? 2).map((g) => ({ ...g, scheme: padRational(g.scheme, r) }));
}
