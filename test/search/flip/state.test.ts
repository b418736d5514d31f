import { describe, expect, it } from 'vitest';
import { laderman, naive, strassen } from '../../../src/library/builtin.ts';
import { changeField, joinMatmul, kron, type Scheme } from '../../../src/scheme/index.ts';
import { Rng } from '../../../src/util/rng.ts';
import { FlipState, naiveTerms, schemeKeys, type Format } from '../../../src/search/flip/state.ts';
import { FlipWalker } from '../../../src/search/flip/walk.ts';
import { verifyScheme } from '../../../src/verify/index.ts';
import { canonTerms, invariantProblems, tensorOf } from './helpers.ts';

const exact = (s: Scheme<unknown>) => {
  const r = verifyScheme(s);
  return r.kind === 'exact' && r.exact;
};

/** <2,3,4>:22 from Strassen: <2,2,2> ⊕ <2,1,2> along m, then twice along p. */
const strassen234 = () => {
  const s232 = joinMatmul(strassen(), naive(2, 1, 2), 'm');
  return joinMatmul(s232, s232, 'p');
};

const starts: [string, Format, () => FlipState][] = [
  ['naive <2,2,2>', [2, 2, 2], () => FlipState.naive([2, 2, 2])],
  ['Strassen <2,2,2>:7', [2, 2, 2], () => FlipState.fromScheme(strassen())],
  ['naive <2,3,4>', [2, 3, 4], () => FlipState.naive([2, 3, 4])],
  ['Strassen-built <2,3,4>:22', [2, 3, 4], () => FlipState.fromScheme(strassen234())],
  ['naive <3,3,3>', [3, 3, 3], () => FlipState.naive([3, 3, 3])],
  ['naive <4,4,4> with deep reductions', [4, 4, 4], () => FlipState.fromTerms([4, 4, 4], naiveTerms([4, 4, 4]), { deepReduce: true })],
  ['Laderman <3,3,3>:23', [3, 3, 3], () => FlipState.fromScheme(laderman())],
  ['naive <6,6,6> (36-bit factors)', [6, 6, 6], () => FlipState.naive([6, 6, 6])],
  ['Strassen ⊗ Laderman <6,6,6>:161', [6, 6, 6], () => FlipState.fromScheme(kron(strassen(), laderman()))],
];

describe('FlipState', () => {
  it('converts to and from stlkit schemes over Z2', () => {
    const st = FlipState.fromScheme(laderman());
    expect(st.rank).toBe(23);
    const s = st.toScheme();
    expect(s.fieldTag).toBe('Z2');
    expect(s.target).toEqual({ kind: 'matmul', format: [3, 3, 3] });
    expect(exact(s)).toBe(true);
    expect(canonTerms(FlipState.fromScheme(s).terms())).toBe(canonTerms(st.terms()));
    expect(canonTerms(st.terms())).toBe(canonTerms(schemeKeys(laderman())));
    expect(exact(FlipState.naive([2, 3, 4]).toScheme())).toBe(true);
    expect(() => FlipState.fromTerms([2, 2, 2], [[16, 1, 1]])).toThrow(/4 bits/);
    expect(() => FlipState.fromScheme(changeField(laderman(), 'Z3'))).toThrow(/Z3/);
  });

  it('flip is (a, y1, z1) + (a, y2, z2) → (a, y1 + y2, z1) + (a, y2, z1 + z2), the same tensor', () => {
    // Two terms sharing a (= 1), in slot 0; no other sharing, so no reduction follows.
    const st = FlipState.fromTerms([2, 2, 2], [[1, 3, 5], [1, 6, 8], [15, 9, 2]]);
    const before = tensorOf(st.terms());
    expect(st.flip(0, 0, 1)).toBe(0);
    expect(st.terms()).toEqual([[1, 3 ^ 6, 5], [1, 6, 5 ^ 8], [15, 9, 2]]);
    expect(tensorOf(st.terms())).toEqual(before);
    // Shared b (slot 1): the roles cycle, (x, b, z) → (x, b, z1 + z2)…, (x1 + x2, b, z2).
    const st2 = FlipState.fromTerms([2, 2, 2], [[3, 1, 5], [6, 1, 8]]);
    st2.flip(1, 0, 1);
    expect(st2.terms()).toEqual([[3, 1, 5 ^ 8], [3 ^ 6, 1, 8]]);
  });

  for (const [name, format, make] of starts) {
    it(`10^5 random flips keep ${name} exact`, () => {
      const st = make();
      expect(exact(st.toScheme())).toBe(true);
      // A walker, so that a start without flips (Strassen, Laderman) moves by plus transitions.
      const w = new FlipWalker(st, 2024, { plateau: 5000, targetRank: 0, restartFlips: 0 });
      w.run(100_000);
      expect(w.flips).toBeGreaterThanOrEqual(100_000);
      expect(invariantProblems(st)).toEqual([]);
      const s = st.toScheme();
      expect(s.target).toEqual({ kind: 'matmul', format });
      expect(exact(s)).toBe(true);
      expect(exact(w.bestScheme())).toBe(true);
      if (format[0] === 6) expect(st.g.hi.some((x) => x !== 0)).toBe(true); // the high words are in use
    });
  }

  it('plus transitions and flips without reduction keep the tensor; reduceAll tidies up', () => {
    const deep666 = () => FlipState.fromTerms([6, 6, 6], naiveTerms([6, 6, 6]), { deepReduce: true });
    for (const make of [() => FlipState.fromScheme(strassen()), deep666]) {
      const st = make();
      const T = tensorOf(st.terms());
      const rng = new Rng(5);
      for (let round = 0; round < 200; round++) {
        const ids = st.ids();
        const t1 = ids[rng.int(ids.length)], t2 = ids[rng.int(ids.length)];
        const r = st.rank;
        if (st.plus(rng.int(3), t1, t2, rng.int(2) as 0 | 1)) expect(st.rank).toBeLessThanOrEqual(r + 1);
        for (let i = 0; i < 20; i++) st.randomFlip(rng, false);
        expect(invariantProblems(st, true)).toEqual([]);
        st.reduceAll();
        expect(invariantProblems(st)).toEqual([]);
      }
      expect(tensorOf(st.terms())).toEqual(T);
      expect(exact(st.toScheme())).toBe(true);
    }
  });

  it('reduces terms sharing two factors, zero factors, and dependent groups', () => {
    // Split a Strassen term a⊗b⊗c into a⊗b⊗c1 + a⊗b⊗c2: rank 8, one reduction back to 7.
    const S = schemeKeys(strassen());
    const [a, b, c] = S[0];
    const low = c & -c;
    const split = [...S.slice(1), [a, b, low], [a, b, c ^ low]];
    expect(FlipState.fromTerms([2, 2, 2], split, { reduce: false }).rank).toBe(8);
    const st = FlipState.fromTerms([2, 2, 2], split);
    expect(st.rank).toBe(7);
    expect(canonTerms(st.terms())).toBe(canonTerms(S));
    // A term with a zero factor goes; two equal terms cancel.
    expect(FlipState.fromTerms([2, 2, 2], [...S, [0, 3, 4]]).rank).toBe(7);
    expect(FlipState.fromTerms([2, 2, 2], [...S, [1, 2, 4], [1, 2, 4]]).rank).toBe(7);
    // a⊗b1⊗c1 + a⊗b2⊗c2 + a⊗(b1+b2)⊗c3 = a⊗b1⊗(c1+c3) + a⊗b2⊗(c2+c3): no pair shares two factors.
    const dep = [[1, 1, 1], [1, 2, 2], [1, 3, 4]];
    expect(FlipState.fromTerms([2, 2, 2], dep).rank).toBe(3); // deepReduce is off by default
    const deep = FlipState.fromTerms([2, 2, 2], dep, { deepReduce: true });
    expect(deep.rank).toBe(2);
    expect(tensorOf(deep.terms())).toEqual(tensorOf(dep));
  });

  it('a flip that makes two terms share two factors merges them', () => {
    // (a, b1, c1) + (a, b2, c2) → (a, b1 + b2, c1) + …, and (x, b1 + b2, c1) is already there.
    const terms = [[1, 1, 1], [1, 2, 2], [6, 3, 1]];
    const st = FlipState.fromTerms([2, 2, 2], terms);
    expect(st.rank).toBe(3);
    expect(st.flip(0, 0, 1)).toBe(-1);
    expect(st.rank).toBe(2);
    expect(tensorOf(st.terms())).toEqual(tensorOf(terms));
    expect(invariantProblems(st)).toEqual([]);
  });

  it('a flip elsewhere that makes a group dependent triggers the group reduction', () => {
    // Terms sharing a = 1 with b = 1, 2, 4; the flip over the shared c = 4 turns b = 4 into 3 = 1 + 2.
    const terms = [[1, 1, 1], [1, 2, 2], [1, 4, 4], [8, 7, 4]];
    for (const deepReduce of [true, false]) {
      const st = FlipState.fromTerms([2, 2, 2], terms, { deepReduce });
      expect(st.rank).toBe(4);
      expect(st.flip(2, 3, 2)).toBe(deepReduce ? -1 : 0);
      expect(tensorOf(st.terms())).toEqual(tensorOf(terms));
      expect(invariantProblems(st, false, deepReduce)).toEqual([]);
    }
  });

  it('restores a snapshot into the same structure', () => {
    const st = FlipState.naive([3, 3, 3]);
    const rng = new Rng(9);
    for (let i = 0; i < 5000; i++) st.randomFlip(rng);
    const snap = JSON.parse(JSON.stringify(st.snapshot()));
    const copy = FlipState.restore(snap);
    expect(copy.snapshot()).toEqual(st.snapshot());
    expect(invariantProblems(copy)).toEqual([]);
    const r1 = new Rng(3), r2 = new Rng(3);
    for (let i = 0; i < 5000; i++) expect(copy.randomFlip(r2)).toBe(st.randomFlip(r1));
    expect(copy.snapshot()).toEqual(st.snapshot());
  });
});
