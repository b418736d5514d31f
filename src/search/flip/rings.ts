import { changeField, formatOf, type Scheme } from '../../scheme/index.ts';
import type { Rng } from '../../util/rng.ts';
import { FlipState, naiveTerms, schemeKeys, type FlipStateSnapshot, type Format } from './state.ts';
import type { SignedStateSnapshot } from './signed-state.ts';
import { rowKey } from './ternary.ts';
import { Z3State } from './z3-state.ts';
import { ZTState } from './zt-state.ts';

/**
 * The rings the flip graph walks over, one state class each: Z2 (state.ts, bit-packed), ZT
 * (zt-state.ts: integers kept in {−1, 0, 1}, exact over Z) and Z3 (z3-state.ts). A term is
 * [a, b, c] as keys: bit sets over Z2, ternary keys (ternary.ts) over ZT and Z3.
 */
export type FlipRing = 'Z2' | 'ZT' | 'Z3';
export const FLIP_RINGS: readonly FlipRing[] = ['Z2', 'ZT', 'Z3'];

export type RingSnapshot = FlipStateSnapshot | SignedStateSnapshot;

/** What the walk (walk.ts) needs of a state, whatever its ring. */
export interface RingFlipState {
  readonly ring: FlipRing;
  readonly format: Format;
  readonly capacity: number;
  readonly rank: number;
  readonly alive: Uint8Array;
  readonly g: { readonly flLen: number };
  randomFlip(rng: Rng, reduce?: boolean): number;
  plus(s: number, t1: number, t2: number, dir: 0 | 1, nu?: number): boolean;
  reduceAll(): void;
  snapshot(): RingSnapshot;
  load(snap: RingSnapshot): void;
  terms(): number[][];
  toScheme(): Scheme<unknown>;
}

/** The field tag of the schemes a ring's walk produces. */
export const ringField = (ring: FlipRing): 'Z2' | 'Z' | 'Z3' => (ring === 'ZT' ? 'Z' : ring);

/** A state over `ring` from terms (reduced unless reduce is false). */
export function stateFromTerms(ring: FlipRing, format: Format, terms: readonly (readonly number[])[], opts: { capacity?: number; reduce?: boolean } = {}): RingFlipState {
  if (ring === 'Z2') return FlipState.fromTerms(format, terms, opts);
  return (ring === 'ZT' ? ZTState.fromTerms(format, terms, opts) : Z3State.fromTerms(format, terms, opts)) as RingFlipState;
}

export function restoreState(snap: RingSnapshot): RingFlipState {
  if (!('ring' in snap)) return FlipState.restore(snap);
  const st = snap.ring === 'ZT' ? new ZTState(snap.format, snap.capacity) : new Z3State(snap.format, snap.capacity);
  st.load(snap);
  return st as RingFlipState;
}

/** The naive algorithm's terms, over any ring (the unit vectors are the same keys). */
export function naiveRingTerms(ring: FlipRing, format: Format): number[][] {
  return ring === 'Z2' ? naiveTerms(format) : naiveTerms(format).map((t) => t.map((k) => rowKey(unitRow(k))));
}

function unitRow(key: number): number[] {
  const i = Math.log2(key);
  return Array.from({ length: i + 1 }, (_, j) => (j === i ? 1 : 0));
}

/**
 * A scheme's terms over `ring`: over Z2 reduced mod 2 (schemeKeys); over ZT its coefficients must
 * be integers in {−1, 0, 1}; over Z3 it is read mod 3 (a Z3 scheme, or Z/Q with denominators prime
 * to 3). Throws a one-line reason otherwise.
 */
export function ringTerms(s: Scheme<unknown>, ring: FlipRing): number[][] {
  if (ring === 'Z2') return schemeKeys(s);
  formatOf(s);
  let rows: (M: readonly (readonly unknown[])[]) => number[][];
  if (ring === 'ZT') {
    if (s.field.name !== 'Q') throw new Error(`a scheme over ${s.fieldTag} is not an integer scheme; ZT needs coefficients in {-1, 0, 1}`);
    rows = (M) => M.map((r) => r.map((x) => {
      const [n, d] = s.field.toRational(x);
      if (d !== 1n || n < -1n || n > 1n) throw new Error(`coefficient ${s.field.toString(x)} is not in {-1, 0, 1}; ZT needs a ternary scheme`);
      return Number(n);
    }));
  } else {
    const z3 = s.fieldTag === 'Z3' ? s : changeField<unknown, number>(s, 'Z3');
    rows = (M) => M.map((r) => r.map((x) => (x === 2 ? -1 : Number(x))));
    return z3.U.map((_, l) => [rowKey(rows([z3.U[l]])[0]), rowKey(rows([z3.V[l]])[0]), rowKey(rows([z3.W[l]])[0])]);
  }
  const U = rows(s.U), V = rows(s.V), W = rows(s.W);
  return U.map((u, l) => [rowKey(u), rowKey(V[l]), rowKey(W[l])]);
}
