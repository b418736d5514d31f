import type { FlipState } from '../../../src/search/flip/state.ts';
import { keyOf } from '../../../src/search/flip/state.ts';

/** Bits set in a factor key (below 2^53). */
export function bitsOf(key: number): number[] {
  const out: number[] = [];
  for (let b = 0; key > 0; b++, key = Math.floor(key / 2)) if (key % 2) out.push(b);
  return out;
}

/** Σ a⊗b⊗c over Z2 as a sorted list of the odd cells "α,β,γ": compares tensors of any format. */
export function tensorOf(terms: readonly (readonly number[])[]): string[] {
  const odd = new Set<string>();
  for (const [a, b, c] of terms) {
    const bs = bitsOf(b), cs = bitsOf(c);
    for (const x of bitsOf(a)) for (const y of bs) for (const z of cs) {
      const k = `${x},${y},${z}`;
      if (odd.has(k)) odd.delete(k);
      else odd.add(k);
    }
  }
  return [...odd].sort();
}

/** Terms up to order, as one string. */
export const canonTerms = (terms: readonly (readonly number[])[]): string => terms.map((t) => t.join(',')).sort().join(';');

/**
 * Every internal structure agrees with the factors: group keys and sizes, sorted member lists,
 * the flippable set, the rank; and (unless unreduced is allowed) no zero factor and no two terms
 * sharing two factors. Returns a list of problems (empty when all is well).
 */
export function invariantProblems(st: FlipState, allowUnreduced = false, deep = st.deepReduce && !allowUnreduced): string[] {
  const g = st.g, bad: string[] = [];
  const ids = st.ids();
  if (ids.length !== st.rank) bad.push(`rank ${st.rank} but ${ids.length} live terms`);
  const flippable = new Set<number>();
  for (const t of ids) for (let s = 0; s < 3; s++) {
    const x = t * 4 + s, grp = g.group[x];
    if (grp < 0) { bad.push(`node ${x} has no group`); continue; }
    if (g.gLo[grp] !== g.lo[x] || g.gHi[grp] !== g.hi[x]) bad.push(`node ${x} is in the group of another key`);
    let n = 0, prev = -1, seen = false;
    for (let y = g.gHead[grp]; y >= 0; y = g.next[y]) {
      if (y <= prev) bad.push(`group ${grp} is not sorted`);
      if (g.prev[y] !== prev) bad.push(`bad prev link at ${y}`);
      prev = y; n++; seen ||= y === x;
    }
    if (!seen) bad.push(`node ${x} missing from its group's list`);
    if (n !== g.gSize[grp]) bad.push(`group ${grp} size ${g.gSize[grp]} but ${n} members`);
    if (n >= 2) flippable.add(x);
    if (!allowUnreduced && g.lo[x] === 0 && g.hi[x] === 0) bad.push(`term ${t} has a zero factor`);
  }
  const fl = Array.from(g.fl.subarray(0, g.flLen));
  if (fl.length !== flippable.size || !fl.every((x, i) => flippable.has(x) && g.flPos[x] === i)) bad.push('flippable set is off');
  if (!allowUnreduced) {
    const T = ids.map((t) => st.termKeys(t));
    for (let i = 0; i < T.length; i++) for (let j = i + 1; j < T.length; j++) {
      const same = [0, 1, 2].filter((s) => T[i][s] === T[j][s]).length;
      if (same >= 2) bad.push(`terms ${ids[i]} and ${ids[j]} share ${same} factors`);
    }
  }
  if (deep) {
    // Terms sharing a factor have independent second factors and independent third factors.
    const T = ids.map((t) => st.termKeys(t));
    for (let s = 0; s < 3; s++) {
      const groups = new Map<number, number[][]>();
      for (const t of T) groups.set(t[s], [...(groups.get(t[s]) ?? []), t]);
      for (const G of groups.values()) for (const q of [0, 1, 2].filter((x) => x !== s)) {
        if (G.length >= 2 && gf2Rank(G.map((t) => t[q])) < G.length) bad.push(`terms sharing factor ${G[0][s]} have dependent factors in slot ${q}`);
      }
    }
  }
  return bad;
}

/** Rank over Z2 of bit sets given as keys below 2^53. */
export function gf2Rank(keys: number[]): number {
  const basis: bigint[] = [];
  for (const k of keys) {
    let v = BigInt(k);
    for (const b of basis) if ((v ^ b) < v) v ^= b;
    if (v !== 0n) {
      basis.push(v);
      basis.sort((x, y) => (x > y ? -1 : x < y ? 1 : 0));
    }
  }
  return basis.length;
}

export { keyOf };
