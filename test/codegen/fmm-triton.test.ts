import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Fraction } from '../../src/field/index.ts';
import { schemeToJson } from '../../src/formats/json.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { placeholderScheme } from '../../src/library/placeholder.ts';
import { fmmPlan } from '../../src/codegen/targets/fmm-plan.ts';
import { lit, pythonFloatRepr } from '../../src/codegen/targets/fmm-triton.ts';
import { makeScheme, type Scheme } from '../../src/scheme/index.ts';
import { runCli } from '../helpers/cli.ts';
import { ROOT } from '../helpers/shared.ts';
import { scratch, writeIn } from './helpers.ts';

const hasPython = spawnSync('python3', ['--version']).status === 0;
const dir = scratch('fmm');
const python = (code: string, ...args: string[]) => spawnSync('python3', ['-c', code, ...args], { encoding: 'utf8', cwd: join(ROOT, 'bench/gpu') });

/** Strassen with products 0 and 3 scaled by 1/2 and −3 in U and compensated in W: fractional coefficients. */
function scaledStrassen(): Scheme<unknown> {
  const s = builtinScheme('strassen') as Scheme<Fraction>;
  const k = [new Fraction(1, 2), new Fraction(1), new Fraction(1), new Fraction(-3), new Fraction(1), new Fraction(1), new Fraction(1)];
  return makeScheme({
    field: s.field, fieldTag: 'Q', target: s.target,
    U: s.U.map((row, l) => row.map((x) => x.mul(k[l]))), V: s.V.map((row) => [...row]), W: s.W.map((row, l) => row.map((x) => x.div(k[l]))),
    meta: { name: 'scaled-strassen' },
  });
}

const schemes: [string, Scheme<unknown>, number][] = [
  ['strassen', builtinScheme('strassen'), 2],
  ['laderman', builtinScheme('laderman'), 3],
  ['strassen2', builtinScheme('strassen2'), 4],
  ['scaled', scaledStrassen(), 2],
];

describe('codegen fmm-triton', () => {
  it("writes Python's repr of a float, and float(p/q) correctly rounded", () => {
    const cases: [number, string][] = [[1, '1.0'], [-1, '-1.0'], [0.5, '0.5'], [-0.25, '-0.25'], [2, '2.0'], [1e16, '1e+16'], [1e15, '1000000000000000.0'],
      [123.456, '123.456'], [0.0001, '0.0001'], [0.00001, '1e-05'], [1.5e-7, '1.5e-07'], [1 / 3, '0.3333333333333333'], [2.5e22, '2.5e+22'], [-0, '-0.0']];
    for (const [x, s] of cases) expect(pythonFloatRepr(x), String(x)).toBe(s);
    expect(lit(new Fraction(-1, 3))).toBe('-0.3333333333333333');
  });

  it.skipIf(!hasPython)("matches Python's repr(p / q), also beyond 2^53 where the quotient is rounded once", () => {
    const fractions: [bigint, bigint][] = [[1n, 3n], [-7n, 10n], [2n ** 60n + 1n, 3n], [1n, 3n * 2n ** 60n], [-(10n ** 30n) - 7n, 10n ** 12n + 9n], [5n, 2n ** 70n], [123456789n, 1000n]];
    const r = python('import json, sys\nfor n, d in json.loads(sys.argv[1]): print(repr(int(n) / int(d)))', JSON.stringify(fractions.map(([n, d]) => [String(n), String(d)])));
    expect(r.stdout.trim().split('\n')).toEqual(fractions.map(([n, d]) => lit(new Fraction(n, d))));
  });

  it('plans exactly: normalised operands, groups with disjoint outputs, each block written first once', () => {
    const plan = fmmPlan(scaledStrassen(), 'scaled');
    expect(plan.products.map((p) => p.l).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const p of plan.products) expect([p.a[0][1].toFraction(), p.b[0][1].toFraction()]).toEqual(['1', '1']);
    for (const g of plan.groups) {
      const seen = g.flatMap((p) => [...p.targets]);
      expect(new Set(seen).size).toBe(seen.length);
    }
    const firsts = plan.products.flatMap((p) => p.c.filter((_, x) => p.first[x]).map(([q]) => q));
    expect(firsts.sort()).toEqual([0, 1, 2, 3]);
    expect(() => fmmPlan(placeholderScheme(2, 8) as Scheme<unknown>, 'p')).toThrow(/exact rational coefficients/);
  });

  it('stlkit codegen fmm-triton writes a package (modules for every mode and load, plan.json); bad input exits 2', async () => {
    const file = writeIn(dir, 'strassen.json', schemeToJson(builtinScheme('strassen')));
    const out = join(dir, 'pkg-strassen');
    const r = await runCli(['codegen', 'fmm-triton', '--scheme', file, '--tile', '2', '-o', out, '--json']);
    expect(r.code, r.err).toBe(0);
    const modes = ['fused_ptr', 'fused_tma', 'presum_ptr', 'presum_tma', 'sequential_ptr', 'sequential_tma', 'persistent_ptr'];
    const files = [...modes.map((m) => `fmm_strassen_${m}.py`), 'plan.json'];
    expect(readdirSync(out).sort()).toEqual([...files].sort());
    expect(JSON.parse(r.out)).toMatchObject({ target: 'fmm-triton', files });
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'));
    expect(Object.keys(plan.modules).sort()).toEqual([...modes].sort());
    expect(plan.launches.sequential).toHaveLength(7);
    const float = writeIn(dir, 'float.json', schemeToJson(placeholderScheme(2, 8)));
    for (const [args, msg] of [[['--scheme', file, '--tile', '2', '-o', '-'], /package of files: -o must name a folder/], [['--scheme', float, '--tile', '2', '-o', join(dir, 'never')], /exact rational coefficients/]] as const) {
      const bad = await runCli(['codegen', 'fmm-triton', ...args]);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(msg);
    }
  });

  describe.skipIf(!hasPython)('the package in bench/gpu (Python, no GPU)', () => {
    // A stand-in for triton so that the generated modules import without a GPU stack.
    const stub = join(dir, 'stub');
    mkdirSync(join(stub, 'triton/language'), { recursive: true });
    writeIn(join(stub, 'triton'), '__init__.py', 'def jit(f):\n    return f\n');
    writeIn(join(stub, 'triton/language'), '__init__.py', 'constexpr = object\n');

    for (const [name, s, t] of schemes) {
      it(`${name}: py_compiles, the plan computes A·B exactly, fmm_triton.py finds every launch's kernel`, () => {
        const out = join(dir, `pkg-${name}`);
        const file = writeIn(dir, `${name}.json`, schemeToJson(s));
        expect(spawnSync(process.execPath, [join(ROOT, 'bin/stlkit.js'), 'codegen', 'fmm-triton', '--scheme', file, '--tile', String(t), '-o', out]).status).toBe(0);
        const modules = readdirSync(out).filter((f) => f.endsWith('.py')).map((f) => join(out, f));
        const compiled = spawnSync('python3', ['-m', 'py_compile', ...modules], { encoding: 'utf8' });
        expect(compiled.status, compiled.stderr).toBe(0);
        const check = `
import random, sys
from fractions import Fraction
sys.path.insert(0, sys.argv[2])
import fmm_triton as ft
plan = ft.load_plan(sys.argv[1])
t, rnd = plan.t, random.Random(1)
A = [[Fraction(rnd.randint(-9, 9), rnd.randint(1, 4)) for _ in range(t)] for _ in range(t)]
B = [[Fraction(rnd.randint(-9, 9), rnd.randint(1, 4)) for _ in range(t)] for _ in range(t)]
C = plan.evaluate(A, B, lambda a, b: a * b)
assert C == [[sum(A[i][j] * B[j][k] for j in range(t)) for k in range(t)] for i in range(t)], C
for mode in ft.MODES:
    for load in ("ptr", "tma"):
        if mode == "persistent" and load == "tma":
            continue
        f = ft.FmmTriton(plan, mode, load)
        assert len(f.kernels) == len(plan.launches[mode]), (mode, load)
        assert mode != "persistent" or callable(f.mod.persistent)
print(plan.name, len(plan.products), len(plan.groups))
`;
        const r = python(check, out, stub);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout.trim()).toBe(`${name} ${s.U.length} ${fmmPlan(s, name).groups.length}`);
      });
    }
  });
});
