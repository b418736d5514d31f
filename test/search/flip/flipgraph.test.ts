import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readExp } from '../../../src/formats/exp.ts';
import { FlipState, schemeKeys } from '../../../src/search/flip/state.ts';
import { verifyScheme } from '../../../src/verify/index.ts';
import { makeScheme } from '../../../src/scheme/index.ts';
import { SCHEMES } from '../../helpers/shared.ts';

/**
 * The complete rank-8 flip graph of <2,2,2> over Z2 (Kauers–Moosbauer, jakobmoosbauer/flips):
 * vertices/*.exp and edges.txt ("X.exp Y.exp" per line, self-loops included). Each vertex stands
 * for its class under the symmetries of matrix multiplication (273 classes, one of them Strassen's
 * rank 7), and the edges of a vertex are the classes of the schemes one flip away. So the check is
 * up to symmetry: for every vertex, the classes our flips reach are exactly its edges.
 */
const DIR = join(SCHEMES, 'flips/222flipgraph_rank8');

// 2×2 matrices over Z2 as 4-bit keys, bit 2i+j ↔ M[i][j] (stlkit's row-major layout).
const at = (k: number, i: number, j: number) => (k >> (2 * i + j)) & 1;
const mul = (x: number, y: number) => {
  let r = 0;
  for (let i = 0; i < 2; i++) for (let k = 0; k < 2; k++) r |= ((at(x, i, 0) & at(y, 0, k)) ^ (at(x, i, 1) & at(y, 1, k))) << (2 * i + k);
  return r;
};
const tr = (x: number) => (x & 9) | ((x & 2) << 1) | ((x & 4) >> 1);
const GL = [6, 9, 11, 13, 14, 7].filter((k) => ((at(k, 0, 0) & at(k, 1, 1)) ^ (at(k, 0, 1) & at(k, 1, 0))) === 1);
const inv = (x: number) => GL.find((y) => mul(x, y) === 9)!;
const table = (f: (x: number) => number) => Array.from({ length: 16 }, (_, x) => f(x));

/**
 * The symmetry group of <2,2,2> acting on terms (X, Y, Z), with T = Σ_{ijk} A_ij B_jk C_ik:
 * (PXQ, Q⁻¹YR, P⁻ᵀZR⁻ᵀ) for P, Q, R ∈ GL2(Z2), the cyclic shift (Y, Zᵀ, Xᵀ) and the
 * transposition (Yᵀ, Xᵀ, Zᵀ): 6³·6 = 1296 maps, each as lookup tables per factor.
 */
type Sym = (t: readonly number[]) => number[];
const SYMS: Sym[] = [];
{
  const cyc = (t: readonly number[]) => [t[1], tr(t[2]), tr(t[0])];
  const trans = (t: readonly number[]) => [tr(t[1]), tr(t[0]), tr(t[2])];
  const perms: Sym[] = [];
  for (const c of [0, 1, 2]) for (const f of [false, true]) perms.push((t) => {
    let u = [...t];
    for (let i = 0; i < c; i++) u = cyc(u);
    return f ? trans(u) : u;
  });
  for (const P of GL) for (const Q of GL) for (const R of GL) {
    const tx = table((x) => mul(mul(P, x), Q)), ty = table((y) => mul(mul(inv(Q), y), R));
    const tz = table((z) => mul(mul(tr(inv(P)), z), tr(inv(R))));
    for (const pm of perms) SYMS.push((t) => { const u = pm(t); return [tx[u[0]], ty[u[1]], tz[u[2]]]; });
  }
}

/** Each symmetry as one lookup table on terms packed as 12 bits (x << 8 | y << 4 | z). */
const PACKED = new Uint16Array(SYMS.length * 4096);
SYMS.forEach((g, i) => {
  for (let c = 0; c < 4096; c++) {
    const u = g([c >> 8, (c >> 4) & 15, c & 15]);
    PACKED[i * 4096 + c] = (u[0] << 8) | (u[1] << 4) | u[2];
  }
});

/** The class of a scheme: the least sorted packed term list over the group. */
function classOf(terms: readonly (readonly number[])[]): string {
  const codes = terms.map((t) => (t[0] << 8) | (t[1] << 4) | t[2]);
  const n = codes.length, cand = new Uint16Array(n), best = new Uint16Array(n).fill(0xffff);
  for (let g = 0; g < SYMS.length; g++) {
    for (let i = 0; i < n; i++) {
      // Insertion sort: eight entries, and a typed-array sort call costs more than the work.
      const v = PACKED[g * 4096 + codes[i]];
      let j = i;
      for (; j > 0 && cand[j - 1] > v; j--) cand[j] = cand[j - 1];
      cand[j] = v;
    }
    let i = 0;
    while (i < n && cand[i] === best[i]) i++;
    if (i < n && cand[i] < best[i]) best.set(cand);
  }
  return best.join(',');
}

const exact222 = (terms: number[][]) => {
  const bits = (k: number) => [0, 1, 2, 3].map((b) => (k >> b) & 1);
  const s = makeScheme({ fieldTag: 'Z2', target: { kind: 'matmul', format: [2, 2, 2] }, U: terms.map((t) => bits(t[0])), V: terms.map((t) => bits(t[1])), W: terms.map((t) => bits(t[2])) });
  const r = verifyScheme(s);
  return r.kind === 'exact' && r.exact;
};

describe.skipIf(!existsSync(join(DIR, 'edges.txt')))('the rank-8 flip graph of <2,2,2> over Z2', () => {
  const files = existsSync(DIR) ? readdirSync(join(DIR, 'vertices')).filter((f) => f.endsWith('.exp')).sort() : [];
  const vertices = new Map(files.map((f) => [f, schemeKeys(readExp(readFileSync(join(DIR, 'vertices', f)), f, { field: 'Z2', format: [2, 2, 2] }))]));
  const edges = new Map<string, Set<string>>();
  if (files.length) for (const line of readFileSync(join(DIR, 'edges.txt'), 'utf8').split('\n')) {
    const [x, y] = line.trim().split(/\s+/);
    if (!y) continue;
    if (!edges.has(x)) edges.set(x, new Set());
    edges.get(x)!.add(y);
  }

  it('has exact vertices in distinct classes, and the symmetries keep schemes exact', () => {
    expect(files.length).toBe(273);
    expect(SYMS.length).toBe(1296);
    for (const T of vertices.values()) expect(exact222(T)).toBe(true);
    const some = vertices.get(files[0])!;
    for (let i = 0; i < SYMS.length; i += 97) expect(exact222(some.map(SYMS[i]))).toBe(true);
    expect(new Set([...vertices.values()].map(classOf)).size).toBe(273);
  });

  it('one flip from a vertex lands in a vertex class, and the classes reached are its edges', () => {
    const byClass = new Map([...vertices].map(([f, T]) => [classOf(T), f]));
    let flips = 0;
    // Every third vertex (all 273 pass too, in about three times the time).
    for (const [f, T] of [...vertices].filter((_, i) => i % 3 === 0)) {
      const reached = new Set<string>();
      for (let s = 0; s < 3; s++) for (let i = 0; i < T.length; i++) for (let j = 0; j < T.length; j++) {
        if (i === j || T[i][s] !== T[j][s]) continue;
        // Unreduced: a reducible rank-8 scheme is a vertex of its own.
        const st = FlipState.fromTerms([2, 2, 2], T, { reduce: false });
        const ids = st.ids();
        st.flip(s, ids[i], ids[j], false);
        const v = byClass.get(classOf(st.terms()));
        expect(v, `a flip of ${f} leaves the graph`).toBeDefined();
        reached.add(v!);
        flips++;
      }
      expect([...reached].sort(), f).toEqual([...(edges.get(f) ?? [])].sort());
    }
    expect(flips).toBeGreaterThan(800);
  });
});
