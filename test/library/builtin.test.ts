import { describe, expect, it } from 'vitest';
import { Fraction, Q } from '../../src/field/index.ts';
import { BUILTIN, builtinNames, builtinScheme, laderman, naive, strassen, winograd } from '../../src/library/builtin.ts';
import { applyMatmul, formatOf, joinMatmul, kron, PERMUTATIONS, permuteScheme, rank, withFactors, type Scheme } from '../../src/scheme/index.ts';
import { verifyScheme, type ExactReport } from '../../src/verify/index.ts';

function exactReport(s: Scheme<unknown>): ExactReport {
  const r = verifyScheme(s);
  if (r.kind !== 'exact') throw new Error(`expected an exact report, got ${r.kind}`);
  return r;
}

function expectVerifies(s: Scheme<unknown>): void {
  const r = exactReport(s);
  expect(r.failures).toEqual([]);
  expect(r.exact).toBe(true);
}

/** A small deterministic generator, so a failing case can be replayed. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0), x);
}

function randomMatrix(next: () => number, r: number, c: number): Fraction[][] {
  return Array.from({ length: r }, () => Array.from({ length: c }, () => new Fraction((next() % 201) - 100)));
}

function plainProduct(A: Fraction[][], B: Fraction[][]): Fraction[][] {
  return A.map((row) => B[0].map((_, k) => row.reduce((acc, a, j) => acc.add(a.mul(B[j][k])), Q.zero)));
}

const asQ = (s: Scheme<unknown>) => s as Scheme<Fraction>;

describe('BUILTIN', () => {
  it.each(BUILTIN.map((e) => [e.name, e] as const))('%s verifies exactly with its advertised format and rank', (name, entry) => {
    const s = builtinScheme(name);
    expectVerifies(s);
    expect(formatOf(s)).toEqual([...entry.format]);
    expect(rank(s)).toBe(entry.rank);
    expect(s.fieldTag).toBe('Z');
    expect(s.meta.name).toBe(name);
    for (const key of ['description', 'source'] as const) expect(typeof s.meta[key] === 'string' && (s.meta[key] as string).length > 0).toBe(true);
    expect(entry.description.length).toBeGreaterThan(0);
  });

  it('has unique names and the names the CLI documents', () => {
    const names = builtinNames();
    expect(new Set(names).size).toBe(names.length);
    for (const n of ['naive-2x2x2', 'naive-3x3x3', 'naive-4x4x4', 'strassen', 'winograd', 'laderman', 'strassen2', 'strassen-x-laderman']) expect(names).toContain(n);
  });

  it('caches: the same name gives the same object', () => {
    expect(builtinScheme('laderman')).toBe(builtinScheme('laderman'));
  });

  it('names every known scheme when asked for an unknown one', () => {
    expect(() => builtinScheme('strassen3')).toThrow(/unknown built-in scheme "strassen3".*strassen, winograd, laderman/);
  });
});

describe('classic schemes', () => {
  it('strassen ⊗ strassen is <4,4,4>:49', () => {
    const s = kron(strassen(), strassen());
    expect(formatOf(s)).toEqual([4, 4, 4]);
    expect(rank(s)).toBe(49);
    expectVerifies(s);
  });

  it('laderman is <3,3,3>:23 with integer coefficients in {-1, 0, 1}', () => {
    const s = laderman();
    expect([formatOf(s), rank(s)]).toEqual([[3, 3, 3], 23]);
    for (const M of [s.U, s.V, s.W]) for (const row of M) for (const x of row) expect(x.abs().compare(1)).toBeLessThanOrEqual(0);
  });

  it('winograd differs from strassen but computes the same product', () => {
    expect(winograd().U).not.toEqual(strassen().U);
    expectVerifies(winograd());
  });

  const nonSquare = () => joinMatmul(strassen(), naive(2, 2, 1), 'p');
  it.each([
    ['laderman', laderman],
    ['naive-2x3x4', () => naive(2, 3, 4)],
    ['strassen joined with naive-2x2x1', nonSquare],
    ['strassen joined twice, <3,2,3>', () => joinMatmul(nonSquare(), naive(1, 2, 3), 'n')],
  ] as const)('the six permutations of %s verify and permute the format', (_, build) => {
    const s = build() as Scheme<unknown>;
    const [n, m, p] = formatOf(s);
    const formats = new Set<string>();
    for (const w of PERMUTATIONS) {
      const t = permuteScheme(s, w);
      expectVerifies(t);
      expect(rank(t)).toBe(rank(s));
      expect([...formatOf(t)].sort()).toEqual([n, m, p].sort());
      formats.add(formatOf(t).join(','));
    }
    const orders = [[n, m, p], [m, p, n], [p, n, m], [p, m, n], [n, p, m], [m, n, p]];
    expect([...formats].sort()).toEqual([...new Set(orders.map((o) => o.join(',')))].sort());
  });

  type Dims = [number, number, number];
  it.each<[Dims, Dims]>([
    [[1, 2, 3], [2, 1, 2]],
    [[2, 2, 2], [3, 1, 2]],
  ])('kron of naive %j and %j has the rank of the naive product format', (a, b) => {
    const s = kron(naive(...a), naive(...b));
    const f: Dims = [a[0] * b[0], a[1] * b[1], a[2] * b[2]];
    expect(formatOf(s)).toEqual(f);
    expect(rank(s)).toBe(rank(naive(...f)));
    expectVerifies(s);
  });

  it('naive rejects non-positive dimensions', () => {
    expect(() => naive(0, 2, 2)).toThrow(/positive integers/);
  });
});

describe('evaluation', () => {
  it.each([
    ['strassen', 2, 2, 2],
    ['winograd', 2, 2, 2],
    ['laderman', 3, 3, 3],
    ['strassen-join-2x2x3', 2, 2, 3],
  ] as const)('%s multiplies random integer matrices exactly', (name, n, m, p) => {
    const next = lcg(12345 + n * 100 + p);
    for (let trial = 0; trial < 20; trial++) {
      const A = randomMatrix(next, n, m), B = randomMatrix(next, m, p);
      const got = applyMatmul(asQ(builtinScheme(name)), A, B);
      const want = plainProduct(A, B);
      expect(got.map((r) => r.map((x) => x.toFraction()))).toEqual(want.map((r) => r.map((x) => x.toFraction())));
    }
  });
});

describe('a corrupted scheme', () => {
  it.each([
    ['U', 0, 3],
    ['V', 4, 0],
    ['W', 6, 1],
  ] as const)('fails verification when %s[%i][%i] changes', (which, l, t) => {
    const s = strassen();
    const copy = (M: readonly (readonly Fraction[])[]) => M.map((row) => [...row]);
    const f = { U: copy(s.U), V: copy(s.V), W: copy(s.W) };
    f[which][l][t] = f[which][l][t].add(1);
    const r = exactReport(withFactors(s, f.U, f.V, f.W));
    expect(r.exact).toBe(false);
    expect(r.failing).toBeGreaterThan(0);
    expect(r.failures.length).toBe(Math.min(r.failing, 10));
    expect(r.failures[0].label).toMatch(/^a\d\d·b\d\d→c\d\d$/);
    expect(r.isotropicError).toBeDefined();
  });
});
