import { describe, expect, it } from 'vitest';
import { laderman, strassen } from '../../../src/library/builtin.ts';
import { naiveRingTerms, restoreState, ringTerms, stateFromTerms, type FlipRing } from '../../../src/search/flip/rings.ts';
import type { SignedFlipState } from '../../../src/search/flip/signed-state.ts';
import { FlipWalker, flipSearch, type FlipSnapshot } from '../../../src/search/flip/walk.ts';
import type { Format } from '../../../src/search/flip/state.ts';
import { keyRow, rowKey } from '../../../src/search/flip/ternary.ts';
import { ZTState } from '../../../src/search/flip/zt-state.ts';
import type { Scheme } from '../../../src/scheme/index.ts';
import { Rng } from '../../../src/util/rng.ts';
import { verifyScheme } from '../../../src/verify/index.ts';

const exact = (s: Scheme<unknown>) => {
  const r = verifyScheme(s);
  return r.kind === 'exact' && r.exact;
};

/** Every coefficient of a Z scheme is −1, 0 or 1. */
const ternary = (s: Scheme<unknown>) => [s.U, s.V, s.W].every((M) => M.every((row) => row.every((x) => {
  const [n, d] = s.field.toRational(x);
  return d === 1n && n >= -1n && n <= 1n;
})));

/** Groups agree with the factors, factors are canonical (first nonzero +1), signs are ±1. */
function signedProblems(st: SignedFlipState): string[] {
  const g = st.g, bad: string[] = [];
  for (const t of st.ids()) {
    if (st.sign[t] !== 1 && st.sign[t] !== -1) bad.push(`term ${t} has sign ${st.sign[t]}`);
    for (let s = 0; s < 3; s++) {
      const x = t * 4 + s, P = g.lo[x], N = g.hi[x];
      if (P & N) bad.push(`node ${x} has an entry both +1 and −1`);
      const low = (P | N) & -(P | N);
      if (!low) bad.push(`node ${x} is zero`);
      else if (N & low) bad.push(`node ${x} is not canonical`);
      const grp = g.group[x];
      if (grp < 0 || g.gLo[grp] !== P || g.gHi[grp] !== N) bad.push(`node ${x} is not in its factor's group`);
    }
  }
  return bad;
}

/** Σ σ·a⊗b⊗c over Z as a dense array: compares states that are not schemes of a format. */
function tensorOver(st: SignedFlipState): number[] {
  const { U, V, W } = st.rows();
  const [a, b, c] = st.bits, T = new Array(a * b * c).fill(0);
  U.forEach((u, l) => u.forEach((x, i) => V[l].forEach((y, j) => W[l].forEach((z, k) => (T[(i * b + j) * c + k] += x * y * z)))));
  return T;
}

const rings: FlipRing[] = ['ZT', 'Z3'];

describe('ternary keys', () => {
  it('round-trip rows in {−1, 0, 1} and refuse other entries', () => {
    const row = [0, 1, -1, 0, 1, -1, -1];
    expect(keyRow(rowKey(row), row.length)).toEqual(row);
    expect(() => rowKey([2])).toThrow(/not in \{-1, 0, 1\}/);
  });
});

describe.each(rings)('flips over %s', (ring) => {
  it('keep the tensor exactly through random flips, reductions and plus transitions', () => {
    for (const format of [[2, 2, 2], [2, 3, 4], [3, 3, 3]] as Format[]) {
      const st = stateFromTerms(ring, format, naiveRingTerms(ring, format)) as unknown as SignedFlipState;
      const rng = new Rng(7);
      for (let step = 0; step < 40; step++) {
        for (let i = 0; i < 500; i++) st.randomFlip(rng);
        const ids = st.ids();
        if (ids.length >= 2) st.plus(rng.int(3), ids[rng.int(ids.length)], ids[rng.int(ids.length)], rng.int(2) as 0 | 1, rng.int(2) ? 1 : -1);
        if (step % 8 === 0) {
          const s = st.toScheme();
          expect(s.fieldTag).toBe(ring === 'ZT' ? 'Z' : 'Z3');
          expect(exact(s)).toBe(true);
          if (ring === 'ZT') expect(ternary(s)).toBe(true);
          expect(signedProblems(st)).toEqual([]);
        }
      }
    }
  });

  it('walks reach <3,3,3>:23 and the result is exact', () => {
    const r = flipSearch({ ring, format: [3, 3, 3], targetRank: 23, seed: 3, maxFlips: 40_000_000 });
    expect(r.bestRank).toBe(23);
    expect(exact(r.scheme!)).toBe(true);
    if (ring === 'ZT') expect(ternary(r.scheme!)).toBe(true);
  });

  it('continues from a JSON snapshot exactly as the uninterrupted walk', () => {
    const busy = { plateau: 300, maxUp: 2, plusFlips: 10, restartFlips: 20_000, targetRank: 0 };
    const start = () => stateFromTerms(ring, [3, 3, 3], naiveRingTerms(ring, [3, 3, 3]));
    const whole = new FlipWalker(start(), 5, busy);
    whole.run(120_000);
    const w = new FlipWalker(start(), 5, busy);
    w.run(50_000);
    const resumed = FlipWalker.restore(JSON.parse(JSON.stringify(w.snapshot())) as FlipSnapshot);
    resumed.run(70_000);
    expect(resumed.state.snapshot()).toEqual(whole.state.snapshot());
    expect(resumed.counters).toEqual(whole.counters);
    expect(whole.counters.plusTransitions).toBeGreaterThan(0);
    expect(exact(resumed.bestScheme())).toBe(true);
    expect(exact(restoreState(resumed.state.snapshot()).toScheme())).toBe(true);
  });
});

describe('ZT states', () => {
  it('read integer schemes with signs and refuse coefficients outside {−1, 0, 1}', () => {
    const st = ZTState.fromTerms([2, 2, 2], ringTerms(strassen(), 'ZT'));
    expect(st.rank).toBe(7);
    expect(exact(st.toScheme())).toBe(true);
    expect(exact(ZTState.fromTerms([3, 3, 3], ringTerms(laderman(), 'ZT')).toScheme())).toBe(true);
    const doubled = { ...strassen(), W: strassen().W.map((r) => r.map((x) => strassen().field.add(x, x))) };
    expect(() => ringTerms(doubled, 'ZT')).toThrow(/not in \{-1, 0, 1\}/);
  });

  it('refuse a flip whose sum would leave {−1, 0, 1} and leave the state as it was', () => {
    // Two terms sharing a, with overlapping second factors.
    const k = (r: number[]) => rowKey(r);
    const st = ZTState.fromTerms([1, 2, 2], [[k([1, 0]), k([1, 1, 0, 0]), k([1, 0])], [k([1, 0]), k([1, 0, 1, 0]), k([0, 1])]]);
    const before = JSON.stringify(st.snapshot()), T = tensorOver(st);
    // y1 + y2 = (2, 1, 1, 0) is refused, y1 − y2 = (0, 1, −1, 0) is taken.
    st.flip(0, 0, 1, true, 1);
    expect(st.refused).toBe(0);
    expect(tensorOver(st)).toEqual(T);
    expect(JSON.stringify(st.snapshot())).not.toBe(before);
    const st2 = ZTState.fromTerms([1, 2, 2], [[k([1, 0]), k([1, 1, 0, 0]), k([1, 1])], [k([1, 0]), k([1, -1, 0, 0]), k([1, -1])]]);
    const snap = JSON.stringify(st2.snapshot());
    // z2 ∓ z1 = (0, −2) or (2, 0) and y1 ± y2 = (2, 0) or (0, 2): both signs refused.
    st2.flip(0, 0, 1, true, 1);
    expect(st2.refused).toBe(1);
    expect(JSON.stringify(st2.snapshot())).toBe(snap);
  });
});
