import { formatOf, permuteScheme, SchemeError, type Scheme } from '../scheme/index.ts';
import { act, normalise, compose, inverse, type PermSet, type SymElement } from './action.ts';
import { differingInvariant, pairStrings, schemeInvariants, termData, type InvariantReport } from './invariants.ts';
import { findBasisChanges } from './solve.ts';
import { sameTerms } from './terms.ts';
import { z2Canonical, z2Supported } from './z2fast.ts';

export interface EquivalenceResult<E> {
  /** true: a checked transformation maps A onto B; false: proven not equivalent; null: undecided. */
  equivalent: boolean | null;
  /** B = act(A, transform), checked term by term before it is returned. */
  transform?: SymElement<E>;
  /** Why: the invariant that differs, or how the search ended. */
  reason: string;
  method: 'invariants' | 'search' | 'z2-canonical';
  invariants: [InvariantReport, InvariantReport];
  nodes: number;
}

export interface EquivalenceOptions {
  /** Which cyclic/transposition symmetries count (default: all that keep the format). */
  perms?: PermSet;
  nodeLimit?: number;
  /** Compute the O(r²) pair invariants (default: when rank ≤ 200). */
  pairs?: boolean;
}

/** Schemes are compared as exact tensor decompositions; floats cannot be decided. */
function requireExact(s: Scheme<unknown>, which: string): void {
  formatOf(s);
  if (!s.field.exact) throw new SchemeError(`${which} is over ${s.field.name}, which is not exact; equivalence needs an exact field`);
}

/**
 * Are A and B equivalent under (P, Q, R) ∈ GL_n × GL_m × GL_p over their field and the allowed
 * cyclic/transposition symmetries? Invariants answer "no" with a reason; otherwise the correspondence
 * search (solve.ts) constructs a transformation, which is verified by recomputing the terms. Over Z2
 * for formats up to <3,3,3> an undecided search falls back on exact canonical forms.
 */
export function equivalent<E>(A: Scheme<E>, B: Scheme<E>, opts: EquivalenceOptions = {}): EquivalenceResult<E> {
  requireExact(A, 'the first scheme');
  requireExact(B, 'the second scheme');
  const perms = opts.perms ?? 'all';
  const pairs = opts.pairs ?? Math.max(A.U.length, B.U.length) <= 200;
  const ia = schemeInvariants(A, perms, { pairs });
  const ib = schemeInvariants(B, perms, { pairs });
  const invariants: [InvariantReport, InvariantReport] = [ia.report, ib.report];
  const differs = differingInvariant(ia, ib);
  if (differs) return { equivalent: false, reason: differs, method: 'invariants', invariants, nodes: 0 };

  const colB = ib.coloursBy.get('id')!;
  const bSorted = colB.slice().sort().join(' ');
  const dataB = ib.data;
  let nodes = 0, complete = true;
  for (const [perm, colA] of ia.coloursBy) {
    if (colA.slice().sort().join(' ') !== bSorted) continue;
    const Ap = permuteScheme(A, perm);
    const pairs = ia.pairs && ib.pairs ? { pairA: pairStrings(ia.pairs, perm), pairB: pairStrings(ib.pairs, 'id') } : {};
    const res = findBasisChanges(Ap, B, termData(Ap), dataB, colA, colB, { nodeLimit: opts.nodeLimit, ...pairs });
    nodes += res.nodes;
    complete &&= res.complete;
    if (res.solutions.length > 0) {
      const [P, Q, R] = res.solutions[0];
      const g = normalise(A.field, { P, Q, R, perm });
      if (!sameTerms(act(A, g), B)) throw new Error('internal: the transformation found does not map A onto B');
      return { equivalent: true, transform: g, reason: `found by the correspondence search (${nodes} nodes) and checked term by term`, method: 'search', invariants, nodes };
    }
  }
  if (complete) {
    return { equivalent: false, reason: `all invariants agree, but the exhaustive correspondence search (${nodes} nodes) found no transformation`, method: 'search', invariants, nodes };
  }
  if (z2Supported(A) && A.field.name === B.field.name) {
    const ca = z2Canonical(A, perms), cb = z2Canonical(B, perms);
    if (ca.key !== cb.key) return { equivalent: false, reason: 'Z2 canonical forms differ (exhaustive over the group)', method: 'z2-canonical', invariants, nodes };
    const F = A.field as never as Scheme<number>['field'];
    const g = compose(F, inverse(F, cb.element), ca.element) as unknown as SymElement<E>;
    if (!sameTerms(act(A, g), B)) throw new Error('internal: canonical-form transformation does not map A onto B');
    return { equivalent: true, transform: g, reason: 'equal Z2 canonical forms (exhaustive over the group), transformation checked', method: 'z2-canonical', invariants, nodes };
  }
  return { equivalent: null, reason: `undecided: the correspondence search stopped after ${nodes} nodes without a transformation (not exhaustive)`, method: 'search', invariants, nodes };
}

/**
 * A key for deduplicating schemes (e.g. search results) by orbit: over Z2 with every dimension ≤ 3
 * the exact canonical form (equal keys ⇔ equivalent); otherwise the orbit hash of the invariants
 * (different keys ⇒ not equivalent; equal keys still need `equivalent` to confirm).
 */
export function orbitKey<E>(s: Scheme<E>, perms: PermSet = 'all'): { key: string; exact: boolean } {
  if (z2Supported(s)) return { key: z2Canonical(s, perms).key, exact: true };
  return { key: `hash:${schemeInvariants(s, perms, { pairs: s.U.length <= 200 }).report.hash}`, exact: false };
}
