import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { universalCommand } from '../../src/cli/universal.ts';
import { Status } from '../../src/cli/status.ts';
import { parseSchemeJson, schemeToJson } from '../../src/formats/json.ts';
import type { Scheme } from '../../src/scheme/index.ts';
import { fp8RoundingError } from '../../src/stl/fp8.ts';
import { kappa, predictedRoundingError } from '../../src/stl/lowprec.ts';
import { universalSearch } from '../../src/universal/multistart.ts';
import { verifyScheme } from '../../src/verify/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'stlkit-universal-'));

/** The verb on its own program (main.ts registers it the same way), output captured. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const status = new Status();
  const program = new Command('stlkit').exitOverride();
  universalCommand(program, status);
  for (const c of program.commands) c.exitOverride();
  let out = '', err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    await program.parseAsync(args, { from: 'user' });
    return { code: status.code, out, err };
  } catch (x) {
    if (x instanceof CommanderError) return { code: 2, out, err };
    throw x;
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/** The error the file itself gives: exact over Q, float64 for R. */
function recomputed(file: string): { value: number; exact: string | null; field: string } {
  const s = parseSchemeJson(readFileSync(file, 'utf8'), file);
  const rep = verifyScheme(s);
  if (rep.kind === 'float') return { value: rep.residualSq / rep.equations ** 0.5, exact: null, field: s.fieldTag };
  const exact = rep.exact ? '0' : rep.isotropicError!;
  const [p, q] = exact.split('/').map(Number);
  return { value: q ? p / q : p, exact, field: s.fieldTag };
}

const printed = (out: string) => /isotropic error e = (\S+)/.exec(out)![1];

describe('stlkit universal', () => {
  it('t = 2, r = 7: an exact scheme, error 0 over Q, with every family reported', async () => {
    const f = join(dir, 'u27.json');
    const r = await cli(['universal', '--t', '2', '--r', '7', '--time-limit', '10', '-o', f]);
    expect(r.code, r.err).toBe(0);
    for (const fam of ['random', 'naive', 'embedded', 'truncation', 'strassen-block', 'group']) expect(r.out).toContain(fam);
    expect(printed(r.out)).toBe('0');
    expect(r.out).toMatch(/lower bound: none proven/);
    const s = parseSchemeJson(readFileSync(f, 'utf8'), f);
    expect(['Z', 'Q']).toContain(s.fieldTag);
    const rep = verifyScheme(s);
    expect(rep.kind === 'exact' && rep.exact).toBe(true);
  });

  it('t = 2, r = 6: the printed exact fraction is what the written Q scheme gives', async () => {
    const f = join(dir, 'u26.json');
    const r = await cli(['universal', '--t', '2', '--r', '6', '--seed', '1', '--restarts', '4', '--time-limit', '20', '-o', f]);
    expect(r.code, r.err).toBe(0);
    const again = recomputed(f);
    expect(['Z', 'Q']).toContain(again.field);
    expect(printed(r.out)).toBe(again.exact);
    expect(again.exact).toBe('1/8');
  });

  it('t = 4: the file’s recomputed error is at or below the printed value, and above the lower bound', async () => {
    const f = join(dir, 'u48.json');
    const r = await cli(['universal', '--t', '4', '--r', '8', '--seed', '1', '--restarts', '2', '--time-limit', '8', '-o', f]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/lower bound: 1\/2/);
    const again = recomputed(f);
    const shown = printed(r.out);
    const value = shown.includes('/') ? Number(shown.split('/')[0]) / Number(shown.split('/')[1]) : Number(shown);
    expect(again.value).toBeLessThanOrEqual(value + 1e-8);
    expect(again.value).toBeGreaterThanOrEqual(0.5 - 1e-12);
    expect(again.value).toBeLessThanOrEqual(55 / 64 + 1e-12);
  }, 30_000);

  it('--max-kappa: the written scheme has κ within the bound and records κ, the bf16/fp16 errors and the command', { timeout: 30_000 }, async () => {
    const f = join(dir, 'k25.json');
    const r = await cli(['universal', '--t', '2', '--r', '5', '--time-limit', '10', '--restarts', '3', '--max-kappa', '1.5', '--no-published', '-o', f]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/conditioning bound: κ ≤ 1\.500 \(--max-kappa\)/);
    expect(r.out).toMatch(/κ = [\d.]+ \(bound 1\.500\); predicted rounding error \(simulated, 256², 3 seeds\): bf16 fused [\d.]+%, unfused [\d.]+%; fp16 fused [\d.]+%, unfused [\d.]+%/);
    const s = parseSchemeJson(readFileSync(f, 'utf8'), f);
    expect(kappa(s)).toBeLessThanOrEqual(1.5 + 1e-9);
    expect(s.meta).toMatchObject({ maxKappa: 1.5, seed: 1, command: 'stlkit universal --t 2 --r 5 --seed 1 --time-limit 10 --restarts 3 --max-kappa 1.5 --no-published' });
    expect(s.meta.kappa as number).toBeCloseTo(kappa(s), 12);
    expect(s.meta.bf16Fused as number).toBeLessThan(s.meta.bf16Unfused as number);
    expect(s.meta.fp16Fused as number).toBeLessThan(s.meta.fp16Unfused as number);
    // Given as a bf16 error bound (unfused): κ ≤ √(((e/σ)² − 1)/3); --no-shared is the former name of --no-published.
    const g = await cli(['universal', '--t', '2', '--r', '5', '--time-limit', '10', '--restarts', '2', '--max-bf16-error', '0.005', '--no-shared', '--init', f]);
    expect(g.code, g.err).toBe(0);
    expect(g.out).toMatch(/given +1/);
    expect(g.out).toMatch(/≤ 0\.50%, i\.e\. κ ≤ 1\.6\d+ by the model σ·√\(3κ² \+ 1\) \(--max-bf16-error\)/);
    const both = await cli(['universal', '--t', '2', '--r', '5', '--max-kappa', '2', '--max-bf16-error', '0.01']);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/not both/);
    const tiny = await cli(['universal', '--t', '2', '--r', '5', '--max-bf16-error', '0.001']);
    expect(tiny.code).toBe(2);
    expect(tiny.err).toMatch(/below what even naive products reach/);
  });

  it('by default the bound is a predicted bf16 error of 2 % (unfused), checked on the written scheme by simulation', { timeout: 60_000 }, async () => {
    const f = join(dir, 'd25.json');
    const r = await cli(['universal', '--t', '2', '--r', '5', '--time-limit', '10', '--restarts', '2', '-o', f]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/conditioning bound: predicted bf16 rounding error \(unfused kernel\) ≤ 2\.00%, i\.e\. κ ≤ 6\.9\d+ by the model σ·√\(3κ² \+ 1\) \(the default; --max-kappa none for the unconditioned search\)/);
    const s = parseSchemeJson(readFileSync(f, 'utf8'), f);
    const unfused = predictedRoundingError(s, { dtype: 'bf16', storeProducts: true }).mean;
    expect(unfused).toBeLessThanOrEqual(0.02);
    expect(s.meta.bf16Unfused as number).toBeCloseTo(unfused, 12);
    expect(s.meta).toMatchObject({ maxBf16Error: 0.02, command: 'stlkit universal --t 2 --r 5 --seed 1 --time-limit 10 --restarts 2 --max-bf16-error 0.02' });
    expect(kappa(s)).toBeLessThanOrEqual(s.meta.maxKappa as number);
  });

  it('--max-fp8-error: the written scheme\'s simulated FP8 error is within the bound and recorded', { timeout: 60_000 }, async () => {
    const f = join(dir, 'f25.json');
    const r = await cli(['universal', '--t', '2', '--r', '5', '--time-limit', '10', '--restarts', '2', '--max-fp8-error', '0.07', '--no-published', '-o', f]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/predicted FP8 rounding error \(e4m3 products, per-product scales, bf16 products\) ≤ 7\.00%, i\.e\. κ ≤ 1\.8\d+ by the model/);
    expect(r.out).toMatch(/the plain FP8 GEMM: 3\.\d+%/);
    const s = parseSchemeJson(readFileSync(f, 'utf8'), f);
    const sim = fp8RoundingError(s, { dtype: 'fp8-e4m3', scaling: 'product' }).mean;
    expect(sim).toBeLessThanOrEqual(0.07);
    expect(s.meta.fp8E4m3Product as number).toBeCloseTo(sim, 12);
    expect(s.meta).toMatchObject({ maxFp8Error: 0.07, command: 'stlkit universal --t 2 --r 5 --seed 1 --time-limit 10 --restarts 2 --max-fp8-error 0.07 --no-published' });
    const tiny = await cli(['universal', '--t', '2', '--r', '5', '--max-fp8-error', '0.03']);
    expect(tiny.code).toBe(2);
    expect(tiny.err).toMatch(/below what even naive products reach/);
    expect((await cli(['universal', '--t', '2', '--r', '5', '--max-bf16-error', '0.02', '--max-fp8-error', '0.1'])).err).toMatch(/only one of/);
  });

  it('--max-kappa none: the plain search, unchanged (the scheme universalSearch finds without a bound), with κ and the rounding errors stated', { timeout: 30_000 }, async () => {
    const f = join(dir, 'n25.json');
    const r = await cli(['universal', '--t', '2', '--r', '5', '--time-limit', '100', '--restarts', '1', '--max-kappa', 'none', '--no-published', '-o', f]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/conditioning bound: none \(--max-kappa none\)/);
    expect(r.out).toMatch(/κ = [\d.]+; predicted rounding error/);
    const s = parseSchemeJson(readFileSync(f, 'utf8'), f);
    const plain = universalSearch({ t: 2, r: 5, seed: 1, restarts: 1, timeLimitMs: 100_000, published: false }).best.scheme as Scheme<unknown>;
    expect(schemeToJson({ ...s, meta: {} })).toBe(schemeToJson({ ...plain, meta: {} }));
    expect(s.meta).toMatchObject({ maxKappa: null, command: 'stlkit universal --t 2 --r 5 --seed 1 --time-limit 100 --restarts 1 --max-kappa none --no-published' });
  });

  it('rejects bad arguments', async () => {
    expect((await cli(['universal', '--t', '0', '--r', '3'])).code).toBe(2);
    expect((await cli(['universal', '--t', '2', '--r', '3', '--families', 'bogus'])).code).toBe(2);
    expect((await cli(['universal', '--t', '2', '--r', '3', '--max-kappa', 'bogus'])).code).toBe(2);
    expect((await cli(['universal', '--t', '2', '--r', '3', '--max-kappa', 'none', '--max-bf16-error', '0.02'])).err).toMatch(/not both/);
  });
});
