import { describe, expect, it } from 'vitest';
import { C, Fraction, Q, R, Zp, type Field, type Gaussian } from '../../src/field/index.ts';
import { changeBasis, changeField, matInverse, withFactors, type Scheme } from '../../src/scheme/index.ts';
import { verifyScheme } from '../../src/verify/brent.ts';
import { hasShared } from '../helpers/shared.ts';
import { mutableFactors, sharedScheme } from '../helpers/load.ts';

const exact = (s: Scheme<unknown>) => {
  const r = verifyScheme(s);
  return r.kind === 'exact' && r.exact;
};

describe.skipIf(!hasShared)('exact verification', () => {
  const strassen = () => sharedScheme('alphatensor/json-r/2x2x2_r7_Z.json') as Scheme<Fraction>;

  it('accepts published schemes over Z, Q, Z2 and C', () => {
    expect(exact(strassen())).toBe(true);
    expect(exact(sharedScheme('dps/json/4x4x4_48_rational.json'))).toBe(true);
    expect(exact(sharedScheme('alphatensor/json-f2/4x4x4_r47_Z2.json'))).toBe(true);
    expect(exact(sharedScheme('alphaevolve/4x4x4_r48_C.json'))).toBe(true);
  });

  it('lists the failing equations of a scheme with one coefficient changed', () => {
    const s = strassen();
    const f = mutableFactors(s);
    f.U[0][0] = f.U[0][0].add(1);
    const r = verifyScheme(withFactors(s, f.U, f.V, f.W), { maxFailures: 3 });
    expect(r.kind).toBe('exact');
    if (r.kind !== 'exact') return;
    expect(r.exact).toBe(false);
    expect(r.failing).toBeGreaterThan(0);
    expect(r.failures.length).toBe(Math.min(3, r.failing));
    expect(r.failures[0].label).toMatch(/^a11·b\d\d→c\d\d$/);
    // The exact error is the squared residual over ‖<2,2,2>‖² = 8, a rational.
    expect(r.isotropicError).toMatch(/^\d+(\/\d+)?$/);
    expect(new Fraction(r.isotropicError!).mul(8).equals(r.failing)).toBe(true);
  });

  it('catches a complex coefficient changed by i and reports the imaginary residual', () => {
    const s = sharedScheme('alphaevolve/4x4x4_r48_C.json') as Scheme<Gaussian>;
    const f = mutableFactors(s);
    const l = f.W.findIndex((row) => !C.isZero(row[0]));
    f.W[l][0] = C.add(f.W[l][0], C.parse([0, 1]));
    const r = verifyScheme(withFactors(s, f.U, f.V, f.W));
    expect(r.kind === 'exact' && !r.exact).toBe(true);
    if (r.kind !== 'exact') return;
    expect(r.failures.some((x) => /i$/.test(x.actual))).toBe(true);
    expect(r.isotropicError).toMatch(/^\d+(\/\d+)?$/);
  });

  it('lists failures over Z2 and Z_p too', () => {
    const z2 = sharedScheme('alphatensor/json-f2/3x3x3_r23_Z2.json') as Scheme<number>;
    const f = mutableFactors(z2);
    f.V[5][f.V[5].indexOf(1)] = 0;
    const r = verifyScheme(withFactors(z2, f.U, f.V, f.W));
    expect(r.kind === 'exact' && !r.exact && r.method === 'bits' && r.failing > 0).toBe(true);
    const z7 = changeField(strassen(), 'Z7') as Scheme<number>;
    const g = mutableFactors(z7);
    g.U[0][0] = 3;
    const r7 = verifyScheme(withFactors(z7, g.U, g.V, g.W));
    expect(r7.kind === 'exact' && !r7.exact && r7.method === 'field' && r7.failures[0].expected !== r7.failures[0].actual).toBe(true);
  });

  it('fails a mod-2 scheme over Q but passes it over Z2', () => {
    const z2 = sharedScheme('alphatensor/json-f2/4x4x4_r47_Z2.json');
    expect(exact(z2)).toBe(true);
    expect(exact(changeField(z2, 'Q'))).toBe(false);
  });

  it('checks a Z scheme modulo p and catches a change visible only mod p', () => {
    const s = strassen();
    expect(exact(changeField(s, 'Z3'))).toBe(true);
    const f = mutableFactors(s);
    // Adding 3 to a coefficient breaks the scheme over Q but not mod 3.
    f.W[0][0] = f.W[0][0].add(3);
    const broken = withFactors(s, f.U, f.V, f.W);
    expect(exact(broken)).toBe(false);
    expect(exact(changeField(broken, 'Z3'))).toBe(true);
    expect(exact(changeField(broken, 'Z5'))).toBe(false);
  });

  it('verifies schemes equivalent to published ones under a random change of basis', () => {
    const F = Q as Field<Fraction>;
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 7) - 3;
    const randomInvertible = (k: number): Fraction[][] => {
      for (;;) {
        const M = Array.from({ length: k }, () => Array.from({ length: k }, () => F.fromInt(rnd())));
        try {
          matInverse(F, M);
          return M;
        } catch { /* singular: draw again */ }
      }
    };
    for (const [file, [n, m, p]] of [['alphatensor/json-r/2x2x2_r7_Z.json', [2, 2, 2]], ['alphatensor/json-r/2x3x4_r20_Z.json', [2, 3, 4]], ['dps/json/4x4x4_48_rational.json', [4, 4, 4]]] as const) {
      const s = sharedScheme(file) as Scheme<Fraction>;
      const t = changeBasis(s, randomInvertible(n), randomInvertible(m), randomInvertible(p));
      expect(exact(t)).toBe(true);
      // It really is a different scheme, not the same one back.
      expect(JSON.stringify(t.U.map((r) => r.map((x) => x.toFraction())))).not.toBe(JSON.stringify(s.U.map((r) => r.map((x) => x.toFraction()))));
    }
  });

  it('reports float schemes by their residual, never as exact', () => {
    const s = changeField(strassen(), 'R') as Scheme<number>;
    const r = verifyScheme(s);
    expect(r.kind).toBe('float');
    if (r.kind === 'float') expect(r.relFrobenius).toBe(0);
    const f = mutableFactors(s);
    f.W[2][1] += 1e-3;
    const r2 = verifyScheme(withFactors(s, f.U, f.V, f.W));
    if (r2.kind === 'float') {
      expect(r2.relFrobenius).toBeGreaterThan(0);
      expect(r2.maxAbs).toBeCloseTo(1e-3, 9);
    }
    expect(R.exact).toBe(false);
  });

  it('switches to BigInt sums when coefficients are too large for exact doubles', () => {
    const s = strassen();
    const big = new Fraction(2n ** 60n);
    // Scale one product's A-factor up and its C-factor down: same scheme, huge integers.
    const f = mutableFactors(s);
    f.U[1] = f.U[1].map((x) => x.mul(big));
    f.W[1] = f.W[1].map((x) => x.div(big));
    const r = verifyScheme(withFactors(s, f.U, f.V, f.W));
    expect(r.kind === 'exact' && r.exact).toBe(true);
    if (r.kind === 'exact') expect(r.method).toBe('bigint');
    f.W[1][0] = f.W[1][0].add(new Fraction(1n, 2n ** 61n));
    const r2 = verifyScheme(withFactors(s, f.U, f.V, f.W));
    expect(r2.kind === 'exact' && !r2.exact).toBe(true);
  });

  it('verifies over Z_p for a large prime', () => {
    const s = changeField(strassen(), 'Z2147483647');
    expect(exact(s)).toBe(true);
    expect(Zp(2147483647).name).toBe('Z2147483647');
  });
});
