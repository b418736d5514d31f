import { Fraction } from '../field/index.ts';
import { changeBasis, type Scheme } from '../scheme/index.ts';
import { schemeFactors } from '../cp/convert.ts';
import type { Factors } from '../cp/factors.ts';
import type { CpProblem } from '../cp/problem.ts';
import { Rng } from '../util/rng.ts';
import { strassenBlockStarts } from './blocks.ts';
import { coverPlan, coverTable, describePlan, planScheme } from './cover.ts';
import { groupStarts } from './group-starts.ts';
import { fullTileSchemes, subSchemes, type SubScheme } from './subschemes.ts';
import { exactError, floatError } from './isotropic.ts';
import { truncate } from './truncate.ts';

/**
 * The structured start families (random starts are drawn in multistart.ts). Each start carries its
 * float factors and, when it is rational, the scheme over Q with its exact error.
 */
export type Family = 'random' | 'naive' | 'embedded' | 'truncation' | 'strassen-block' | 'group' | 'given';
export const FAMILIES: readonly Family[] = ['random', 'naive', 'embedded', 'truncation', 'strassen-block', 'group'];
// 'given' (schemes handed to the search as starts, UniversalOptions.initial) is not a default family.

export interface Start {
  family: Family;
  label: string;
  factors: Factors;
  /** Float error of the start (the exact one's value when rational). */
  error: number;
  exact?: { scheme: Scheme<Fraction>; error: Fraction };
  /** For truncations: which whole-tile scheme (index into truncationSources). */
  source?: number;
}

function rationalStart(family: Family, label: string, scheme: Scheme<Fraction>): Start {
  const e = exactError(scheme);
  return { family, label, factors: schemeFactors(scheme), error: e.valueOf(), exact: { scheme, error: e } };
}

export interface StartOptions {
  /** Use the packaged published schemes (default true). */
  published?: boolean;
  seed: number;
  deadline?: number;
  families: readonly Family[];
}

export function structuredStarts(P: CpProblem, opts: StartOptions): Start[] {
  const t = P.format[0], r = P.r;
  const fam = new Set(opts.families);
  const out: Start[] = [];
  const lib = subSchemes(t, { published: opts.published });
  if (fam.has('naive')) {
    const p = coverPlan(coverTable(t, new Map()), r);
    out.push(rationalStart('naive', `keep ${p.used} of the ${t ** 3} naive products`, planScheme(p)));
  }
  if (fam.has('embedded')) {
    // The best guillotine packing, and the best ones restricted to smaller sub-schemes (other
    // packings of similar value are different starting points for refinement).
    const seen = new Set<string>();
    const variants: [string, (s: SubScheme) => boolean][] = [
      ['all', () => true],
      ['no whole-tile scheme', (s) => s.format[2] < t || s.format[0] < t],
      ['sub-schemes with a dimension ≤ 2', (s) => s.format[0] <= 2],
      ['Strassen-type only (<2,2,2>)', (s) => s.format.every((d) => d <= 2)],
    ];
    for (const [, allow] of variants) {
      const p = coverPlan(coverTable(t, lib, allow), r);
      const label = describePlan(p);
      if (seen.has(label) || !p.pieces.some((x) => x.kind === 'scheme')) continue;
      seen.add(label);
      out.push(rationalStart('embedded', `${label} (${p.covered}/${t ** 3} unit terms)`, planScheme(p)));
    }
  }
  if (fam.has('truncation')) {
    for (const full of fullTileSchemes(t, { published: opts.published })) {
      if (full.rank <= r || performance.now() > (opts.deadline ?? Infinity)) continue;
      const tr = truncate(P, full.build(), r, { exact: r <= 100, name: full.name });
      const label = `${full.name} (rank ${full.rank}) truncated to ${r}, decoder refit`;
      if (tr.exact) out.push({ ...rationalStart('truncation', label, tr.exact), factors: tr.factors });
      else out.push({ family: 'truncation', label, factors: tr.factors, error: floatError(P, tr.factors) });
    }
  }
  if (fam.has('strassen-block')) {
    for (const b of strassenBlockStarts(t, r, opts.published)) out.push(rationalStart('strassen-block', b.label, b.scheme));
  }
  if (fam.has('group')) {
    for (const g of groupStarts(t, r, opts.seed, { deadline: opts.deadline })) {
      out.push(rationalStart('group', `<${t},${t},${t}> in Q[${g.group}] (Fourier rank ${g.rank}, scaled read-out)`, g.scheme));
    }
  }
  return out;
}

/**
 * A randomised truncation of the whole-tile scheme number `source`, for restarts. With `moved` the
 * scheme is first moved by a random integer basis change (P, Q, R) = products of elementary
 * matrices I ± E_ij: the isotropic error is invariant only under orthogonal changes, so an
 * equivalent exact scheme in another basis truncates to genuinely different approximations (the
 * published <4,4,4>:49 schemes, all equivalent to Strassen⊗Strassen, give quite different ones).
 */
export function truncationSources(t: number, r: number, published?: boolean) {
  return fullTileSchemes(t, { published }).filter((f) => f.rank > r);
}

export function randomTruncation(P: CpProblem, source: number, moved: boolean, rng: Rng, published?: boolean): Start | null {
  const t = P.format[0], r = P.r;
  const list = truncationSources(t, r, published);
  if (list.length === 0) return null;
  const full = list[source % list.length];
  const s = moved ? changeBasis(full.build(), elementary(t, rng), elementary(t, rng), elementary(t, rng)) : full.build();
  const tr = truncate(P, s, r, { rng });
  const label = `${full.name}${moved ? ' in a random integer basis' : ''}, truncated at random among the cheapest drops`;
  return { family: 'truncation', label, factors: tr.factors, error: floatError(P, tr.factors), source: source % list.length };
}

function elementary(t: number, rng: Rng): Fraction[][] {
  const M = Array.from({ length: t }, (_, i) => Array.from({ length: t }, (_, j) => new Fraction(i === j ? 1 : 0)));
  for (let n = 1 + rng.int(2); n > 0 && t > 1; n--) {
    const i = rng.int(t), j = (i + 1 + rng.int(t - 1)) % t, sign = rng.int(2) ? 1 : -1;
    for (let c = 0; c < t; c++) M[i][c] = M[i][c].add(M[j][c].mul(sign));
  }
  return M;
}
