import { describe, expect, it } from 'vitest';
import { changeField, makeScheme, type Scheme } from '../../src/scheme/index.ts';
import { brentResidualBits, liftScheme, reconstruct, type LiftResult } from '../../src/search/lift.ts';
import { Rng } from '../../src/util/rng.ts';
import { targetTensor, type TargetSpec } from '../../src/tensor/index.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { mutableFactors, sharedScheme } from '../helpers/load.ts';
import { hasShared, schemeFiles, SCHEMES } from '../helpers/shared.ts';

/** A published scheme reduced mod 2 (or as is, when it is a Z2 one). */
function mod2(rel: string): Scheme<number> {
  const s = sharedScheme(rel);
  return (s.field.name === 'Z2' ? s : changeField(s, 'Z2')) as Scheme<number>;
}

/** The lift is exact over Q (checked again here), tagged Z iff integral, and reduces to the input mod 2. */
function expectLifted(res: LiftResult, z2: Scheme<number>): Scheme<unknown> {
  if (res.scheme === null) throw new Error(`no lift: ${res.reason}`);
  const out = res.scheme;
  expect(out.field.name).toBe('Q');
  const report = verifyScheme(out);
  expect(report.kind === 'exact' && report.exact).toBe(true);
  const integral = [out.U, out.V, out.W].every((M) => M.every((row) => row.every((x) => (x as { d: bigint }).d === 1n)));
  expect(out.fieldTag).toBe(integral ? 'Z' : 'Q');
  const back = changeField(out, 'Z2') as Scheme<number>;
  expect([back.U, back.V, back.W]).toEqual([z2.U, z2.V, z2.W]);
  return out;
}

const values = (s: Scheme<unknown>) => new Set([s.U, s.V, s.W].flatMap((M) => M.flatMap((row) => row.map((x) => String(x)))));

describe('rational reconstruction', () => {
  it('recovers small fractions with odd denominators from their residues mod 2^k', () => {
    const m = 1n << 20n, bound = 724n; // ⌊√(2^19)⌋
    const residue = (n: bigint, d: bigint) => {
      // n · d^{-1} mod m by brute extended Euclid on BigInt.
      let [r0, r1, t0, t1] = [m, d, 0n, 1n];
      while (r1) { const q = r0 / r1; [r0, r1, t0, t1] = [r1, r0 - q * r1, t1, t0 - q * t1]; }
      return (((n * t0) % m) + m) % m;
    };
    for (const [n, d] of [[2n, 3n], [-5n, 7n], [0n, 1n], [-1n, 1n], [17n, 1n], [700n, 723n], [-1n, 9n]] as const) {
      expect(reconstruct(residue(n, d), m, bound)).toEqual([n, d]);
    }
    expect(reconstruct(residue(1000n, 3n), m, bound)).toBeNull();
  });
});

describe('Brent residual bits', () => {
  it('agree with a BigInt reference in every arithmetic (float64, int32 mod 2^32, BigInt)', () => {
    const target: TargetSpec = { kind: 'matmul', format: [2, 3, 2] };
    const T = targetTensor(target);
    const [a, b, c] = T.dims, r = 5, n = a + b + c;
    const rng = new Rng(11);
    for (const [bitsUsed, k] of [[3, 2], [12, 9], [24, 20], [30, 31], [40, 45], [60, 61]] as const) {
      const S = Array.from({ length: r * n }, () => (rng.int(3) === 0 ? 0n : BigInt.asIntN(bitsUsed, BigInt(rng.nextU32()) << 32n | BigInt(rng.nextU32()))));
      const E = new Array<bigint>(a * b * c).fill(0n);
      for (let l = 0; l < r; l++) for (let x = 0; x < a; x++) for (let y = 0; y < b; y++) for (let z = 0; z < c; z++) {
        E[(x * b + y) * c + z] += S[l * n + x] * S[l * n + a + y] * S[l * n + a + b + z];
      }
      for (const e of T.entries) E[(e.i * b + e.j) * c + e.k] -= e.v.s * e.v.n;
      const want = E.map((x) => Number((x >> BigInt(k)) & 1n));
      expect(Array.from(brentResidualBits(target, S, k))).toEqual(want);
    }
  });
});

describe.skipIf(!hasShared)('liftScheme', () => {
  it('finds signs for Strassen, <3,3,3>:23 and <4,4,4>:49 reduced mod 2', () => {
    for (const rel of ['alphatensor/json-r/2x2x2_r7_Z.json', 'alphatensor/json-r/3x3x3_r23_Z.json', 'alphatensor/json-r/4x4x4_r49_Z.json', 'flips/json/4x4x4_r49_Z.json']) {
      const z2 = mod2(rel);
      const res = liftScheme(z2);
      const out = expectLifted(res, z2);
      expect(res.scheme && res.method).toBe('signs');
      expect(out.fieldTag).toBe('Z');
      for (const v of values(out)) expect(['-1', '0', '1']).toContain(v);
    }
  });

  it('lifts the same schemes by Hensel lifting when the sign search is skipped', () => {
    for (const rel of ['alphatensor/json-r/3x3x3_r23_Z.json', 'alphatensor/json-r/4x4x4_r49_Z.json']) {
      const z2 = mod2(rel);
      const res = liftScheme(z2, { signBudget: 0 });
      expectLifted(res, z2);
      expect(res.scheme && res.method).toBe('hensel');
    }
  });

  it('lifts the ternary structured schemes of Kauers by signs', () => {
    const files = schemeFiles('kauers-structured/json', (f) => f.endsWith('.json')).map((p) => p.slice(SCHEMES.length + 1));
    expect(files.length).toBeGreaterThan(10);
    for (const rel of files) {
      const z2 = mod2(rel);
      const res = liftScheme(z2);
      expectLifted(res, z2);
      expect(res.scheme && res.method).toBe('signs');
    }
  });

  it('lifts flip-graph integer schemes whose even coefficients vanish mod 2 (Hensel)', () => {
    for (const rel of ['flips/json/2x2x4_r14_Z.json', 'flips/json/3x3x4_r29_Z.json', 'flips/json/3x4x4_r38_Z.json', 'flips/json/4x4x5_r62_Z.json']) {
      const z2 = mod2(rel);
      const res = liftScheme(z2);
      const out = expectLifted(res, z2);
      expect(res.scheme && res.method).toBe('hensel');
      expect(out.fieldTag).toBe('Z');
    }
  });

  it('with ternary, returns only coefficients in {-1,0,1}: by signs, or a Hensel lift with ±2 made ternary by a basis change', () => {
    const ok = liftScheme(mod2('alphatensor/json-r/2x2x2_r7_Z.json'), { ternary: true });
    expect(ok.scheme && ok.method).toBe('signs');
    const z2 = mod2('flips/json/3x4x4_r38_Z.json');
    const plain = liftScheme(z2);
    expect(plain.scheme && [...values(plain.scheme)].some((v) => !['-1', '0', '1'].includes(v))).toBe(true);
    const res = liftScheme(z2, { ternary: true });
    if (res.scheme === null) throw new Error(`no lift: ${res.reason}`);
    // A basis change over Z is one over Z2 too: exact, same rank, but not the input mod 2 any more.
    const report = verifyScheme(res.scheme);
    expect(report.kind === 'exact' && report.exact).toBe(true);
    expect(res.scheme.U.length).toBe(38);
    expect(res.method).toBe('hensel');
    for (const v of values(res.scheme)) expect(['-1', '0', '1']).toContain(v);
  });

  it('lifts flip-graph mod-2 schemes that have a published integer counterpart', () => {
    for (const rel of ['flips/json/3x3x6_r42_Z2.json', 'flips/json/3x4x6_r56_Z2.json', 'flips/json/3x5x6_r71_Z2.json']) {
      const z2 = mod2(rel);
      expectLifted(liftScheme(z2), z2);
    }
  });

  it('refuses Z2-only schemes that have no lift mod 4, quickly', () => {
    for (const rel of ['alphatensor/json-f2/4x4x4_r47_Z2.json', 'flips/json/4x4x4_r47_Z2.json', 'flips/json/4x4x5_r60_Z2.json']) {
      const t = performance.now();
      const res = liftScheme(mod2(rel));
      expect(res.scheme).toBeNull();
      if (res.scheme === null) expect(res.reason).toMatch(/no solution mod 4/);
      expect(performance.now() - t).toBeLessThan(5000);
    }
  });

  it('refuses input that is not an exact Z2 scheme', () => {
    const q = sharedScheme('alphatensor/json-r/2x2x2_r7_Z.json');
    expect(liftScheme(q as Scheme<number>)).toMatchObject({ scheme: null, reason: expect.stringMatching(/over Z2/) });
    const z2 = mod2('alphatensor/json-r/2x2x2_r7_Z.json');
    const f = mutableFactors(z2);
    f.W[0][0] ^= 1;
    const broken = makeScheme({ fieldTag: 'Z2', target: z2.target, ...f });
    expect(liftScheme(broken)).toMatchObject({ scheme: null, reason: expect.stringMatching(/not exact over Z2/) });
  });

  it('is repeatable from its seed', () => {
    const z2 = mod2('flips/json/2x2x4_r14_Z.json');
    const a = liftScheme(z2, { seed: 3, signBudget: 0 }), b = liftScheme(z2, { seed: 3, signBudget: 0 });
    expect(a.scheme && b.scheme).toBeTruthy();
    expect([a.scheme!.U, a.scheme!.V, a.scheme!.W].map(String)).toEqual([b.scheme!.U, b.scheme!.V, b.scheme!.W].map(String));
  });
});
